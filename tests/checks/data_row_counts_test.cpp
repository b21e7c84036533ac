#include <catch2/catch.hpp>

#include "checks/checks.hpp"
#include "support/check_fixture.hpp"
#include "support/fake_tables.hpp"

using namespace pgverify;
using testing::FakeTable;

namespace {
const std::vector<FakeTable> source_tables = {{"public.a", {"1", "2", "3"}}, {"public.b", {"x"}}};
}

TEST_CASE("data.row-counts passes when every table has its rows", "[checks][data.row-counts]") {
  testing::CheckFixture f;
  f.baseline = testing::baseline_of(source_tables);
  testing::serve_tables(*f.target, {{"public.a", {"3", "1", "2"}}, {"public.b", {"x"}}});
  auto result = f.run(checks::DataRowCounts(), Phase::post);
  CHECK(result.status == Status::pass);
  CHECK(result.summary == "2 of 2 tables have the baseline's row count");
}

TEST_CASE("data.row-counts fails on missing rows, naming table, expected and actual", "[checks][data.row-counts]") {
  testing::CheckFixture f;
  f.baseline = testing::baseline_of(source_tables);
  testing::serve_tables(*f.target, {{"public.a", {"1", "2"}}, {"public.b", {"x"}}});
  auto result = f.run(checks::DataRowCounts(), Phase::post);
  CHECK(result.status == Status::fail);
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].object == "public.a");
  CHECK(result.findings[0].expected == "3 rows");
  CHECK(result.findings[0].actual == "2 rows");
  CHECK(result.findings[0].message == "1 rows missing");
  CHECK_THAT(result.findings[0].hint, Catch::Contains("without kubectl port-forward"));
}

TEST_CASE("data.row-counts fails on a missing table and warns on an extra one", "[checks][data.row-counts]") {
  testing::CheckFixture f;
  f.baseline = testing::baseline_of(source_tables);
  SECTION("missing") {
    testing::serve_tables(*f.target, {{"public.a", {"1", "2", "3"}}});
    auto result = f.run(checks::DataRowCounts(), Phase::post);
    CHECK(result.status == Status::fail);
    CHECK(result.findings.at(0).message == "the table is missing on the target");
  }
  SECTION("extra") {
    testing::serve_tables(*f.target, {{"public.a", {"1", "2", "3"}}, {"public.b", {"x"}}, {"public.c", {}}});
    auto result = f.run(checks::DataRowCounts(), Phase::post);
    CHECK(result.status == Status::warn);
    CHECK(result.findings.at(0).object == "public.c");
  }
}

TEST_CASE("data.row-counts hashes the target once for both data checks and in the baseline's TimeZone", "[checks][data.row-counts]") {
  testing::CheckFixture f;
  f.baseline = testing::baseline_of(source_tables);
  f.baseline->settings = {{"TimeZone", "Europe/Berlin"}};
  testing::serve_tables(*f.target, {{"public.a", {"1", "2", "3"}}, {"public.b", {"x"}}});
  Context context{Phase::post, f.tenant, f.connector, f.tools, std::nullopt, &*f.baseline};
  CHECK(checks::DataRowCounts().run(context).status == Status::pass);
  CHECK(checks::DataRowCounts().run(context).status == Status::pass);
  CHECK(f.connector.connections == 1);
  bool zone_set = false;
  for (const auto& sql : f.target->seen) zone_set = zone_set || sql.find("SET TimeZone = 'Europe/Berlin'") != std::string::npos;
  CHECK(zone_set);
}
