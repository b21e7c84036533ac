#include <catch2/catch.hpp>

#include "reports/reporter.hpp"

namespace pgverify::reports {

TEST_CASE("format names round-trip", "[reports]") {
  for (Format format : {Format::console, Format::json, Format::junit, Format::markdown})
    CHECK(parse_format(to_string(format)) == format);
  CHECK_FALSE(parse_format("xml"));
  CHECK_FALSE(parse_format("JSON"));
  CHECK_FALSE(parse_format(""));
}

TEST_CASE("parse_report_spec accepts FMT and FMT:PATH", "[reports]") {
  std::string error;
  SECTION("a format alone writes to standard output") {
    auto target = parse_report_spec("console", error);
    REQUIRE(target);
    CHECK(target->format == Format::console);
    CHECK(target->path.empty());
    target = parse_report_spec("junit", error);
    REQUIRE(target);
    CHECK(target->format == Format::junit);
    CHECK(target->path.empty());
  }
  SECTION("a path follows the first colon") {
    auto target = parse_report_spec("json:out/r.json", error);
    REQUIRE(target);
    CHECK(target->format == Format::json);
    CHECK(target->path == "out/r.json");
    target = parse_report_spec("markdown:/tmp/a:b.md", error);
    REQUIRE(target);
    CHECK(target->format == Format::markdown);
    CHECK(target->path == "/tmp/a:b.md");
  }
  SECTION("'-' means standard output") {
    auto target = parse_report_spec("junit:-", error);
    REQUIRE(target);
    CHECK(target->path.empty());
  }
  CHECK(error.empty());
}

TEST_CASE("parse_report_spec rejects bad specs with one clear line", "[reports]") {
  std::string error;
  SECTION("unknown format") {
    CHECK_FALSE(parse_report_spec("xml", error));
    CHECK(error == "unknown report format 'xml' (expected console, json, junit or markdown)");
  }
  SECTION("unknown format with a path") {
    CHECK_FALSE(parse_report_spec("html:out.html", error));
    CHECK(error == "unknown report format 'html' (expected console, json, junit or markdown)");
  }
  SECTION("empty path after the colon") {
    CHECK_FALSE(parse_report_spec("json:", error));
    CHECK(error ==
          "missing path after 'json:' (leave out the ':' to write the report to standard output)");
  }
  SECTION("missing format") {
    CHECK_FALSE(parse_report_spec(":out.json", error));
    CHECK(error.find("missing report format") == 0);
    error.clear();
    CHECK_FALSE(parse_report_spec("", error));
    CHECK(error.find("missing report format") == 0);
  }
  CHECK(error.find('\n') == std::string::npos);
  CHECK(error.back() != '.');
}

}  // namespace pgverify::reports
