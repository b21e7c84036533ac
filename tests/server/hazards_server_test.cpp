// The PG18 hazard checks against real servers: each fails (or warns) on a
// server set up to have the hazard and passes on one without.

#include <catch2/catch.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checks/checks.hpp"
#include "checks/source_port_forward.hpp"
#include "support/servers.hpp"

extern char** environ;

using namespace pgverify;
using testing::real_server;

using Servers = testing::RealTenant;
using testing::ScratchRoles;

namespace {

std::string findings(const CheckResult& result) { return testing::finding_lines(result); }

}  // namespace

TEST_CASE("roles.md5-passwords: a login role with an MD5 password warns", "[server][hazards]") {
  testing::ScratchDatabase source(real_server(17), "pgv_hz_md5");
  Servers servers(source.dsn(), real_server(18).dsn);
  auto before = servers.run(checks::RolesMd5Passwords(), Phase::pre);
  INFO(findings(before));
  CHECK(before.status == Status::pass);
  {
    ScratchRoles md5(real_server(17), {"pgv_hz_md5_user"}, "LOGIN");
    source.exec("SET password_encryption = 'md5'; ALTER ROLE pgv_hz_md5_user PASSWORD 'Sup3r-s3cret'");
    auto result = servers.run(checks::RolesMd5Passwords(), Phase::pre);
    INFO(findings(result));
    CHECK(result.status == Status::warn);
    CHECK(findings(result) == "role pgv_hz_md5_user | md5 password\n");
    CHECK(result.summary.find("Sup3r") == std::string::npos);
  }
  CHECK(servers.run(checks::RolesMd5Passwords(), Phase::pre).status == Status::pass);
}

TEST_CASE("ext.available: an extension the target does not offer fails", "[server][hazards]") {
  testing::ScratchDatabase source(real_server(17), "pgv_hz_ext");
  source.exec("CREATE EXTENSION vector; CREATE EXTENSION pg_trgm");
  {
    Servers to_pg15(source.dsn(), real_server(15).dsn);
    auto result = to_pg15.run(checks::ExtAvailable());
    INFO(findings(result));
    CHECK(result.status == Status::fail);
    CHECK(findings(result) == "extension vector | not available\n");
  }
  Servers to_pg18(source.dsn(), real_server(18).dsn);
  auto result = to_pg18.run(checks::ExtAvailable());
  INFO(findings(result));
  CHECK(result.status == Status::pass);
  CHECK(result.summary == "3 of 3 extensions of the source are offered by the target");
}

TEST_CASE("schema.fk-collations: a foreign key PG18 refuses fails, and PG18 does refuse it", "[server][hazards]") {
  testing::ScratchDatabase source(real_server(17), "pgv_hz_coll");
  source.exec("CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);"
              "CREATE TABLE customers (email text COLLATE \"C\" PRIMARY KEY);"
              "CREATE TABLE same (email text COLLATE ci PRIMARY KEY);"
              "CREATE TABLE orders (id int, email text COLLATE ci REFERENCES customers, "
              "                     other text COLLATE ci REFERENCES same);");
  Servers servers(source.dsn(), real_server(18).dsn);
  auto result = servers.run(checks::SchemaFkCollations());
  INFO(findings(result));
  CHECK(result.status == Status::fail);
  CHECK(findings(result) == "foreign key public.orders.orders_email_fkey | email uses public.ci, "
                            "public.customers.email uses pg_catalog.\"C\"\n");

  // The hazard is real: pg_restore 18 stops at that foreign key.
  testing::ScratchDatabase target(real_server(18), "pgv_hz_coll_dst");
  testing::TempDir dir("hz_coll");
  const auto dump = (dir.path() / "coll.dump").string();
  testing::run_ok({real_server(17).tool("pg_dump"), "-Fc", "-f", dump, "-d", source.dsn()});
  auto restore = exec::run_process({real_server(18).tool("pg_restore"), "--exit-on-error", "-d", target.dsn(), dump});
  CHECK(restore.exit_code != 0);
  CHECK_THAT(restore.err, Catch::Contains("orders_email_fkey"));

  source.exec("ALTER TABLE orders DROP CONSTRAINT orders_email_fkey");
  CHECK(servers.run(checks::SchemaFkCollations()).status == Status::pass);
}

TEST_CASE("server.data-checksums: PG17's default cluster warns, PG18's passes", "[server][hazards]") {
  Servers pg17(real_server(15).dsn, real_server(17).dsn);
  auto without = pg17.run(checks::ServerDataChecksums(), Phase::post);
  CHECK(without.status == Status::warn);
  CHECK(findings(without) == "setting data_checksums | off\n");
  Servers pg18(real_server(17).dsn, real_server(18).dsn);
  CHECK(pg18.run(checks::ServerDataChecksums(), Phase::post).status == Status::pass);
}

TEST_CASE("source.port-forward: a running kubectl port-forward on the source's port is found", "[server][hazards]") {
  const auto endpoint = pg::dsn_endpoint(real_server(17).dsn);
  REQUIRE(endpoint);
  // A process that looks like kubectl port-forward to /proc: Python, started with argv[0] "kubectl".
  std::vector<std::string> args = {"kubectl", "-c", "import time; time.sleep(60)", "port-forward", "svc/postgres",
                                   endpoint->port + ":5432"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, "/usr/bin/python3", nullptr, nullptr, argv.data(), environ) == 0);
  struct Reap {
    pid_t pid;
    ~Reap() {
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
  } reap{pid};

  std::vector<checks::PortForward> found;
  for (int i = 0; i < 100 && found.empty(); ++i) {
    for (const auto& forward : checks::running_port_forwards())
      if (forward.pid == pid) found.push_back(forward);
    if (found.empty()) usleep(20000);
  }
  REQUIRE(found.size() == 1);
  CHECK(found[0].local_ports == std::vector<std::string>{endpoint->port});

  Servers servers(real_server(17).dsn, real_server(18).dsn);
  // The real database is small: only a lowered limit makes it "large".
  auto small_limit = servers.run(checks::SourcePortForward(checks::running_port_forwards, 1024 * 1024));
  CHECK(small_limit.status == Status::warn);
  CHECK_THAT(small_limit.summary, Catch::Contains("kubectl port-forward (pid " + std::to_string(pid) + ")"));
  auto real_limit = servers.run(checks::SourcePortForward());
  CHECK(real_limit.status == Status::pass);
  CHECK_THAT(real_limit.summary, Catch::Contains("but its database is only"));
}
