// find_package on every format: a fixture pinning asyncpg 0.30.0 and one with
// 0.31.0 for each, then requirements-file features, ranges, absent packages,
// malformed files (ParseError with path and line), include cycles and depth.

#include <catch2/catch.hpp>

#include <fstream>
#include <random>

#include "pydeps/find_package.hpp"
#include "support/servers.hpp"

using namespace pgverify::pydeps;
using pgverify::testing::TempDir;
namespace fs = std::filesystem;

namespace {

const fs::path fixtures = fs::path(PGVERIFY_SOURCE_DIR) / "tests/pydeps/fixtures";

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

PackageRequirement found(const fs::path& path, std::string_view package = "asyncpg",
                         const FindOptions& options = {}) {
  auto result = find_package(path, package, options);
  INFO(path);
  REQUIRE(result);
  return *result;
}

std::string pinned(const fs::path& path, std::string_view package = "asyncpg") {
  const auto result = found(path, package);
  REQUIRE(result.pinned);
  CHECK_FALSE(result.range);
  return result.pinned->to_string();
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The ParseError find_package throws for `path`.
ParseError error_of(const fs::path& path, std::string_view package = "asyncpg",
                    const FindOptions& options = {}) {
  try {
    find_package(path, package, options);
  } catch (const ParseError& error) {
    return error;
  }
  FAIL("no ParseError for " << path);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("find_package: requirements.txt fixtures", "[pydeps]") {
  const fs::path top030 = fixtures / "requirements-030/requirements.txt";
  const auto r030 = found(top030);
  CHECK(r030.format == SourceFormat::requirements);
  CHECK(r030.name == "asyncpg");
  REQUIRE(r030.pinned);
  CHECK(r030.pinned->to_string() == "0.30.0");
  CHECK_FALSE(r030.range);
  // The logical line starts at line 6 and continues over the --hash lines.
  CHECK(r030.source == top030.string() + ":6");

  // -r base.txt: a range, an -e line with #egg=, a -c constraints file.
  const auto sqlalchemy = found(top030, "SQLAlchemy");
  REQUIRE(sqlalchemy.range);
  CHECK(sqlalchemy.range->to_string() == ">=2.0,<2.1");
  CHECK(sqlalchemy.source == (fixtures / "requirements-030/base.txt").string() + ":1");
  const auto tools = found(top030, "internal_tools");
  CHECK_FALSE(tools.pinned);
  CHECK(tools.url == "git+https://github.com/example/internal-tools.git#egg=internal-tools");
  const auto greenlet = found(top030, "greenlet");
  CHECK(greenlet.pinned == Version::parse("3.1.1"));
  REQUIRE(greenlet.notes.size() == 1);
  CHECK(greenlet.notes[0].find("constraints file") != std::string::npos);
  CHECK(pinned(top030, "uvloop") == "0.21.0");

  // --requirement=common/base.txt; the 0.29.0 line's marker is false on 3.11,
  // the name is spelt "AsyncPG == 0.31.0" and Async_PG_Helper is another project.
  const fs::path top031 = fixtures / "requirements-031/requirements.txt";
  const auto r031 = found(top031);
  CHECK(r031.pinned == Version::parse("0.31.0"));
  CHECK(r031.name == "AsyncPG");
  CHECK(r031.source == (fixtures / "requirements-031/common/base.txt").string() + ":3");

  // On Python 3.7 the other line applies instead.
  FindOptions py37;
  py37.environment.python_version = "3.7";
  py37.environment.python_full_version = "3.7.17";
  const auto r029 = found(top031, "asyncpg", py37);
  CHECK(r029.pinned == Version::parse("0.29.0"));
  CHECK(r029.source == top031.string() + ":2");
}

TEST_CASE("find_package: pip freeze fixtures, detected by content", "[pydeps]") {
  const fs::path f030 = fixtures / "freeze-030/freeze.out";
  CHECK(detect_format(f030) == SourceFormat::requirements);
  CHECK(pinned(f030) == "0.30.0");
  CHECK(found(f030).source == f030.string() + ":2");
  CHECK(pinned(f030, "anyio") == "4.6.2.post1");
  // "name @ file://…whl": the wheel's version.
  const auto sqlalchemy = found(f030, "sqlalchemy");
  CHECK(sqlalchemy.pinned == Version::parse("2.0.36"));
  CHECK(ends_with(sqlalchemy.url, ".whl"));
  CHECK(found(f030, "app").url.find("#egg=app") != std::string::npos);

  const fs::path f031 = fixtures / "freeze-031/installed";
  CHECK(detect_format(f031) == SourceFormat::requirements);
  CHECK(pinned(f031) == "0.31.0");
  CHECK_FALSE(find_package(f031, "app"));  // only in a comment
}

TEST_CASE("find_package: poetry.lock fixtures", "[pydeps]") {
  const fs::path p030 = fixtures / "poetry-030/poetry.lock";
  CHECK(detect_format(p030) == SourceFormat::poetry_lock);
  CHECK(pinned(p030) == "0.30.0");
  CHECK(found(p030).source == p030.string() + ":14");
  CHECK(pinned(p030, "async_timeout") == "5.0.1");
  CHECK(pinned(fixtures / "poetry-031/poetry.lock") == "0.31.0");
  CHECK_FALSE(find_package(p030, "gssapi"));  // an extra's dependency, not locked
}

TEST_CASE("find_package: uv.lock fixtures", "[pydeps]") {
  const fs::path u030 = fixtures / "uv-030/uv.lock";
  CHECK(detect_format(u030) == SourceFormat::uv_lock);
  CHECK(pinned(u030) == "0.30.0");
  CHECK(found(u030).source == u030.string() + ":16");
  CHECK(found(u030, "app").url == ".");
  // Two forks: resolution-markers pick 0.31.0 for Python 3.11 ...
  const fs::path u031 = fixtures / "uv-031/uv.lock";
  CHECK(pinned(u031) == "0.31.0");
  CHECK(found(u031).source == u031.string() + ":17");
  // ... and 0.29.0 for 3.8.
  FindOptions py38;
  py38.environment.python_full_version = "3.8.20";
  py38.environment.python_version = "3.8";
  CHECK(found(u031, "asyncpg", py38).pinned == Version::parse("0.29.0"));
}

TEST_CASE("find_package: Pipfile.lock fixtures", "[pydeps]") {
  const fs::path p030 = fixtures / "pipfile-030/Pipfile.lock";
  CHECK(detect_format(p030) == SourceFormat::pipfile_lock);
  const auto r030 = found(p030);
  CHECK(r030.pinned == Version::parse("0.30.0"));
  CHECK(r030.source == p030.string() + ":19");
  CHECK(r030.notes.empty());
  // async-timeout's marker (python_version < '3.11') is false on 3.11.
  CHECK_FALSE(find_package(p030, "async-timeout"));

  const auto r031 = found(fixtures / "pipfile-031/Pipfile.lock");
  CHECK(r031.pinned == Version::parse("0.31.0"));
  REQUIRE(r031.notes.size() == 1);
  CHECK(r031.notes[0].find("develop") != std::string::npos);
}

TEST_CASE("find_package: site-packages and virtualenv fixtures", "[pydeps]") {
  const fs::path s030 = fixtures / "site-030";
  CHECK(detect_format(s030) == SourceFormat::site_packages);
  const auto r030 = found(s030);
  CHECK(r030.pinned == Version::parse("0.30.0"));  // not the 9.9.9 in the description
  CHECK(r030.source == (s030 / "asyncpg-0.30.0.dist-info/METADATA").string() + ":3");
  CHECK(pinned(s030, "asyncpg-stubs") == "0.30.1");

  const fs::path v031 = fixtures / "venv-031";
  CHECK(detect_format(v031) == SourceFormat::site_packages);
  CHECK(pinned(v031) == "0.31.0");  // CRLF headers in lib/python3.11/site-packages
  CHECK_FALSE(find_package(v031, "psycopg"));
}

TEST_CASE("find_package: requirements features in temporary files", "[pydeps]") {
  TempDir dir("pydeps");
  const fs::path top = dir.path() / "requirements.txt";

  SECTION("a range is reported as a range") {
    write(top, "asyncpg>=0.29\n");
    const auto r = found(top);
    CHECK_FALSE(r.pinned);
    REQUIRE(r.range);
    CHECK(r.range->to_string() == ">=0.29");
    CHECK(r.range->contains(Version::parse("0.30.0")));
    CHECK_FALSE(r.range->contains(Version::parse("0.28.0")));
  }
  SECTION("a bare name has neither pin nor range") {
    write(top, "asyncpg\n");
    const auto r = found(top);
    CHECK_FALSE(r.pinned);
    CHECK_FALSE(r.range);
    CHECK(r.notes == std::vector<std::string>{"no version specified"});
  }
  SECTION("a missing package is nullopt") {
    write(top, "psycopg[binary]==3.2.3\nasyncpg-stubs==0.30.0\n");
    CHECK_FALSE(find_package(top, "asyncpg"));
  }
  SECTION("an empty file names nothing") {
    write(top, "");
    CHECK_FALSE(find_package(top, "asyncpg"));
  }
  SECTION("constraints narrow a range to a pin") {
    write(top, "-c constraints.txt\nasyncpg>=0.29\n");
    write(dir.path() / "constraints.txt", "asyncpg==0.30.0\n");
    const auto r = found(top);
    CHECK(r.pinned == Version::parse("0.30.0"));
    CHECK(r.source == (dir.path() / "constraints.txt").string() + ":1");
    CHECK(r.name == "asyncpg");
  }
  SECTION("specifiers of several lines are combined") {
    write(top, "-r a.txt\nasyncpg<0.31\n");
    write(dir.path() / "a.txt", "asyncpg >= 0.29\n");
    const auto r = found(top);
    REQUIRE(r.range);
    CHECK(r.range->to_string() == ">=0.29,<0.31");
  }
  SECTION("options, continuations, comments, -e, URLs and paths") {
    write(top,
          "# comment\n"
          "\n"
          "--extra-index-url https://example.org/simple --trusted-host example.org\n"
          "--only-binary=:all:\n"
          "-e .\n"
          "-e git+https://example.org/x.git#egg=x\n"
          "./vendor/thing\n"
          "https://example.org/archive.zip\n"
          "git+https://example.org/y.git@main#egg=y\n"
          "./wheels/uvloop-0.21.0-cp311-cp311-linux_x86_64.whl\n"
          "asyncpg\\\n"
          "[gssauth]\\\n"
          "  == 0.30.0 \\\n"
          "  --hash sha256:c902a60b52e506d38d7e80e0dd5399f657220f24635fee368117b8b5fce1142e  # pinned\n"
          "pkg @ https://example.org/pkg.tar.gz#sha256=deadbeef\n");
    const auto r = found(top);
    CHECK(r.pinned == Version::parse("0.30.0"));
    CHECK(r.source == top.string() + ":11");
    CHECK(found(top, "uvloop").pinned == Version::parse("0.21.0"));
    CHECK(found(top, "y").url == "git+https://example.org/y.git@main#egg=y");
    CHECK_FALSE(found(top, "pkg").pinned);
  }
  SECTION("a comment line ends a continuation") {
    write(top, "asyncpg==0.30.0 \\\n# trailing comment \\\nuvloop==0.21.0\n");
    CHECK(pinned(top) == "0.30.0");
    CHECK(pinned(top, "uvloop") == "0.21.0");
  }
  SECTION("-r forms: short attached, long with '=', absolute, file://") {
    write(dir.path() / "sub/a.txt", "-rb.txt\n");
    write(dir.path() / "sub/b.txt", "--requirement " + (dir.path() / "c.txt").string() + "\n");
    write(dir.path() / "c.txt", "-r file://" + (dir.path() / "d.txt").string() + "\n");
    write(dir.path() / "d.txt", "asyncpg==0.31.0\n");
    write(top, "--requirement=sub/a.txt\n");
    CHECK(pinned(top) == "0.31.0");
  }
  SECTION("a file included twice is read once (no exponential blow-up)") {
    std::string fan;
    for (int i = 0; i < 20; ++i) fan += "-r next.txt\n";
    write(top, fan);
    fs::path current = dir.path() / "next.txt";
    for (int level = 0; level < 10; ++level) {
      write(current, "-r level" + std::to_string(level) + ".txt\n-r level" +
                         std::to_string(level) + ".txt\n");
      current = dir.path() / ("level" + std::to_string(level) + ".txt");
    }
    write(current, "asyncpg==0.30.0\n");
    CHECK(pinned(top) == "0.30.0");
  }
}

TEST_CASE("find_package: include cycles and depth are errors, not hangs", "[pydeps]") {
  TempDir dir("pydeps");
  const fs::path a = dir.path() / "a.txt";
  const fs::path b = dir.path() / "b.txt";

  SECTION("a file including itself") {
    write(a, "asyncpg==0.30.0\n-r a.txt\n");
    const auto error = error_of(a);
    CHECK(error.code() == ParseErrc::include_cycle);
    CHECK(error.path() == a);
    CHECK(error.line() == 2u);
    CHECK(std::string(error.what()) ==
          a.string() + ":2: include cycle: " + a.string() + " -> " + a.string());
  }
  SECTION("two files including each other, through a constraint") {
    write(a, "# a\n-c b.txt\n");
    write(b, "-r ./a.txt\n");
    const auto error = error_of(a);
    CHECK(error.code() == ParseErrc::include_cycle);
    CHECK(error.path() == b);
    CHECK(error.line() == 1u);
  }
  SECTION("a chain deeper than the limit") {
    for (int i = 0; i < 40; ++i)
      write(dir.path() / ("f" + std::to_string(i) + ".txt"), "-r f" + std::to_string(i + 1) + ".txt\n");
    write(dir.path() / "f40.txt", "asyncpg==0.30.0\n");
    const auto error = error_of(dir.path() / "f0.txt");
    CHECK(error.code() == ParseErrc::include_too_deep);
    CHECK(error.line() == 1u);

    FindOptions deep;
    deep.max_include_depth = 50;
    CHECK(found(dir.path() / "f0.txt", "asyncpg", deep).pinned == Version::parse("0.30.0"));
  }
}

TEST_CASE("find_package: malformed files name the file and line", "[pydeps]") {
  TempDir dir("pydeps");
  struct Case {
    std::string file;
    std::string text;
    ParseErrc code;
    std::size_t line;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"requirements.txt", "uvloop==0.21.0\nasyncpg 0.30.0\n", ParseErrc::bad_requirement, 2,
       "invalid requirement 'asyncpg 0.30.0'"},
      {"requirements.txt", "asyncpg==0.30.x\n", ParseErrc::bad_requirement, 1, "invalid version '0.30.x'"},
      {"requirements.txt", "\n\nasyncpg==0.30.0 ; python_versoin > '3'\n", ParseErrc::bad_requirement, 3,
       "unknown marker variable 'python_versoin'"},
      {"requirements.txt", "--frobnicate\n", ParseErrc::bad_option, 1, "unknown option '--frobnicate'"},
      {"requirements.txt", "asyncpg==0.30.0 --hash=nothex\n", ParseErrc::bad_option, 1,
       "--hash takes ALGORITHM:HEXDIGEST"},
      {"requirements.txt", "--hash=sha256:00\n", ParseErrc::bad_option, 1, "belongs after a requirement"},
      {"requirements.txt", "asyncpg==0.30.0 -r other.txt\n", ParseErrc::bad_option, 1,
       "must be on a line of its own"},
      {"requirements.txt", "-r\n", ParseErrc::bad_option, 1, "needs a value"},
      {"requirements.txt", "x\n-r missing.txt\n", ParseErrc::io_error, 2, "does not exist"},
      {"requirements.txt", "-r https://example.org/r.txt\n", ParseErrc::unsupported, 1,
       "remote requirements file"},
      {"requirements.txt", "asyncpg==0.30.0\nasyncpg==0.31.0\n", ParseErrc::conflict, 2,
       "pinned to 0.31.0 here but to 0.30.0 at"},
      {"requirements.txt", "asyncpg==0.30.0\nasyncpg>=0.31\n", ParseErrc::conflict, 2,
       "asyncpg>=0.31 excludes 0.30.0"},
      {"requirements.txt", "asyncpg==0.30.0 ; sys_platform ~= 'linux'\n", ParseErrc::bad_marker, 1,
       "cannot compare"},
      {"poetry.lock", "[[package]]\nname = \"asyncpg\"\nversion = \"0.30.0\n", ParseErrc::bad_toml, 3,
       "invalid TOML"},
      {"poetry.lock", "[[package]]\nversion = \"0.30.0\"\n", ParseErrc::bad_lock_entry, 1,
       "without a string 'name'"},
      {"poetry.lock", "[[package]]\nname = \"asyncpg\"\nversion = \"zero\"\n", ParseErrc::bad_version, 3,
       "invalid version 'zero'"},
      {"poetry.lock", "package = 3\n", ParseErrc::bad_lock_entry, 1, "not an array of tables"},
      {"uv.lock", "[[package]]\nname = \"asyncpg\"\nversion = 30\n", ParseErrc::bad_lock_entry, 3,
       "is not a string"},
      {"uv.lock", "[[package]]\nname = \"asyncpg\"\nversion = \"0.30.0\"\nresolution-markers = [\"python_version >\"]\n",
       ParseErrc::bad_marker, 4, "invalid marker"},
      {"uv.lock",
       "[[package]]\nname = \"asyncpg\"\nversion = \"0.30.0\"\n\n[[package]]\nname = \"asyncpg\"\nversion = \"0.31.0\"\n",
       ParseErrc::conflict, 6, "several entries for asyncpg apply"},
      {"Pipfile.lock", "{\n  \"default\": {\n    \"asyncpg\": {\"version\": \"==0.30.0\",}\n  }\n}\n",
       ParseErrc::bad_json, 3, "invalid JSON"},
      {"Pipfile.lock", "{\n  \"default\": {\n    \"asyncpg\": {\"version\": \"==zero\"}\n  }\n}\n",
       ParseErrc::bad_specifier, 3, "invalid version 'zero'"},
      {"Pipfile.lock", "{\n  \"default\": {\n    \"asyncpg\": \"0.30.0\"\n  }\n}\n",
       ParseErrc::bad_lock_entry, 3, "is not a JSON object"},
      {"Pipfile.lock", "[1]", ParseErrc::bad_json, 1, "expected a JSON object"},
      // Two entries of one name: pipenv never writes them, and which one would count is anyone's guess.
      {"Pipfile.lock",
       "{\n  \"default\": {\n    \"asyncpg\": {\"version\": \"==0.30.0\"},\n    \"asyncpg\": {\"version\": "
       "\"==0.31.0\"}\n  }\n}\n",
       ParseErrc::bad_json, 4, "duplicate key \"asyncpg\" in a JSON object"},
      {"Pipfile.lock", "{\n  \"default\": {\n    \"b\xfcro\": {}\n  }\n}\n", ParseErrc::bad_json, 3,
       "ill-formed UTF-8 byte"},
      {"Pipfile.lock", "{\n  \"default\": {\n    \"asyncpg\": {\"version\": 1e400}\n  }\n}\n",
       ParseErrc::bad_json, 3, "number overflow"},
  };
  for (const auto& c : cases) {
    const fs::path path = dir.path() / c.file;
    write(path, c.text);
    INFO(c.file << ":\n" << c.text);
    const auto error = error_of(path);
    CHECK(to_string(error.code()) == to_string(c.code));
    CHECK(error.line() == c.line);
    CHECK(error.reason().find(c.reason) != std::string::npos);
    const std::string what = error.what();
    CHECK(what.rfind(path.string() + ":" + std::to_string(c.line) + ": ", 0) == 0);
    CHECK(what.find('\n') == std::string::npos);
    CHECK(what.back() != '.');
    fs::remove(path);
  }
}

TEST_CASE("find_package: unusable paths", "[pydeps]") {
  TempDir dir("pydeps");
  CHECK(error_of(dir.path() / "nope.txt").code() == ParseErrc::io_error);
  CHECK(error_of(dir.path()).code() == ParseErrc::unrecognized_format);  // empty directory

  write(dir.path() / "pyproject.toml", "[project]\nname = \"app\"\n");
  CHECK(error_of(dir.path() / "pyproject.toml").code() == ParseErrc::unrecognized_format);

  write(dir.path() / "blob", std::string("asyncpg==0.30.0\n\0\x01", 19));
  const auto binary = error_of(dir.path() / "blob");
  CHECK(binary.code() == ParseErrc::unrecognized_format);
  CHECK(binary.line() == 2u);

  // Content detection: a JSON lock and a TOML lock under other names.
  write(dir.path() / "lock.json", "{\"default\": {\"asyncpg\": {\"version\": \"==0.30.0\"}}}");
  CHECK(detect_format(dir.path() / "lock.json") == SourceFormat::pipfile_lock);
  CHECK(pinned(dir.path() / "lock.json") == "0.30.0");
  write(dir.path() / "copy-of-lock", "[[package]]\nname = \"asyncpg\"\nversion = \"0.31.0\"\n");
  CHECK(detect_format(dir.path() / "copy-of-lock") == SourceFormat::poetry_lock);
  CHECK(pinned(dir.path() / "copy-of-lock") == "0.31.0");
}

TEST_CASE("find_package: broken and duplicated installations", "[pydeps]") {
  TempDir dir("pydeps");
  const fs::path site = dir.path() / "site-packages";

  SECTION("two installed copies with different versions") {
    write(site / "asyncpg-0.30.0.dist-info/METADATA", "Name: asyncpg\nVersion: 0.30.0\n");
    write(site / "asyncpg-0.31.0.dist-info/METADATA", "Name: asyncpg\nVersion: 0.31.0\n");
    const auto error = error_of(site);
    CHECK(error.code() == ParseErrc::conflict);
    CHECK(error.reason().find("0.30.0") != std::string::npos);
    CHECK(error.reason().find("0.31.0") != std::string::npos);
  }
  SECTION("METADATA without a version") {
    write(site / "asyncpg-0.30.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: asyncpg\n");
    const auto error = error_of(site);
    CHECK(error.code() == ParseErrc::bad_metadata);
    CHECK(error.path() == site / "asyncpg-0.30.0.dist-info/METADATA");
  }
  SECTION("METADATA with an invalid version") {
    write(site / "asyncpg-0.30.0.dist-info/METADATA", "Name: asyncpg\nVersion: 0.30.0-final!\n");
    const auto error = error_of(site);
    CHECK(error.code() == ParseErrc::bad_metadata);
    CHECK(error.line() == 2u);
  }
  SECTION("a dist-info without METADATA") {
    fs::create_directories(site / "asyncpg-0.30.0.dist-info");
    write(site / "other-1.0.dist-info/METADATA", "Name: other\nVersion: 1.0\n");
    CHECK(error_of(site).code() == ParseErrc::bad_metadata);
  }
  SECTION("an egg-info directory and a distutils egg-info file") {
    write(site / "asyncpg-0.30.0-py3.11.egg-info/PKG-INFO", "Metadata-Version: 1.0\nName: asyncpg\nVersion: 0.30.0\n");
    write(site / "legacy_thing-2.1-py3.11.egg-info", "Name: legacy-thing\nVersion: 2.1\n");
    CHECK(pinned(site) == "0.30.0");
    CHECK(pinned(site, "legacy.thing") == "2.1");
  }
}

TEST_CASE("pydeps: hostile input never crashes", "[pydeps]") {
  std::mt19937 random(20240531);
  const std::string alphabet = "0123456789.!+-_ abcdeprlvostw*=<>~,;()[]@'\"#\\\n\t/:$\x01\xff";
  auto noise = [&](std::size_t length) {
    std::string text;
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    for (std::size_t i = 0; i < length; ++i) text += alphabet[pick(random)];
    return text;
  };
  TempDir dir("pydeps");
  const fs::path file = dir.path() / "requirements.txt";
  for (int round = 0; round < 3000; ++round) {
    const std::string text = noise(1 + round % 60);
    (void)Version::try_parse(text);
    try {
      (void)SpecifierSet::parse(text).contains(Version::parse("1.0"));
    } catch (const InvalidSpecifier&) {
    }
    try {
      (void)parse_requirement(text);
    } catch (const InvalidRequirement&) {
    }
    try {
      (void)Marker::parse(text).evaluate(MarkerEnvironment{});
    } catch (const InvalidMarker&) {
    }
    if (round % 10 == 0) {
      write(file, text);
      try {
        (void)find_package(file, "asyncpg");
      } catch (const ParseError& error) {
        CHECK(std::string(error.what()).find('\n') == std::string::npos);
      }
    }
  }
  // Nesting bombs in the TOML and JSON locks are refused by their parsers.
  const fs::path poetry = dir.path() / "poetry.lock";
  write(poetry, "x = " + std::string(100000, '[') + std::string(100000, ']') + "\n");
  CHECK(error_of(poetry).code() == ParseErrc::bad_toml);
  const fs::path pipfile = dir.path() / "Pipfile.lock";
  write(pipfile, "{\"default\": " + std::string(100000, '[') + std::string(100000, ']') + "}");
  CHECK(error_of(pipfile).code() == ParseErrc::bad_json);
  // A device is not a dependency file (and /dev/zero would never end).
  if (fs::exists("/dev/zero")) CHECK(error_of("/dev/zero").code() == ParseErrc::unrecognized_format);
}
