#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "checks/checks.hpp"
#include "inventory/schema_inventory.hpp"
#include "support/check_fixture.hpp"

using namespace pgverify;

namespace {

const std::vector<SchemaObject> source_schema = {
    {"column", "public.t.id", "bigint not null"},
    {"index", "public.t_pkey", "CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id)"},
    {"table", "public.t", "table owner=app"},
};

// Answers every inventory query; `objects` are served by kind.
void serve_schema(testing::FakeServer& server, const std::vector<SchemaObject>& objects) {
  server.answer("current_setting('search_path')", testing::rows({{"\"$user\", public"}}));
  server.answer("set_config('search_path'", testing::rows({{""}}));
  for (const std::string& kind : inventory::schema_kinds()) {
    std::vector<std::vector<pg::Cell>> values;
    for (const auto& o : objects)
      if (o.kind == kind) values.push_back({o.name, o.detail});
    pg::QueryResult result = testing::rows(std::move(values));
    result.columns = {"name", "detail"};
    server.answer(std::string("/* pgverify inventory: ") + kind + " */", std::move(result));
  }
  std::vector<std::vector<pg::Cell>> others;  // every other kind: (kind, name, detail)
  const auto& kinds = inventory::schema_kinds();
  for (const auto& o : objects)
    if (std::find(kinds.begin(), kinds.end(), o.kind) == kinds.end()) others.push_back({o.kind, o.name, o.detail});
  server.answer("/* pgverify inventory: other */", testing::rows(std::move(others)));
}

Manifest baseline_with(std::vector<SchemaObject> schema) {
  Manifest manifest;
  manifest.tenant = "demo";
  manifest.schema = std::move(schema);
  return manifest;
}

}  // namespace

TEST_CASE("schema.objects passes when the target's inventory equals the baseline's", "[checks][schema.objects]") {
  testing::CheckFixture f;
  f.baseline = baseline_with(source_schema);
  serve_schema(*f.target, source_schema);
  auto result = f.run(checks::SchemaObjects(), Phase::post);
  CHECK(result.status == Status::pass);
  CHECK(result.summary == "3 of 3 schema objects match");
  // Definitions are read with an empty search_path, and the session's is put back.
  bool emptied = false, restored = false;
  for (const auto& sql : f.target->seen) {
    emptied = emptied || sql.find("set_config('search_path', '', false)") != std::string::npos;
    restored = restored || sql.find("set_config('search_path', $1, false)") != std::string::npos;
  }
  CHECK(emptied);
  CHECK(restored);
}

TEST_CASE("schema.objects fails on a missing index and a changed column, naming both", "[checks][schema.objects]") {
  testing::CheckFixture f;
  f.baseline = baseline_with(source_schema);
  serve_schema(*f.target, {{"column", "public.t.id", "integer not null"}, {"table", "public.t", "table owner=app"}});
  auto result = f.run(checks::SchemaObjects(), Phase::post);
  CHECK(result.status == Status::fail);
  CHECK(result.summary == "1 of 3 schema objects match; 1 missing, 1 differ");
  REQUIRE(result.findings.size() == 2);
  CHECK(result.findings[0].object == "column public.t.id");
  CHECK(result.findings[0].expected == "bigint not null");
  CHECK(result.findings[0].actual == "integer not null");
  CHECK(result.findings[1].object == "index public.t_pkey");
  CHECK(result.findings[1].actual == "missing");
  CHECK(result.findings[1].message == "the index is missing on the target");
}

TEST_CASE("schema.objects warns on objects the source did not have", "[checks][schema.objects]") {
  testing::CheckFixture f;
  f.baseline = baseline_with(source_schema);
  auto target = source_schema;
  target.push_back({"table", "public.extra", "table owner=postgres"});
  serve_schema(*f.target, target);
  auto result = f.run(checks::SchemaObjects(), Phase::post);
  CHECK(result.status == Status::warn);
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].object == "table public.extra");
  CHECK(result.findings[0].expected == "not in the baseline");
}

// An empty inventory is no reason to look away: the target is listed and
// held against it like any other baseline.
TEST_CASE("schema.objects compares a baseline whose inventory is empty", "[checks][schema.objects]") {
  testing::CheckFixture f;
  f.baseline = baseline_with({});
  SECTION("a target just as empty passes") {
    serve_schema(*f.target, {});
    auto result = f.run(checks::SchemaObjects(), Phase::post);
    CHECK(result.status == Status::pass);
    CHECK(f.connector.connections == 1);
  }
  SECTION("a target with objects is not silently accepted") {
    serve_schema(*f.target, source_schema);
    auto result = f.run(checks::SchemaObjects(), Phase::post);
    CHECK(result.status != Status::pass);
    CHECK(result.status != Status::skip);
    CHECK(result.findings.size() == source_schema.size());
  }
}

TEST_CASE("schema.objects says in words which privileges and policies a restore lost", "[checks][schema.objects]") {
  const std::vector<SchemaObject> secured = {
      {"acl", "table public.docs",
       "app SELECT granted by owner; app UPDATE granted by owner; owner SELECT granted by owner"},
      {"acl", "table column public.docs.body", "auditor UPDATE granted by owner"},
      {"default acl", "for role owner in schema public on tables", "reader SELECT granted by owner"},
      {"policy", "public.docs.docs_read", "permissive for SELECT to reader using ((owner = CURRENT_USER))"},
      {"row security", "public.docs", "enabled, forced for the owner"},
  };
  testing::CheckFixture f;
  f.baseline = baseline_with(secured);
  SECTION("all there: pass") {
    serve_schema(*f.target, secured);
    CHECK(f.run(checks::SchemaObjects(), Phase::post).status == Status::pass);
  }
  SECTION("a REVOKE, a lost column grant, changed default privileges, a dropped policy, RLS disabled") {
    serve_schema(*f.target, {{"acl", "table public.docs", "app SELECT granted by owner; owner SELECT granted by owner"},
                             {"default acl", "for role owner in schema public on tables", "(none)"}});
    auto result = f.run(checks::SchemaObjects(), Phase::post);
    CHECK(result.status == Status::fail);
    CHECK(result.summary == "0 of 5 schema objects match; 3 missing, 2 differ");
    std::map<std::string, std::string> by_object;
    for (const auto& finding : result.findings) by_object[finding.object] = finding.message;
    CHECK(by_object["privileges on table public.docs"] ==
          "the privileges on table public.docs differ on the target: app lost UPDATE (granted by owner)");
    CHECK(by_object["privileges on table column public.docs.body"] ==
          "the privileges on table column public.docs.body are not on the target: auditor lost UPDATE (granted by "
          "owner)");
    CHECK_THAT(by_object["default privileges for role owner in schema public on tables"],
               Catch::Contains("reader lost SELECT (granted by owner)"));
    CHECK_THAT(by_object["policy public.docs.docs_read"],
               Catch::Contains("row-level security policy public.docs.docs_read is missing"));
    CHECK_THAT(by_object["row security on table public.docs"],
               Catch::Contains("row-level security is not enabled on public.docs") &&
                   Catch::Contains("sees and changes every row"));
  }
  SECTION("a GRANT the target has beyond the source's is a difference too") {
    auto widened = secured;
    widened[0].detail += "; PUBLIC SELECT granted by owner";
    serve_schema(*f.target, widened);
    auto result = f.run(checks::SchemaObjects(), Phase::post);
    CHECK(result.status == Status::fail);
    REQUIRE(result.findings.size() == 1);
    CHECK_THAT(result.findings[0].message, Catch::EndsWith("PUBLIC gained SELECT (granted by owner)"));
  }
}

TEST_CASE("schema.objects does not count PostgreSQL 17's MAINTAIN against a source older than 17",
          "[checks][schema.objects]") {
  const std::vector<SchemaObject> pg15 = {{"acl", "table public.t", "owner SELECT granted by owner; owner UPDATE granted by owner"}};
  const std::vector<SchemaObject> pg18 = {
      {"acl", "table public.t",
       "owner MAINTAIN granted by owner; owner SELECT granted by owner; owner UPDATE granted by owner"}};
  testing::CheckFixture f;
  f.baseline = baseline_with(pg15);
  f.baseline->server_version_num = 150018;
  serve_schema(*f.target, pg18);
  CHECK(f.run(checks::SchemaObjects(), Phase::post).status == Status::pass);
  f.baseline->server_version_num = 170012;  // a 17 source had MAINTAIN to lose
  CHECK(f.run(checks::SchemaObjects(), Phase::post).status == Status::fail);
}

// Each major prints a view's query its own way; where the target cannot parse
// the source's text again (no TEMPORARY privilege, a standby), the summary says
// the queries were not compared rather than failing a correct restore.
TEST_CASE("schema.objects notes view queries it could not compare across majors", "[checks][schema.objects]") {
  testing::CheckFixture f;
  f.baseline = baseline_with({{"view query", "public.v", " SELECT users.id\n   FROM public.users;"}});
  serve_schema(*f.target, {{"view query", "public.v", " SELECT id\n   FROM public.users;"}});
  f.target->answer("pgverify view queries", testing::rows({{"f"}}));
  auto result = f.run(checks::SchemaObjects(), Phase::post);
  CHECK(result.status == Status::pass);
  CHECK_THAT(result.summary, Catch::Contains("1 view queries printed by another major were not compared"));
}
