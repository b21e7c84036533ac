// Golden files pin every format byte for byte; regenerate them with
// PGVERIFY_UPDATE_GOLDEN=1 ./build/tests/pgverify_tests "[reports]" and review the diff.
#include <sstream>

#include "reports/reporter.hpp"
#include "tests/reports/support.hpp"

namespace pgverify::reports {
namespace {

std::string rendered(const RunReport& report, Format format, bool colour = false) {
  std::ostringstream out;
  render(report, format, out, RenderOptions{colour});
  return out.str();
}

}  // namespace

TEST_CASE("every report format matches its golden file", "[reports][golden]") {
  const RunReport report = testing::sample_report();
  SECTION("console") { testing::check_golden("console.txt", rendered(report, Format::console)); }
  SECTION("console with colour") {
    testing::check_golden("console-colour.txt", rendered(report, Format::console, true));
  }
  SECTION("json") { testing::check_golden("report.json", rendered(report, Format::json)); }
  SECTION("junit") { testing::check_golden("junit.xml", rendered(report, Format::junit)); }
  SECTION("markdown") { testing::check_golden("summary.md", rendered(report, Format::markdown)); }
}

TEST_CASE("a report without checks matches its golden files", "[reports][golden]") {
  RunReport report;
  report.tool_version = "0.1.0";
  report.phase = Phase::pre;
  report.tenant = "empty";
  report.started = "2026-11-24T18:31:22Z";
  report.finished = "2026-11-24T18:31:22Z";
  SECTION("console") { testing::check_golden("empty-console.txt", rendered(report, Format::console)); }
  SECTION("json") { testing::check_golden("empty-report.json", rendered(report, Format::json)); }
  SECTION("junit") { testing::check_golden("empty-junit.xml", rendered(report, Format::junit)); }
  SECTION("markdown") { testing::check_golden("empty-summary.md", rendered(report, Format::markdown)); }
}

TEST_CASE("render dispatches to the renderer of each format", "[reports]") {
  const RunReport report = testing::sample_report();
  std::ostringstream direct;
  render_console(report, direct, RenderOptions{true});
  CHECK(rendered(report, Format::console, true) == direct.str());
  direct.str("");
  render_json(report, direct);
  CHECK(rendered(report, Format::json) == direct.str());
  direct.str("");
  render_junit(report, direct);
  CHECK(rendered(report, Format::junit) == direct.str());
  direct.str("");
  render_markdown(report, direct);
  CHECK(rendered(report, Format::markdown) == direct.str());
}

TEST_CASE("rendering is deterministic", "[reports]") {
  const RunReport report = testing::sample_report();
  for (Format format : {Format::console, Format::json, Format::junit, Format::markdown})
    CHECK(rendered(report, format) == rendered(report, format));
}

}  // namespace pgverify::reports
