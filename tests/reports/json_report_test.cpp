#include <sstream>

#include "json/json.hpp"
#include "reports/reporter.hpp"
#include "tests/reports/support.hpp"

namespace pgverify::reports {

namespace {

std::string render_to_string(const RunReport& report) {
  std::ostringstream out;
  render_json(report, out);
  return out.str();
}

}  // namespace

TEST_CASE("the JSON report follows the DESIGN.md contract", "[reports][json]") {
  const RunReport report = testing::sample_report();
  const std::string text = render_to_string(report);
  REQUIRE(!text.empty());
  CHECK(text.back() == '\n');
  const json::Value document = json::parse(text);

  std::vector<std::string> keys;
  for (const auto& [key, value] : document.as_object()) keys.push_back(key);
  // DESIGN.md's keys in its order; the configuration and baseline a run used before the checks.
  CHECK(keys == std::vector<std::string>{"tool", "version", "phase", "tenant", "status", "started",
                                         "finished", "config", "baseline", "checks"});
  CHECK(document.find("tool")->as_string() == "pgverify");
  CHECK(document.find("version")->as_string() == "0.1.0");
  CHECK(document.find("phase")->as_string() == "post");
  CHECK(document.find("tenant")->as_string() == "demo");
  CHECK(document.find("status")->as_string() == "error");
  CHECK(document.find("started")->as_string() == "2026-11-24T18:31:22Z");
  CHECK(document.find("finished")->as_string() == "2026-11-24T18:32:31Z");

  const json::Array& checks = document.find("checks")->as_array();
  REQUIRE(checks.size() == report.checks.size());
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const json::Value& check = checks[i];
    const CheckResult& expected = report.checks[i];
    std::vector<std::string> check_keys;
    for (const auto& [key, value] : check.as_object()) check_keys.push_back(key);
    CHECK(check_keys ==
          std::vector<std::string>{"id", "status", "summary", "duration_ms", "findings"});
    CHECK(check.find("id")->as_string() == expected.id);
    CHECK(check.find("status")->as_string() == to_string(expected.status));
    CHECK(check.find("summary")->as_string() == expected.summary);
    CHECK(check.find("duration_ms")->as_int() == expected.duration.count());
    const json::Array& findings = check.find("findings")->as_array();
    REQUIRE(findings.size() == expected.findings.size());
    for (const auto& finding : findings) {
      REQUIRE(finding.find("message") != nullptr);
      CHECK(finding.find("message")->is_string());
      for (const auto& [key, value] : finding.as_object()) {
        CHECK((key == "object" || key == "expected" || key == "actual" || key == "message" ||
               key == "hint"));
        if (key != "message") CHECK(!value.as_string().empty());
      }
    }
  }
}

TEST_CASE("the JSON report keeps special characters and repairs bad UTF-8", "[reports][json]") {
  const json::Value document = json::parse(render_to_string(testing::sample_report()));
  const json::Value& row_counts = document.find("checks")->as_array()[3];
  const json::Array& findings = row_counts.find("findings")->as_array();
  CHECK(row_counts.find("summary")->as_string() ==
        "2 tables differ: <rows> & \"counts\" | 'quoted'\nsee findings");
  CHECK(findings[0].find("object")->as_string() == "public.\"weird|table\"");
  CHECK(findings[0].find("message")->as_string() ==
        "row count differs: <lost> & \"found\" 'rows'\nsecond line");
  CHECK(findings[1].find("object")->as_string() == "public.café_表");
  CHECK(findings[1].find("hint") == nullptr);
  CHECK(findings[1].find("message")->as_string() ==
        "vector ✓ 🚀 differs\tafter tab; ESC \x1b[31mred\x1b[0m; bad byte \xEF\xBF\xBD here");
  // A finding with only a message keeps just that.
  CHECK(findings[2].as_object().size() == 1);
}

TEST_CASE("the JSON report is strict JSON for another parser too", "[reports][json]") {
  if (!testing::have_command("python3")) FAIL("python3 is needed to cross-check the JSON report");
  const testing::TempFile file("report.json", render_to_string(testing::sample_report()));
  // Python decodes UTF-8 strictly and rejects control characters in strings.
  const auto [status, output] = testing::run_command(
      "python3 -c 'import json,sys; d=json.load(open(sys.argv[1],encoding=\"utf-8\")); "
      "print(d[\"status\"], len(d[\"checks\"]))' '" +
      file.path().string() + "' 2>&1");
  INFO(output);
  CHECK(status == 0);
  CHECK(output == "error 7\n");
}

TEST_CASE("the JSON report's status follows the worst check", "[reports][json]") {
  RunReport report;
  report.checks.push_back({"a", Status::warn, "w", std::chrono::milliseconds(1), {}});
  report.checks.push_back({"b", Status::skip, "s", std::chrono::milliseconds(1), {}});
  CHECK(json::parse(render_to_string(report)).find("status")->as_string() == "pass");
  report.checks.push_back({"c", Status::fail, "f", std::chrono::milliseconds(1), {}});
  CHECK(json::parse(render_to_string(report)).find("status")->as_string() == "fail");
}

}  // namespace pgverify::reports
