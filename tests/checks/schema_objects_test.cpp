#include <catch2/catch.hpp>

#include "checks/schema_objects.hpp"
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
  for (const char* kind : {"schema", "table", "view", "column", "index", "constraint", "function", "trigger",
                           "extension", "sequence", "type"}) {
    std::vector<std::vector<pg::Cell>> values;
    for (const auto& o : objects)
      if (o.kind == kind) values.push_back({o.name, o.detail});
    pg::QueryResult result = testing::rows(std::move(values));
    result.columns = {"name", "detail"};
    server.answer(std::string("/* pgverify inventory: ") + kind + " */", std::move(result));
  }
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

TEST_CASE("schema.objects skips a baseline without an inventory", "[checks][schema.objects]") {
  testing::CheckFixture f;
  f.baseline = baseline_with({});
  auto result = f.run(checks::SchemaObjects(), Phase::post);
  CHECK(result.status == Status::skip);
  CHECK(f.connector.connections == 0);
}
