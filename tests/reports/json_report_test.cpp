#include <sstream>

#include "json/strict.hpp"
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
  const nlohmann::ordered_json document = json::parse(text);

  std::vector<std::string> keys;
  for (const auto& [key, value] : document.items()) keys.push_back(key);
  // DESIGN.md's keys in its order; the configuration and baseline a run used before the checks.
  CHECK(keys == std::vector<std::string>{"tool", "version", "phase", "tenant", "status", "started",
                                         "finished", "config", "baseline", "checks"});
  CHECK(document.at("tool") == "pgverify");
  CHECK(document.at("version") == "0.1.0");
  CHECK(document.at("phase") == "post");
  CHECK(document.at("tenant") == "demo");
  CHECK(document.at("status") == "error");
  CHECK(document.at("started") == "2026-11-24T18:31:22Z");
  CHECK(document.at("finished") == "2026-11-24T18:32:31Z");

  const nlohmann::ordered_json& checks = document.at("checks");
  REQUIRE(checks.size() == report.checks.size());
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const nlohmann::ordered_json& check = checks[i];
    const CheckResult& expected = report.checks[i];
    std::vector<std::string> check_keys;
    for (const auto& [key, value] : check.items()) check_keys.push_back(key);
    CHECK(check_keys ==
          std::vector<std::string>{"id", "status", "summary", "duration_ms", "findings"});
    CHECK(check.at("id") == expected.id);
    CHECK(check.at("status") == to_string(expected.status));
    CHECK(check.at("summary") == expected.summary);
    CHECK(check.at("duration_ms") == expected.duration.count());
    const nlohmann::ordered_json& findings = check.at("findings");
    REQUIRE(findings.size() == expected.findings.size());
    for (const auto& finding : findings) {
      REQUIRE(finding.contains("message"));
      CHECK(finding.at("message").is_string());
      for (const auto& [key, value] : finding.items()) {
        CHECK((key == "object" || key == "expected" || key == "actual" || key == "message" ||
               key == "hint"));
        if (key != "message") CHECK(!value.template get<std::string>().empty());
      }
    }
  }
}

TEST_CASE("the JSON report keeps special characters and repairs bad UTF-8", "[reports][json]") {
  const nlohmann::ordered_json document = json::parse(render_to_string(testing::sample_report()));
  const nlohmann::ordered_json& row_counts = document.at("checks")[3];
  const nlohmann::ordered_json& findings = row_counts.at("findings");
  CHECK(row_counts.at("summary") ==
        "2 tables differ: <rows> & \"counts\" | 'quoted'\nsee findings");
  CHECK(findings[0].at("object") == "public.\"weird|table\"");
  CHECK(findings[0].at("message") ==
        "row count differs: <lost> & \"found\" 'rows'\nsecond line");
  CHECK(findings[1].at("object") == "public.café_表");
  CHECK_FALSE(findings[1].contains("hint"));
  CHECK(findings[1].at("message") ==
        "vector ✓ 🚀 differs\tafter tab; ESC \x1b[31mred\x1b[0m; bad byte \xEF\xBF\xBD here");
  // A finding with only a message keeps just that.
  CHECK(findings[2].size() == 1);
}

TEST_CASE("an ill-formed byte in any field of a report is written as U+FFFD, never thrown", "[reports][json]") {
  // nlohmann-json throws on a string that is not UTF-8 unless told otherwise;
  // a report must be written whatever a server or a dump named.
  RunReport report = testing::hostile_name_report();
  report.tenant = "tenant \xc3";
  report.tool_version = "0.1.0\xff";
  report.started = "\xe2\x82";
  report.config_path = "/etc/\xfe.toml";
  report.baseline_path = "/out/\xc0\xaf";
  report.checks.push_back({"id\x80", Status::error, "summary \xf5", std::chrono::milliseconds(2),
                           {{"\xff", "\xff", "\xff", "\xed\xa0\x80", "\xff"}}});
  std::string text;
  REQUIRE_NOTHROW(text = render_to_string(report));
  const nlohmann::ordered_json document = json::parse(text);  // strict: UTF-8 only
  CHECK(document.at("tenant") == "tenant \xEF\xBF\xBD");
  CHECK(document.at("checks")[0].at("findings")[0].at("object").get<std::string>().find("e\xEF\xBF\xBD") !=
        std::string::npos);
  CHECK(document.at("checks")[1].at("id") == "id\xEF\xBF\xBD");
}

TEST_CASE("a check's JSON is a value of its own: changing a copy leaves it alone", "[reports][json]") {
  // dump verify --json puts check_value into its own document; the old JSON
  // values shared their arrays between copies.
  const CheckResult check{"x", Status::fail, "s", std::chrono::milliseconds(1), {{"o", "", "", "m", ""}}};
  const nlohmann::ordered_json original = check_value(check);
  nlohmann::ordered_json copy = original;
  copy.at("findings").push_back({{"message", "added"}});
  CHECK(original.at("findings").size() == 1);
  CHECK(check_value(check) == original);
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
  CHECK(json::parse(render_to_string(report)).at("status") == "pass");
  report.checks.push_back({"c", Status::fail, "f", std::chrono::milliseconds(1), {}});
  CHECK(json::parse(render_to_string(report)).at("status") == "fail");
}

}  // namespace pgverify::reports
