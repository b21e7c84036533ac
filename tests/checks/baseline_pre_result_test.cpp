#include <catch2/catch.hpp>

#include "checks/checks.hpp"
#include "support/check_fixture.hpp"

using namespace pgverify;

namespace {

Manifest baseline_of(std::string status, std::vector<std::pair<std::string, std::string>> checks, bool with_dump = true) {
  Manifest manifest;
  manifest.created = "2026-12-01T10:00:00Z";
  manifest.tool_version = "0.1.0";
  manifest.pre = PreRecord{std::move(status), std::move(checks)};
  if (with_dump) manifest.dump = dump::DumpIdentity{"/backups/qrydb.dump", 14336, std::string(64, 'a')};
  return manifest;
}

}  // namespace

TEST_CASE("baseline.pre-result: a baseline of a pre that passed and checked the dump passes and names both",
          "[checks][baseline.pre-result]") {
  testing::CheckFixture f;
  f.baseline_path = "pgverify-out/demo/manifest.json";
  f.baseline = baseline_of("pass", {{"dump.readable", "pass"}, {"dump.matches-source", "pass"}, {"driver.asyncpg", "warn"}});
  auto result = f.run(checks::BaselinePreResult(), Phase::post);
  CHECK(result.status == Status::pass);
  CHECK(result.summary ==
        "pgverify-out/demo/manifest.json from pre at 2026-12-01T10:00:00Z, which passed; dump /backups/qrydb.dump "
        "(14336 bytes, sha256 aaaaaaaaaaaaaaaa…)");
  f.strict = true;
  CHECK(f.run(checks::BaselinePreResult(), Phase::post).status == Status::pass);
}

TEST_CASE("baseline.pre-result: a pre that did not pass warns, and fails with --strict", "[checks][baseline.pre-result]") {
  testing::CheckFixture f;
  f.baseline = baseline_of("fail", {{"dump.readable", "fail"}, {"dump.matches-source", "error"}, {"version.psql", "pass"}});
  auto result = f.run(checks::BaselinePreResult(), Phase::post);
  CHECK(result.status == Status::warn);
  CHECK_THAT(result.summary, Catch::Contains("which did not pass (fail)"));
  REQUIRE(result.findings.size() == 2);
  CHECK(result.findings[0].object == "dump.readable");
  CHECK(result.findings[1].actual == "error");
  CHECK_THAT(result.findings[0].hint, Catch::Contains("pgverify explain dump.readable"));
  f.strict = true;
  CHECK(f.run(checks::BaselinePreResult(), Phase::post).status == Status::fail);
}

TEST_CASE("baseline.pre-result: a pre that passed without checking a dump, or an older manifest, is not trusted blindly",
          "[checks][baseline.pre-result]") {
  testing::CheckFixture f;
  f.baseline = baseline_of("pass", {{"version.psql", "pass"}}, false);
  auto no_dump = f.run(checks::BaselinePreResult(), Phase::post);
  CHECK(no_dump.status == Status::warn);
  CHECK_THAT(no_dump.summary, Catch::Contains("without checking the dump (pre checked no dump)"));
  f.baseline = baseline_of("pass", {{"dump.readable", "skip"}});
  CHECK(f.run(checks::BaselinePreResult(), Phase::post).status == Status::warn);

  f.baseline = Manifest{};
  f.baseline->tool_version = "0.0.9";
  auto old = f.run(checks::BaselinePreResult(), Phase::post);
  CHECK(old.status == Status::warn);
  CHECK_THAT(old.summary, Catch::Contains("pre's result is not recorded (manifest written by pgverify 0.0.9)"));
  f.strict = true;
  CHECK(f.run(checks::BaselinePreResult(), Phase::post).status == Status::fail);
}
