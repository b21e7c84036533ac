#include <catch2/catch.hpp>

#include "checks/checks.hpp"
#include "support/check_fixture.hpp"

using namespace pgverify;

TEST_CASE("version.pg-dump passes when pg_dump matches the source major", "[checks][version.pg-dump]") {
  testing::CheckFixture f;
  f.tools.version("pg_dump", "pg_dump (PostgreSQL) 17.12 (Debian 17.12-0+deb13u1)");
  auto result = f.run(checks::VersionPgDump());
  CHECK(result.status == Status::pass);
  CHECK(result.summary == "pg_dump 17.12 matches the source server (PostgreSQL 17.12)");
}

TEST_CASE("version.pg-dump fails when pg_dump is older than the source", "[checks][version.pg-dump]") {
  testing::CheckFixture f;
  f.tools.version("pg_dump", "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)");
  auto result = f.run(checks::VersionPgDump());
  CHECK(result.status == Status::fail);
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].expected == "pg_dump 17");
  CHECK_THAT(result.findings[0].message, Catch::Contains("pg_dump refuses servers newer than itself"));
  CHECK_THAT(result.findings[0].hint, Catch::Contains("Use pg_dump 17"));
}

TEST_CASE("version.pg-dump warns when pg_dump is newer than the source", "[checks][version.pg-dump]") {
  testing::CheckFixture f;
  f.tools.version("pg_dump", "pg_dump (PostgreSQL) 18.1");
  CHECK(f.run(checks::VersionPgDump()).status == Status::warn);
}

TEST_CASE("version.pg-dump fails when pg_dump cannot be run, naming the key", "[checks][version.pg-dump]") {
  testing::CheckFixture f;
  auto result = f.run(checks::VersionPgDump());
  CHECK(result.status == Status::fail);
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].object == "tenants.demo.clients.pg_dump");
  CHECK(result.findings[0].message == "pg_dump: not found");
  f.tools.exited("pg_dump", 1, "", "pg_dump: error: something\n");
  CHECK(f.run(checks::VersionPgDump()).findings.at(0).message ==
        "pg_dump --version exited with status 1: pg_dump: error: something");
}

TEST_CASE("version.pg-dump cannot run without a reachable source", "[checks][version.pg-dump]") {
  testing::CheckFixture f;
  f.tools.version("pg_dump", "pg_dump (PostgreSQL) 17.12");
  f.tenant.source_dsn = "host=elsewhere";
  CHECK_THROWS_AS(f.run(checks::VersionPgDump()), pg::PgError);
  f.tenant.source_dsn.clear();
  CHECK(f.run(checks::VersionPgDump()).status == Status::error);
}
