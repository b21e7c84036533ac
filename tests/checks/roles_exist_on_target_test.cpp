#include "checks/checks.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

#include "support/check_fixture.hpp"

using namespace pgverify;

namespace {

// The fixture with no memberships on either side; a test adds the ones it needs.
struct RolesFixture : testing::CheckFixture {
  RolesFixture() {
    source->answer("pgverify role memberships", testing::rows({}));
    target->answer("pgverify role memberships", testing::rows({}));
  }
  void source_uses(std::vector<std::vector<pg::Cell>> uses) {
    source->answer("pgverify roles used", testing::rows(std::move(uses)));
  }
  void target_has(std::vector<std::vector<pg::Cell>> roles) {
    target->answer("pgverify roles present", testing::rows(std::move(roles)));
  }
  // Answers are matched first to last: these come before the empty default.
  void memberships(testing::FakeServer& server, std::vector<std::vector<pg::Cell>> pairs) {
    server.answers.insert(server.answers.begin(), {"pgverify role memberships", testing::rows(std::move(pairs))});
  }
};

const Finding* finding_for(const CheckResult& result, const std::string& object) {
  auto it = std::find_if(result.findings.begin(), result.findings.end(),
                         [&](const Finding& f) { return f.object == object; });
  return it == result.findings.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("roles.exist-on-target fails naming each role the target lacks", "[checks][roles.exist-on-target]") {
  RolesFixture f;
  f.source_uses({{"app", "owner", "12", "table public.a"},
                 {"app", "owner", "12", "table public.b"},
                 {"app", "owner", "12", "table public.c"},
                 {"postgres", "owner", "3", "database qrydb"},
                 {"reader", "grantee", "4", "table public.a"}});
  SECTION("missing") {
    f.target_has({{"postgres"}});
    auto result = f.run(checks::RolesExistOnTarget());
    CHECK(result.status == Status::fail);
    CHECK(result.summary == "1 of 3 roles the source uses exist on the target; 2 missing");
    REQUIRE(result.findings.size() == 2);
    CHECK(result.findings[0].object == "role app");
    CHECK(result.findings[0].actual == "missing");
    CHECK(result.findings[0].message ==
          "owns 12 objects (table public.a, table public.b, table public.c and 9 more); it does not exist on "
          "the target server (PostgreSQL 18.1 at target:5432/qrydb)");
    CHECK(result.findings[1].object == "role reader");
    CHECK_THAT(result.findings[1].message,
               Catch::StartsWith("granted privileges on 4 objects (table public.a and 3 more); "));
    CHECK_THAT(result.findings[1].hint, Catch::Contains("--no-owner --no-privileges"));
  }
  SECTION("all there") {
    f.target_has({{"app"}, {"postgres"}, {"reader"}, {"other"}});
    auto result = f.run(checks::RolesExistOnTarget());
    CHECK(result.status == Status::pass);
    CHECK(result.summary == "3 of 3 roles the source uses exist on the target");
    CHECK(result.findings.empty());
  }
}

TEST_CASE("roles.exist-on-target says in words where each missing role is used", "[checks][roles.exist-on-target]") {
  RolesFixture f;
  f.source_uses({{"tenant", "default grantee", "1", "tables in schema app by owner"},
                 {"tenant", "grantee", "2", "table column app.accounts.id"},
                 {"tenant", "grantee", "2", "table app.accounts"},
                 {"tenant", "grantor", "1", "table app.accounts"},
                 {"tenant", "policy", "1", "restrictive policy p_tenant on app.accounts"},
                 {"owner", "default privileges", "2", "functions"},
                 {"owner", "default privileges", "2", "tables in schema app"},
                 {"owner", "owner", "1", "large object 4242"},
                 {"mapped", "user mapping", "1", "server s"},
                 {"mapped", "settings", "1", "this database"},
                 {"auditor", "policy", "2", "policy p_audit on app.accounts"},
                 {"auditor", "policy", "2", "policy p_audit on app.logs"}});
  f.target_has({{"postgres"}});
  auto result = f.run(checks::RolesExistOnTarget());
  CHECK(result.status == Status::fail);
  CHECK(result.summary == "0 of 4 roles the source uses exist on the target; 4 missing");
  const std::string absent = "it does not exist on the target server (PostgreSQL 18.1 at target:5432/qrydb)";

  const Finding* tenant = finding_for(result, "role tenant");
  REQUIRE(tenant);
  CHECK(tenant->message ==
        "named in restrictive policy p_tenant on app.accounts; granted privileges on 2 objects (table column "
        "app.accounts.id and table app.accounts); grantor of privileges on 1 object (table app.accounts); granted "
        "default privileges for tables in schema app by owner; " +
            absent);
  CHECK_THAT(tenant->hint,
             Catch::Contains("pg_restore drops a policy or user mapping that names a missing role, even with "
                             "--no-owner --no-privileges"));

  const Finding* owner = finding_for(result, "role owner");
  REQUIRE(owner);
  CHECK(owner->message ==
        "owns 1 object (large object 4242); default privileges for functions and tables in schema app; " + absent);
  CHECK_THAT(owner->hint, Catch::EndsWith("or restore with --no-owner --no-privileges."));

  const Finding* mapped = finding_for(result, "role mapped");
  REQUIRE(mapped);
  CHECK(mapped->message ==
        "user mapping for server s; settings in this database (ALTER ROLE ... IN DATABASE); " + absent);
  CHECK_THAT(mapped->hint, Catch::Contains("even with --no-owner --no-privileges"));

  const Finding* auditor = finding_for(result, "role auditor");
  REQUIRE(auditor);
  CHECK(auditor->message ==
        "named in 2 policies (policy p_audit on app.accounts and policy p_audit on app.logs); " + absent);
}

TEST_CASE("roles.exist-on-target needs the roles a needed role is a member of, and their memberships",
          "[checks][roles.exist-on-target]") {
  RolesFixture f;
  f.source_uses({{"app", "owner", "1", "table public.t"}, {"reader", "grantee", "1", "table public.t"}});
  f.memberships(*f.source, {{"alice", "reader"},
                            {"app", "app_group"},
                            {"app", "pg_read_all_data"},
                            {"app_group", "app_super"},
                            {"bob", "reader"},
                            {"carol", "unrelated"}});

  SECTION("the roles it is a member of are missing") {
    f.target_has({{"app"}, {"reader"}, {"pg_read_all_data"}});
    f.memberships(*f.target, {{"app", "pg_read_all_data"}});
    auto result = f.run(checks::RolesExistOnTarget());
    CHECK(result.status == Status::fail);
    CHECK(result.summary == "2 of 4 roles the source uses exist on the target; 2 missing");
    REQUIRE(result.findings.size() == 2);
    CHECK(result.findings[0].object == "role app_group");
    CHECK_THAT(result.findings[0].message,
               Catch::StartsWith("app, which the restore needs, is a member of it; it does not exist"));
    CHECK_THAT(result.findings[0].hint, Catch::Contains("grant it to its members as on the source"));
    CHECK(result.findings[1].object == "role app_super");
    CHECK_THAT(result.findings[1].message, Catch::StartsWith("app_group, which the restore needs, is a member of it;"));
  }
  SECTION("every role is there but memberships are not") {
    // alice exists on the target and is not a member of reader there; bob does
    // not exist there, which the restore does not need; carol's role is not used.
    f.target_has(
        {{"alice"}, {"app"}, {"app_group"}, {"app_super"}, {"carol"}, {"pg_read_all_data"}, {"reader"}, {"unrelated"}});
    f.memberships(*f.target, {{"app_group", "app_super"}});
    auto result = f.run(checks::RolesExistOnTarget());
    CHECK(result.status == Status::fail);
    CHECK(result.summary == "4 of 4 roles the source uses exist on the target; 3 memberships missing");
    REQUIRE(result.findings.size() == 3);
    CHECK(result.findings[0].object == "membership of alice in reader");
    CHECK(result.findings[1].object == "membership of app in app_group");
    CHECK(result.findings[1].expected == "member");
    CHECK(result.findings[1].actual == "not a member");
    CHECK(result.findings[1].message ==
          "app is a member of app_group on the source but not on the target server (PostgreSQL 18.1 at "
          "target:5432/qrydb): the privileges it gets through app_group would be lost");
    CHECK(result.findings[1].hint ==
          "Grant app_group to app on the target before the restore, as on the source (pg_dumpall --roles-only shows "
          "the GRANT).");
    CHECK(result.findings[2].object == "membership of app in pg_read_all_data");
  }
  SECTION("roles and memberships all there") {
    f.target_has({{"alice"}, {"app"}, {"app_group"}, {"app_super"}, {"pg_read_all_data"}, {"reader"}});
    f.memberships(*f.target,
                  {{"alice", "reader"}, {"app", "app_group"}, {"app", "pg_read_all_data"}, {"app_group", "app_super"}});
    auto result = f.run(checks::RolesExistOnTarget());
    CHECK(result.status == Status::pass);
    CHECK(result.summary == "4 of 4 roles the source uses exist on the target");
  }
}

TEST_CASE("roles.exist-on-target counts only memberships that pass privileges on from PostgreSQL 16",
          "[checks][roles.exist-on-target]") {
  RolesFixture f;
  f.source->version_num = 150008;
  f.source_uses({});
  f.target_has({});
  CHECK(f.run(checks::RolesExistOnTarget()).status == Status::pass);
  auto membership_query = [](const testing::FakeServer& server) {
    for (const auto& sql : server.seen)
      if (sql.find("pgverify role memberships") != std::string::npos) return sql;
    return std::string();
  };
  CHECK_THAT(membership_query(*f.source), !Catch::Contains("inherit_option"));
  CHECK_THAT(membership_query(*f.target), Catch::Contains("WHERE a.inherit_option OR a.set_option"));
}
