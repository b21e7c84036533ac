#include <catch2/catch.hpp>

#include "checks/checks.hpp"
#include "support/check_fixture.hpp"
#include "support/fake_tables.hpp"

using namespace pgverify;
using testing::FakeTable;

namespace {
const std::vector<FakeTable> source_tables = {{"public.a", {"1\tone", "2\ttwo", "3\tthree"}}};
}

TEST_CASE("data.table-hashes passes on the same rows in any order", "[checks][data.table-hashes]") {
  testing::CheckFixture f;
  f.baseline = testing::baseline_of(source_tables);
  testing::serve_tables(*f.target, {{"public.a", {"3\tthree", "1\tone", "2\ttwo"}}});
  auto result = f.run(checks::DataTableHashes(), Phase::post);
  CHECK(result.status == Status::pass);
  CHECK(result.summary == "1 of 1 tables match the baseline's content hash (text mode)");
}

TEST_CASE("data.table-hashes fails on changed, swapped or lost-and-duplicated rows", "[checks][data.table-hashes]") {
  const std::vector<std::vector<std::string>> damaged = {
      {"1\tone", "2\ttwo", "3\tthree!"},  // a changed value
      {"1\ttwo", "2\tone", "3\tthree"},   // values swapped between rows
      {"1\tone", "1\tone", "3\tthree"},   // one row lost, another duplicated: same count
  };
  for (const auto& rows : damaged) {
    testing::CheckFixture f;
    f.baseline = testing::baseline_of(source_tables);
    testing::serve_tables(*f.target, {{"public.a", rows}});
    auto result = f.run(checks::DataTableHashes(), Phase::post);
    CHECK(result.status == Status::fail);
    CHECK(result.summary == "0 of 1 tables match the baseline's content hash (text mode); 1 differ");
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].object == "public.a");
    CHECK(result.findings[0].expected == f.baseline->tables[0].hash);
    CHECK_THAT(result.findings[0].message, Catch::Contains("row count (3) is the same"));
  }
}

TEST_CASE("data.table-hashes reports a table whose columns changed", "[checks][data.table-hashes]") {
  testing::CheckFixture f;
  f.baseline = testing::baseline_of(source_tables);
  f.baseline->tables[0].columns = {"c", "d"};
  testing::serve_tables(*f.target, {{"public.a", {"1\tone", "2\ttwo", "3\tthree"}}});
  auto result = f.run(checks::DataTableHashes(), Phase::post);
  CHECK(result.status == Status::fail);
  CHECK(result.findings.at(0).expected == "c, d");
  CHECK(result.findings.at(0).actual == "c");
}

TEST_CASE("data.table-hashes cannot run when the target cannot be reached", "[checks][data.table-hashes]") {
  testing::CheckFixture f;
  f.baseline = testing::baseline_of(source_tables);
  f.tenant.target_dsn = "host=down";
  CHECK_THROWS_AS(f.run(checks::DataTableHashes(), Phase::post), pg::PgError);
}
