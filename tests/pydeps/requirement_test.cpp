// PEP 508 requirement lines, environment markers and PEP 503 names.

#include <catch2/catch.hpp>

#include "pydeps/requirement.hpp"

using namespace pgverify::pydeps;

TEST_CASE("pydeps: PEP 503 names", "[pydeps]") {
  CHECK(normalize_name("AsyncPG") == "asyncpg");
  CHECK(normalize_name("Async_PG") == "async-pg");
  CHECK(normalize_name("async.-_pg") == "async-pg");
  CHECK(normalize_name("zope.interface") == "zope-interface");
  CHECK(is_valid_name("a"));
  CHECK(is_valid_name("zope.interface"));
  CHECK_FALSE(is_valid_name("-asyncpg"));
  CHECK_FALSE(is_valid_name("asyncpg_"));
  CHECK_FALSE(is_valid_name(""));
}

TEST_CASE("pydeps: requirement lines", "[pydeps]") {
  Requirement r = parse_requirement("asyncpg[gssauth, test]==0.30.0 ; python_version >= \"3.8\"");
  CHECK(r.name == "asyncpg");
  CHECK(r.extras == std::vector<std::string>{"gssauth", "test"});
  CHECK(r.specifiers.to_string() == "==0.30.0");
  REQUIRE(r.marker);
  CHECK(r.marker->evaluate(MarkerEnvironment{}));

  r = parse_requirement("AsyncPG (>=0.29, <0.31)");
  CHECK(r.name == "AsyncPG");
  CHECK(r.specifiers.to_string() == ">=0.29,<0.31");
  CHECK_FALSE(r.marker);

  r = parse_requirement("asyncpg");
  CHECK(r.specifiers.empty());

  r = parse_requirement("asyncpg @ https://example.org/asyncpg-0.30.0-cp311-cp311-linux_x86_64.whl ; "
                        "os_name == 'posix'");
  CHECK(r.url == "https://example.org/asyncpg-0.30.0-cp311-cp311-linux_x86_64.whl");
  CHECK(r.marker);
  CHECK(r.specifiers.empty());

  for (std::string bad : {"", "==0.30", "asyncpg 0.30.0", "asyncpg[gssauth==0.30", "asyncpg[,]",
                          "asyncpg ==0.30 ;", "asyncpg ; python_version >>> '3'",
                          "asyncpg @", "asyncpg @ https://x y", "asyncpg-", "asyncpg (>=1.0"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_requirement(bad), InvalidRequirement);
  }
  CHECK_THROWS_WITH(parse_requirement("asyncpg 0.30.0"),
                    Catch::StartsWith("invalid requirement 'asyncpg 0.30.0': invalid specifier"));
}

TEST_CASE("pydeps: wheel file names", "[pydeps]") {
  auto wheel = parse_wheel_filename(
      "file:///wheels/asyncpg-0.30.0-cp311-cp311-manylinux_2_17_x86_64.whl#sha256=abc");
  REQUIRE(wheel);
  CHECK(wheel->name == "asyncpg");
  CHECK(wheel->version == Version::parse("0.30.0"));
  CHECK(parse_wheel_filename("foo_bar-1.0-1-py3-none-any.whl")->name == "foo_bar");
  CHECK_FALSE(parse_wheel_filename("asyncpg-0.30.0.tar.gz"));
  CHECK_FALSE(parse_wheel_filename("asyncpg.whl"));
  CHECK_FALSE(parse_wheel_filename("asyncpg-notaversion-py3-none-any.whl"));
}

TEST_CASE("pydeps: markers against the default Linux CPython 3.11 environment", "[pydeps]") {
  const MarkerEnvironment linux311;
  auto holds = [&](const std::string& text) { return Marker::parse(text).evaluate(linux311); };
  CHECK(holds("python_version >= \"3.8\""));
  CHECK(holds("python_version == '3.11'"));
  CHECK(holds("python_version == '3.11.*'"));
  CHECK_FALSE(holds("python_version < '3.9'"));
  CHECK(holds("python_version > '3.9'"));            // as versions: 3.11 > 3.9
  CHECK(holds("python_full_version >= '3.11.0'"));
  CHECK(holds("'3.8' <= python_version"));
  CHECK(holds("sys_platform == 'linux'"));
  CHECK_FALSE(holds("sys_platform == 'win32'"));
  CHECK(holds("platform_system != \"Windows\""));
  CHECK(holds("os_name == 'posix' and implementation_name == 'cpython'"));
  CHECK(holds("sys_platform == 'win32' or sys_platform == 'linux'"));
  CHECK_FALSE(holds("sys_platform == 'linux' and python_version < '3'"));
  CHECK(holds("(sys_platform == 'darwin' or os_name == 'posix') and python_version >= '3'"));
  CHECK(holds("'linux' in sys_platform"));
  CHECK(holds("'win' not in sys_platform"));
  CHECK(holds("platform_machine == 'x86_64'"));
  CHECK(holds("platform_python_implementation == 'CPython'"));
  CHECK(holds("sys.platform == 'linux'"));  // legacy spelling
  CHECK_FALSE(holds("extra == 'gssauth'"));

  MarkerEnvironment old;
  old.python_version = "3.7";
  old.python_full_version = "3.7.17";
  CHECK(Marker::parse("python_version < '3.8'").evaluate(old));

  for (std::string bad : {"", "python_version", "python_version >= ", "pyhton_version >= '3'",
                          "python_version >= '3' and", "(python_version >= '3'",
                          "python_version >= '3')", "python_version = '3'", "'3' >= '3' xor '1'",
                          "python_version >= \"3"}) {
    INFO(bad);
    CHECK_THROWS_AS(Marker::parse(bad), InvalidMarker);
  }
  CHECK_THROWS_WITH(Marker::parse("pyhton_version >= '3'"),
                    Catch::Contains("unknown marker variable 'pyhton_version'"));
  // ~= between strings that are no versions cannot be evaluated.
  CHECK_THROWS_AS(Marker::parse("sys_platform ~= 'linux'").evaluate(linux311), InvalidMarker);
  // Deep nesting is refused, not recursed into.
  std::string deep(10000, '(');
  CHECK_THROWS_WITH(Marker::parse(deep + "os_name == 'posix'" + std::string(10000, ')')),
                    Catch::Contains("nested too deeply"));
}
