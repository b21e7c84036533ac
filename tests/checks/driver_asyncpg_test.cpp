#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "checks/driver_asyncpg.hpp"
#include "support/check_fixture.hpp"
#include "support/servers.hpp"

using namespace pgverify;
namespace fs = std::filesystem;

namespace {

const fs::path fixtures = fs::path(PGVERIFY_SOURCE_DIR) / "tests" / "pydeps" / "fixtures";

// What a fixture directory holds for the application (the directory itself for site-packages).
fs::path fixture(const std::string& name) {
  static const std::map<std::string, std::string> files = {
      {"requirements", "requirements.txt"}, {"freeze-030", "freeze.out"}, {"freeze-031", "installed"},
      {"poetry", "poetry.lock"}, {"uv", "uv.lock"}, {"pipfile", "Pipfile.lock"}};
  for (const auto& [prefix, file] : files)
    if (name.rfind(prefix, 0) == 0) return fixtures / name / file;
  return fixtures / name;
}

CheckResult run_with(const fs::path& requirements, int target = 18) {
  testing::CheckFixture f;
  f.tenant.target_major = target;
  f.tenant.app.python_requirements = requirements.string();
  return f.run(checks::DriverAsyncpg());
}

}  // namespace

TEST_CASE("the built-in driver matrix parses and holds the PG18 minimums", "[checks][driver.asyncpg]") {
  const auto& rules = drivers::builtin_rules();
  auto minimum = [&](const std::string& package) {
    for (const auto& r : rules)
      if (r.package == package && r.target_major == 18) return r.min_version.to_string();
    return std::string("none");
  };
  CHECK(minimum("asyncpg") == "0.31.0");
  CHECK(minimum("psycopg2") == "2.9.11");
  CHECK(minimum("psycopg") == "3.2.8");
  CHECK_THROWS_WITH(drivers::parse_rules("[[rule]]\npackage = \"x\"\n", "r.toml"),
                    "r.toml: rule 1 needs package, min_version, target_major and reason");
  CHECK_THROWS_WITH(drivers::parse_rules("[[rule]]\npackage = \"x\"\nmin_version = \"one\"\ntarget_major = 18\nreason = \"r\"\n", "r.toml"),
                    "r.toml: rule 1: 'one' is not a PEP 440 version");
}

TEST_CASE("asyncpg 0.30.0 fails and 0.31.0 passes in every file format", "[checks][driver.asyncpg]") {
  for (const std::string format : {"requirements", "freeze", "poetry", "uv", "pipfile"}) {
    INFO(format);
    auto old = run_with(fixture(format + "-030"));
    CHECK(old.status == Status::fail);
    REQUIRE_FALSE(old.findings.empty());
    CHECK_THAT(old.findings[0].object, Catch::StartsWith("asyncpg ("));
    CHECK(old.findings[0].expected == ">= 0.31.0");
    CHECK(old.findings[0].actual == "0.30.0");
    auto current = run_with(fixture(format + "-031"));
    INFO(current.summary);
    CHECK(current.status == Status::pass);
  }
  CHECK(run_with(fixture("site-030")).status == Status::fail);
  CHECK(run_with(fixture("venv-031")).status == Status::pass);
}

TEST_CASE("driver.asyncpg warns on ranges that admit old versions and skips what does not apply", "[checks][driver.asyncpg]") {
  testing::TempDir dir("drivers");
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.path() / name) << text;
    return dir.path() / name;
  };
  auto range = run_with(write("loose.txt", "asyncpg>=0.29,<1\n"));
  CHECK(range.status == Status::warn);
  CHECK(range.findings.at(0).actual == ">=0.29,<1");
  CHECK(run_with(write("tight.txt", "asyncpg>=0.31\n")).status == Status::pass);
  CHECK(run_with(write("compatible.txt", "asyncpg~=0.31.0\n")).status == Status::pass);
  CHECK(run_with(write("bare.txt", "asyncpg\n")).status == Status::warn);
  auto none = run_with(write("none.txt", "fastapi==0.115.0\n"));
  CHECK(none.status == Status::skip);
  CHECK_THAT(none.summary, Catch::StartsWith("none of the drivers with rules for PostgreSQL 18 is in"));
  CHECK(run_with(fixture("requirements-030"), 17).status == Status::skip);
  testing::CheckFixture f;
  CHECK(f.run(checks::DriverAsyncpg()).status == Status::skip);
}

TEST_CASE("driver.asyncpg checks psycopg pins too", "[checks][driver.asyncpg]") {
  testing::TempDir dir("drivers-psycopg");
  std::ofstream(dir.path() / "requirements.txt") << "asyncpg==0.31.0\npsycopg[binary]==3.2.3\n";
  auto result = run_with(dir.path() / "requirements.txt");
  CHECK(result.status == Status::fail);
  REQUIRE(result.findings.size() == 1);
  CHECK_THAT(result.findings[0].object, Catch::StartsWith("psycopg ("));
  CHECK(result.summary == "1 of 2 drivers the application uses may not work with PostgreSQL 18");
}

TEST_CASE("a malformed requirements file is one line naming file and line", "[checks][driver.asyncpg]") {
  testing::TempDir dir("drivers-bad");
  std::ofstream(dir.path() / "requirements.txt") << "asyncpg==0.31.0\nasyncpg=====\n";
  CHECK_THROWS_WITH(run_with(dir.path() / "requirements.txt"),
                    Catch::StartsWith((dir.path() / "requirements.txt").string() + ":2: "));
}
