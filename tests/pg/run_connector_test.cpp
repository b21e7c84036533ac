#include <catch2/catch.hpp>

#include <algorithm>

#include "checks/registry.hpp"
#include "evidence/baseline.hpp"
#include "core/runner.hpp"
#include "pg/run_connector.hpp"
#include "support/check_fixture.hpp"
#include "support/fake_tables.hpp"
#include "support/plain_dump.hpp"
#include "support/servers.hpp"

using namespace pgverify;

namespace {

// The message a connect throws, or "" when it connects.
std::string connect_error(pg::Connector& connector, const std::string& dsn) {
  try {
    connector.connect(dsn);
  } catch (const pg::PgError& error) {
    return error.what();
  }
  return "";
}

// Refuses every connection string as malformed, counting the tries.
class RefusingConnector final : public pg::Connector {
 public:
  std::unique_ptr<pg::Session> connect(const std::string&) override {
    ++tries;
    throw pg::InvalidDsn("invalid connection string: missing \"=\" after \"port\" in connection info string");
  }
  int tries = 0;
};

class NullSink final : public pg::CopySink {
 public:
  void on_copy_data(const char*, std::size_t) override {}
};

// One fake server, host=db, behind a run's connector.
struct OneServer {
  testing::FakeConnector fake;
  std::shared_ptr<testing::FakeServer> server = std::make_shared<testing::FakeServer>();
  pg::RunConnector run{fake};
  OneServer() {
    server->answer("SELECT 1", testing::rows({{"1"}}));
    fake.add("host=db", server);
  }
};

std::size_t count_of(const std::vector<std::string>& statements, const std::string& statement) {
  return static_cast<std::size_t>(std::count(statements.begin(), statements.end(), statement));
}

}  // namespace

TEST_CASE("a failed connection is tried once per run, then rethrown at once alike", "[pg][run-connector]") {
  testing::FakeConnector fake;
  pg::RunConnector run(fake);
  const std::string first = connect_error(run, "host=down");
  CHECK_THAT(first, Catch::Contains("Connection refused"));
  CHECK(connect_error(run, "host=down") == first);
  CHECK(connect_error(run, "host=down") == first);
  CHECK(fake.attempts["host=down"] == 1);

  RefusingConnector refusing;
  pg::RunConnector malformed(refusing);
  CHECK_THROWS_AS(malformed.connect("port"), pg::InvalidDsn);
  // Still the user's mistake, not the server's: InvalidDsn, the same words.
  CHECK_THROWS_AS(malformed.connect("port"), pg::InvalidDsn);
  CHECK_THROWS_WITH(malformed.connect("port"), Catch::StartsWith("invalid connection string: missing \"=\""));
  CHECK(refusing.tries == 1);
}

TEST_CASE_METHOD(OneServer, "a session given back serves the next caller, reset to be as new", "[pg][run-connector]") {

  run.connect("host=db")->execute("BEGIN; SET search_path = ''");
  auto second = run.connect("host=db");
  CHECK(second->query("SELECT 1").at(0, 0) == "1");
  CHECK(fake.attempts["host=db"] == 1);
  // The second caller found no transaction and no setting of the first's.
  CHECK(server->seen == std::vector<std::string>{"BEGIN; SET search_path = ''", "ROLLBACK", "DISCARD ALL", "SELECT 1"});

  SECTION("sessions in use are not shared: a second one is a connection of its own") {
    auto third = run.connect("host=db");
    CHECK(fake.attempts["host=db"] == 2);
    third.reset();
    second.reset();
    // One of the two is kept for the next caller, the other closed.
    run.connect("host=db");
    run.connect("host=db");
    CHECK(fake.attempts["host=db"] == 2);
  }
  SECTION("a session whose COPY failed is closed, not handed on mid-COPY") {
    server->copy_errors.emplace_back("COPY", "ERROR:  canceling statement due to user request");
    NullSink sink;
    CHECK_THROWS(second->copy_out("COPY t TO STDOUT", sink));
    second.reset();
    run.connect("host=db");
    CHECK(fake.attempts["host=db"] == 2);
  }
  SECTION("each server has its own") {
    auto other = std::make_shared<testing::FakeServer>();
    fake.add("host=other", other);
    second.reset();
    run.connect("host=other");
    CHECK(fake.attempts["host=other"] == 1);
    CHECK(count_of(other->seen, "DISCARD ALL") == 0);
  }
}

TEST_CASE_METHOD(OneServer, "a lost session fails its caller; the next caller connects again, once", "[pg][run-connector]") {
  auto first = run.connect("host=db");

  SECTION("the server restarted: a new connection serves the next caller") {
    ++server->restarts;
    CHECK_THROWS_WITH(first->query("SELECT 1"), Catch::Contains("server closed the connection unexpectedly"));
    first.reset();
    CHECK(run.connect("host=db")->query("SELECT 1").at(0, 0) == "1");
    CHECK(fake.attempts["host=db"] == 2);
  }
  SECTION("lost while idle: the next caller never sees the dead session") {
    first.reset();
    ++server->restarts;
    CHECK(run.connect("host=db")->query("SELECT 1").at(0, 0) == "1");
    CHECK(fake.attempts["host=db"] == 2);
  }
  SECTION("the server is gone: one more try, then its failure at once") {
    server->down = true;
    CHECK_THROWS(first->query("SELECT 1"));
    first.reset();
    const std::string failure = connect_error(run, "host=db");
    CHECK_THAT(failure, Catch::Contains("Connection refused"));
    CHECK(connect_error(run, "host=db") == failure);
    CHECK(fake.attempts["host=db"] == 2);
  }
}

TEST_CASE("every check of pre and post, and the baseline, try an unreachable server once", "[pg][run-connector]") {
  testing::CheckFixture f;
  f.tenant.source_dsn = "host=source-down";
  f.tenant.target_dsn = "host=target-down";
  testing::TempDir dir("run-connector");
  // With a dump, dump.matches-source hashes the source too.
  const auto dump = testing::write_plain_dump(dir.path() / "db.sql", testing::plain_dump_text({{"public.t", {"1"}}}));
  const Manifest baseline = testing::baseline_of({{"public.t", {"1"}}});

  for (Phase phase : {Phase::pre, Phase::post}) {
    pg::RunConnector run(f.connector);
    Context context{phase, f.tenant, run, f.tools, dump, phase == Phase::post ? &baseline : nullptr};
    const auto results = run_checks(select_checks(all_checks(), phase, {}, {}), context);
    // Several checks needed the servers, and each said why it could not run,
    // in libpq's words of the first try.
    const auto refused = std::count_if(results.begin(), results.end(), [](const CheckResult& result) {
      return result.status == Status::error &&
             result.summary.find("connection to server failed: Connection refused") != std::string::npos;
    });
    CHECK(refused >= 4);
    if (phase == Phase::pre) CHECK_THROWS_AS(capture_baseline(run, f.tenant, {}, nullptr), pg::PgError);
    INFO(to_string(phase));
    // post knows the source from the baseline alone.
    CHECK(f.connector.attempts["host=source-down"] == (phase == Phase::pre ? 1 : 0));
    CHECK(f.connector.attempts["host=target-down"] == 1);
    f.connector.attempts.clear();  // a new run tries again
  }
}
