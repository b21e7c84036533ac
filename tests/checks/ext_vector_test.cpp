#include <catch2/catch.hpp>

#include "checks/checks.hpp"
#include "support/check_fixture.hpp"

using namespace pgverify;
using testing::rows;

namespace {
constexpr const char* available = "pg_available_extensions";
constexpr const char* installed = "pg_extension";
}  // namespace

TEST_CASE("ext.vector pre passes when the target offers vector", "[checks][ext.vector]") {
  testing::CheckFixture f;
  f.target->answer(available, rows({{"0.8.1"}}));
  f.source->answer(installed, rows({{"0.8.0"}}));
  auto result = f.run(checks::ExtVector());
  CHECK(result.status == Status::pass);
  CHECK(result.summary == "the target offers vector 0.8.1 (source uses 0.8.0)");
}

TEST_CASE("ext.vector pre fails when the target does not offer vector", "[checks][ext.vector]") {
  testing::CheckFixture f;
  f.target->answer(available, rows({}));
  f.source->answer(installed, rows({{"0.8.0"}}));
  auto result = f.run(checks::ExtVector());
  CHECK(result.status == Status::fail);
  CHECK_THAT(result.findings.at(0).hint, Catch::Contains("pgvector/pgvector:pg18"));
}

TEST_CASE("ext.vector pre fails when the target offers an older vector", "[checks][ext.vector]") {
  testing::CheckFixture f;
  f.target->answer(available, rows({{"0.7.4"}}));
  f.source->answer(installed, rows({{"0.8.0"}}));
  CHECK(f.run(checks::ExtVector()).status == Status::fail);
}

TEST_CASE("ext.vector pre skips when the source does not use vector", "[checks][ext.vector]") {
  testing::CheckFixture f;
  f.target->answer(available, rows({}));
  f.source->answer(installed, rows({}));
  auto result = f.run(checks::ExtVector());
  CHECK(result.status == Status::skip);
  CHECK_FALSE(result.summary.empty());
}

TEST_CASE("ext.vector post compares with the baseline", "[checks][ext.vector]") {
  testing::CheckFixture f;
  f.baseline = Manifest{};
  f.baseline->extensions = {{"vector", "0.8.0"}};
  SECTION("installed at a newer version passes") {
    f.target->answer(installed, rows({{"0.8.1"}}));
    CHECK(f.run(checks::ExtVector(), Phase::post).status == Status::pass);
  }
  SECTION("missing fails with the runbook's remedy") {
    f.target->answer(installed, rows({}));
    auto result = f.run(checks::ExtVector(), Phase::post);
    CHECK(result.status == Status::fail);
    CHECK_THAT(result.findings.at(0).hint, Catch::Contains("CREATE EXTENSION IF NOT EXISTS vector"));
  }
  SECTION("older than the source fails") {
    f.target->answer(installed, rows({{"0.7.0"}}));
    CHECK(f.run(checks::ExtVector(), Phase::post).status == Status::fail);
  }
  SECTION("a source without vector skips") {
    f.baseline->extensions.clear();
    CHECK(f.run(checks::ExtVector(), Phase::post).status == Status::skip);
  }
}
