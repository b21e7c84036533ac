#include <catch2/catch.hpp>

#include "checks/checks.hpp"
#include "support/check_fixture.hpp"

using namespace pgverify;

TEST_CASE("version.psql passes when psql matches the target major", "[checks][version.psql]") {
  testing::CheckFixture f;
  f.tools.version("psql", "psql (PostgreSQL) 18.1 (Debian 18.1-1)");
  auto result = f.run(checks::VersionPsql());
  CHECK(result.status == Status::pass);
  CHECK(result.summary == "psql 18.1 matches the target major 18");
}

TEST_CASE("version.psql fails when psql is another major", "[checks][version.psql]") {
  testing::CheckFixture f;
  f.tools.version("psql", "psql (PostgreSQL) 15.18");
  auto result = f.run(checks::VersionPsql());
  CHECK(result.status == Status::fail);
  CHECK(result.findings.at(0).expected == "psql 18");
  CHECK_THAT(result.findings.at(0).message, Catch::Contains("the target server (PostgreSQL 18.1 at target:5432/qrydb)"));
}

TEST_CASE("version.psql takes target_major from the config without connecting", "[checks][version.psql]") {
  testing::CheckFixture f;
  f.tenant.target_major = 15;
  f.tenant.target_dsn = "host=unreachable";
  f.tools.version("psql", "psql (PostgreSQL) 15.18");
  CHECK(f.run(checks::VersionPsql()).status == Status::pass);
  CHECK(f.connector.connections == 0);
}

TEST_CASE("version.psql cannot run when the target major is unknown", "[checks][version.psql]") {
  testing::CheckFixture f;
  f.tools.version("psql", "psql (PostgreSQL) 18.1");
  f.tenant.target_dsn.clear();
  CHECK_THROWS_WITH(f.run(checks::VersionPsql()),
                    "neither target_major nor target_dsn is configured for tenant 'demo'");
}
