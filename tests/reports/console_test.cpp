#include <algorithm>
#include <sstream>

#include "reports/reporter.hpp"
#include "reports/text.hpp"
#include "tests/reports/support.hpp"

namespace pgverify::reports {

namespace {

std::string render_to_string(const RunReport& report, bool colour) {
  std::ostringstream out;
  render_console(report, out, RenderOptions{colour});
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("the console report has no escape sequences without colour", "[reports][console]") {
  // The sample's findings contain a raw ESC: it must come out spelled, never raw.
  const std::string text = render_to_string(testing::sample_report(), false);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find("ESC \\x1b[31mred\\x1b[0m") != std::string::npos);
}

TEST_CASE("the console report colours only the status tags and the result", "[reports][console]") {
  const std::string text = render_to_string(testing::sample_report(), true);
  CHECK(text.find("\x1b[32mPASS\x1b[0m") != std::string::npos);
  CHECK(text.find("\x1b[1;31mFAIL\x1b[0m") != std::string::npos);
  CHECK(text.find("result: \x1b[1;35mERROR\x1b[0m") != std::string::npos);
  // Data still cannot inject its own sequences when colour is on.
  CHECK(text.find("ESC \\x1b[31mred") != std::string::npos);
}

TEST_CASE("the console report shows one line per check and a closing count", "[reports][console]") {
  const RunReport report = testing::sample_report();
  const std::vector<std::string> lines = lines_of(render_to_string(report, false));
  REQUIRE(lines.size() > report.checks.size() + 1);
  CHECK(lines.front() == "pgverify 0.1.0: post checks for tenant demo");
  CHECK(lines.back() == "7 checks: 2 pass, 1 warn, 1 skip, 2 fail, 1 error; result: ERROR");
  std::size_t check_lines = 0;
  for (const auto& check : report.checks)
    for (const auto& line : lines)
      if (line.rfind(text::upper(check.status), 0) == 0 && line.find(check.id) != std::string::npos)
        ++check_lines;
  CHECK(check_lines == report.checks.size());
  CHECK(std::find(lines.begin(), lines.end(),
                  "         hint: Restore again from a complete dump.") != lines.end());
  CHECK(std::find(lines.begin(), lines.end(), "         expected: 10000") != lines.end());
  CHECK(std::find(lines.begin(), lines.end(), "         actual:   9999") != lines.end());
}

}  // namespace pgverify::reports

namespace pgverify::reports {

TEST_CASE("the console report keeps a name on its line and spells out every control character", "[reports][console]") {
  const std::vector<std::string> lines = lines_of(render_to_string(testing::hostile_name_report(), false));
  const std::vector<std::string> expected{
      "pgverify 0.1.0: post checks for tenant demo",
      // A summary keeps its line breaks, continued under it.
      "FAIL   data.row-counts  1 table differs: public.\"a",
      "                        b\\x09c\\x0dd\\x1b[2J\\x7f\\u0085|e\\xff\" (3 ms)",
      // The finding's object is a name: one line, whatever it holds.
      "       - public.\"a\\x0ab\\x09c\\x0dd\\x1b[2J\\x7f\\u0085|e\\xff\": two",
      "         lines",
      "         and a lone\\x0dCR\\x09and a tab",
      "         expected: 2",
      "         actual:   1",
      "1 check: 0 pass, 0 warn, 0 skip, 1 fail, 0 error; result: FAIL",
  };
  CHECK(lines == expected);
}

}  // namespace pgverify::reports
