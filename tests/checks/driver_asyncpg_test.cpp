#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "checks/driver_asyncpg.hpp"
#include "pydeps/pep440.hpp"
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
  const auto& rules = pydeps::builtin_rules();
  auto minimum = [&](const std::string& package) {
    for (const auto& r : rules)
      if (r.package == package && r.target_major == 18) return r.min_version.to_string();
    return std::string("none");
  };
  CHECK(minimum("asyncpg") == "0.31.0");
  CHECK(minimum("psycopg2") == "2.9.11");
  CHECK(minimum("psycopg") == "3.2.8");
  CHECK_THROWS_WITH(pydeps::parse_rules("[[rule]]\npackage = \"x\"\n", "r.toml"),
                    "r.toml: rule 1 needs package, min_version, target_major and reason");
  CHECK_THROWS_WITH(pydeps::parse_rules("[[rule]]\npackage = \"x\"\nmin_version = \"one\"\ntarget_major = 18\nreason = \"r\"\n", "r.toml"),
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

TEST_CASE("driver.asyncpg fails a range that admits no good version and warns only on one that admits both",
          "[checks][driver.asyncpg]") {
  testing::TempDir dir("drivers-ranges");
  struct Case {
    std::string specifiers;
    Status status;
  };
  // What pip may install for each range, against asyncpg's minimum 0.31.0 for PostgreSQL 18.
  const std::vector<Case> cases = {
      {"<0.31", Status::fail},
      {"~=0.30.0", Status::fail},
      {"<=0.30.5,>0.20", Status::fail},
      {"==0.30.*", Status::fail},
      {"<0.31.0rc1", Status::fail},           // names a pre-release: admits 0.31.0a1, still too old
      {">=0.31.0,<0.31.0", Status::fail},     // admits nothing at all
      {">=0.31.0rc1,<0.31.0", Status::fail},  // <0.31.0 refuses 0.31.0's pre-releases: nothing either
      {">=0.29", Status::warn},
      {">=0.29,!=0.30.*", Status::warn},
      {">=0.31.0rc1", Status::warn},  // admits 0.31.0rc1
      {"!=0.30.0", Status::warn},
      {">=0.31.0", Status::pass},
      {">0.30.99999", Status::warn},  // 0.30.99999.1
      {">=0.30,!=0.30.*", Status::pass},
      {">=0.31,!=0.31.0", Status::pass},
      {"~=0.31.0", Status::pass},
      {">0.31.0", Status::pass},
  };
  auto check = [](const CheckResult& result, const Case& c) {
    CHECK(result.status == c.status);
    if (c.status == Status::pass) return;
    CHECK(result.findings.size() == 1);
    if (result.findings.size() != 1) return;  // go on with the other cases
    CHECK(result.findings[0].expected == ">= 0.31.0");
    CHECK(result.findings[0].actual == pgverify::pydeps::SpecifierSet::parse(c.specifiers).to_string());
    if (c.status == Status::fail) {
      CHECK_THAT(result.findings[0].message, Catch::StartsWith("the range admits "));
      CHECK_THAT(result.findings[0].message, Catch::Contains("(PostgreSQL 18 target)"));
      CHECK(result.findings[0].hint ==
            "Require asyncpg>=0.31.0 in the application and deploy it before the database upgrade.");
      CHECK(result.summary == "1 of 1 drivers the application uses may not work with PostgreSQL 18");
    } else {
      CHECK_THAT(result.findings[0].message, Catch::StartsWith("the range allows versions older than 0.31.0: "));
    }
  };
  int n = 0;
  for (const Case& c : cases) {
    INFO("asyncpg" << c.specifiers);
    const fs::path case_dir = dir.path() / std::to_string(n++);
    fs::create_directories(case_dir);
    std::ofstream(case_dir / "requirements.txt") << "fastapi==0.115.0\nasyncpg" << c.specifiers << "\n";
    check(run_with(case_dir / "requirements.txt"), c);
    // A Pipfile.lock entry whose "version" is a range (pipenv writes the Pipfile's specifier when it did not lock).
    std::ofstream(case_dir / "Pipfile.lock") << "{\"_meta\": {}, \"default\": {\"asyncpg\": {\"version\": \"" << c.specifiers
                                             << "\"}}, \"develop\": {}}\n";
    check(run_with(case_dir / "Pipfile.lock"), c);
  }
  // The words for a range that admits nothing, and for one that admits only old versions.
  std::ofstream(dir.path() / "nothing.txt") << "asyncpg>=0.31.0,<0.31.0\n";
  CHECK_THAT(run_with(dir.path() / "nothing.txt").findings.at(0).message,
             Catch::StartsWith("the range admits no version at all: asyncpg before 0.31.0"));
  std::ofstream(dir.path() / "old.txt") << "asyncpg~=0.30.0\n";
  CHECK_THAT(run_with(dir.path() / "old.txt").findings.at(0).message,
             Catch::StartsWith("the range admits only versions older than 0.31.0: asyncpg before 0.31.0"));
}

TEST_CASE("driver.asyncpg judges a requirement and its constraints and includes together", "[checks][driver.asyncpg]") {
  testing::TempDir dir("drivers-constraints");
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.path() / name) << text;
    return dir.path() / name;
  };
  write("constraints.txt", "asyncpg<0.31\n");
  // >=0.29 alone admits good versions; the constraints file leaves only old ones.
  auto constrained = run_with(write("requirements.txt", "-c constraints.txt\nasyncpg>=0.29\n"));
  CHECK(constrained.status == Status::fail);
  REQUIRE(constrained.findings.size() == 1);
  CHECK(constrained.findings[0].actual == ">=0.29,<0.31");
  write("base.txt", "asyncpg~=0.30.0\n");
  CHECK(run_with(write("main.txt", "-r base.txt\n")).status == Status::fail);
  write("newer.txt", "asyncpg!=0.30.*\n");
  CHECK(run_with(write("both.txt", "-c newer.txt\nasyncpg>=0.30\n")).status == Status::pass);
  // A === string that is no PEP 440 version cannot be placed: a warning says so.
  auto arbitrary = run_with(write("arbitrary.txt", "asyncpg===0.31.0-custom\n"));
  CHECK(arbitrary.status == Status::warn);
  CHECK_THAT(arbitrary.findings.at(0).message, Catch::StartsWith("the range names a version pgverify cannot place in PEP 440's order"));
}
