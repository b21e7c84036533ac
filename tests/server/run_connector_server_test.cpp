// A run's connections on a real server: the session checks share is reset
// between them, replaced when the server ended it, never handed on mid-COPY;
// parallel hashing through it gives the result of its own connections.

#include <catch2/catch.hpp>

#include <stdexcept>

#include "hash/table_hasher.hpp"
#include "pg/run_connector.hpp"
#include "support/servers.hpp"

using namespace pgverify;

namespace {

std::string backend_pid(pg::Session& session) {
  return session.query("SELECT pg_catalog.pg_backend_pid()").at(0, 0).value_or("");
}

// Ends a backend as an administrator (or a restart) would, and waits until it is gone.
void terminate(const std::string& dsn, const std::string& pid) {
  pg::LibpqConnector admin;
  admin.connect(dsn)->query("SELECT pg_catalog.pg_terminate_backend($1::int, 5000)", {pid});
}

class StopAtFirstRow final : public pg::CopySink {
 public:
  void on_copy_data(const char*, std::size_t) override { throw std::runtime_error("enough"); }
};

}  // namespace

TEST_CASE("a run's shared session is reset between callers and replaced when lost", "[server][pg]") {
  const auto& pg17 = testing::real_server(17);
  testing::ScratchDatabase db(pg17, "pgv_run_connector");
  pg::LibpqConnector libpq;
  pg::RunConnector run(libpq);

  std::string pid;
  {
    auto first = run.connect(db.dsn());
    pid = backend_pid(*first);
    first->execute("SET search_path = pg_catalog; CREATE TEMP TABLE pgv_left_over (x int); "
                   "PREPARE pgv_left_plan AS SELECT 1; BEGIN; SET LOCAL work_mem = '77kB'; CREATE TABLE public.pgv_uncommitted (x int)");
  }
  {
    auto second = run.connect(db.dsn());
    CHECK(backend_pid(*second) == pid);
    // The first caller's transaction was rolled back, and none of its state is left.
    CHECK(second->query("SELECT pg_catalog.to_regclass('public.pgv_uncommitted') IS NULL").at(0, 0) == "t");
    CHECK(second->query("SELECT pg_catalog.current_setting('work_mem')").at(0, 0) != "77kB");
    CHECK(second->query("SELECT pg_catalog.current_setting('search_path')").at(0, 0) == "\"$user\", public");
    CHECK(second->query("SELECT pg_catalog.to_regclass('pg_temp.pgv_left_over') IS NULL").at(0, 0) == "t");
    CHECK(second->query("SELECT count(*) FROM pg_catalog.pg_prepared_statements").at(0, 0) == "0");
    // What LibpqConnector asked for at connect time stays.
    CHECK(second->query("SELECT pg_catalog.current_setting('client_encoding')").at(0, 0) == "UTF8");
  }

  SECTION("ended while idle: the next caller gets a new connection, not the error") {
    terminate(pg17.dsn, pid);
    auto next = run.connect(db.dsn());
    CHECK(backend_pid(*next) != pid);
  }
  SECTION("ended while in use: the caller's query fails, the next caller connects again") {
    auto using_it = run.connect(db.dsn());
    terminate(pg17.dsn, pid);
    CHECK_THROWS_WITH(using_it->query("SELECT 1"), Catch::StartsWith("127.0.0.1:54017/" + db.name() + ": "));
    using_it.reset();
    auto next = run.connect(db.dsn());
    CHECK(backend_pid(*next) != pid);
    CHECK(next->query("SELECT 1").at(0, 0) == "1");
  }
  SECTION("a COPY its reader stopped is not handed on: the rest of the table is never read") {
    auto copying = run.connect(db.dsn());
    StopAtFirstRow sink;
    CHECK_THROWS_WITH(copying->copy_out("COPY (SELECT generate_series(1, 100000000)) TO STDOUT", sink),
                      "enough");
    copying.reset();
    auto next = run.connect(db.dsn());
    CHECK(backend_pid(*next) != pid);
    CHECK(next->query("SELECT 1").at(0, 0) == "1");
  }
}

TEST_CASE("parallel hashing through a run's connector gives what its own connections give", "[server][hash]") {
  const auto& pg17 = testing::real_server(17);
  testing::ScratchDatabase db(pg17, "pgv_run_connector_hash");
  db.exec("CREATE TABLE wide AS SELECT g AS id, repeat('x', 200) || g AS t FROM generate_series(1, 20000) g; "
          "CREATE TABLE small AS SELECT 1 AS id");
  hash::HashOptions options;
  options.jobs = 3;
  options.chunk_pages = 8;  // split wide into ranges read by all three
  pg::LibpqConnector libpq;
  const hash::DatabaseHash alone = hash::hash_database(libpq, db.dsn(), options);

  pg::RunConnector run(libpq);
  run.connect(db.dsn())->execute("BEGIN; SET extra_float_digits = 0");  // a check before left this behind
  for (int round = 0; round < 2; ++round) {
    const hash::DatabaseHash shared = hash::hash_database(run, db.dsn(), options);
    REQUIRE(shared.relations.size() == alone.relations.size());
    for (std::size_t i = 0; i < alone.relations.size(); ++i) {
      INFO(alone.relations[i].relation.name << " round " << round);
      CHECK(shared.relations[i].digest.rows == alone.relations[i].digest.rows);
      CHECK(shared.relations[i].digest.hex() == alone.relations[i].digest.hex());
    }
  }
}
