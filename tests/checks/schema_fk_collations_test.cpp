#include <catch2/catch.hpp>

#include "checks/checks.hpp"
#include "support/check_fixture.hpp"

using namespace pgverify;

TEST_CASE("schema.fk-collations fails on foreign keys PostgreSQL 18 refuses", "[checks][schema.fk-collations]") {
  testing::CheckFixture f;
  f.tenant.target_major = 18;
  f.source->answer("pgverify fk collations",
                   testing::rows({{"public.orders.orders_email_fkey", "public.ci", "pg_catalog.\"C\"", "email",
                                   "public.customers.email"}}));
  auto result = f.run(checks::SchemaFkCollations());
  CHECK(result.status == Status::fail);
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].object == "foreign key public.orders.orders_email_fkey");
  CHECK(result.findings[0].actual == "email uses public.ci, public.customers.email uses pg_catalog.\"C\"");
}

TEST_CASE("schema.fk-collations passes without such keys and skips before PostgreSQL 18", "[checks][schema.fk-collations]") {
  testing::CheckFixture f;
  SECTION("none") {
    f.tenant.target_major = 18;
    f.source->answer("pgverify fk collations", testing::rows({}));
    CHECK(f.run(checks::SchemaFkCollations()).status == Status::pass);
  }
  SECTION("a source before nondeterministic collations") {
    f.tenant.target_major = 18;
    f.source->version_num = 110022;
    CHECK(f.run(checks::SchemaFkCollations()).status == Status::pass);
  }
  SECTION("a PG17 target") {
    f.tenant.target_major = 17;
    auto result = f.run(checks::SchemaFkCollations());
    CHECK(result.status == Status::skip);
    CHECK(result.summary == "applies to targets on PostgreSQL 18 and later; the target is 17 (target_major)");
    CHECK(f.connector.connections == 0);
  }
  SECTION("a PG17 target server") {
    f.target->version_num = 170012;
    auto result = f.run(checks::SchemaFkCollations());
    CHECK(result.status == Status::skip);
    CHECK(result.summary == "applies to targets on PostgreSQL 18 and later; the target is 17 (target:5432/qrydb)");
    CHECK(f.connector.attempts["host=source"] == 0);
  }
}
