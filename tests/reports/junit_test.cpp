#include <sstream>

#include "json/strict.hpp"
#include "reports/reporter.hpp"
#include "tests/reports/support.hpp"

namespace pgverify::reports {

namespace {

std::string render_to_string(const RunReport& report) {
  std::ostringstream out;
  render_junit(report, out);
  return out.str();
}

// Parses the XML with Python's parser and returns what a consumer would see,
// as JSON: the totals and, per testcase, its outcome element, message and text.
nlohmann::ordered_json parse_with_python(const std::string& xml) {
  if (!testing::have_command("python3")) FAIL("python3 is needed to check the JUnit XML");
  const testing::TempFile file("junit.xml", xml);
  static const std::string script = R"PY(
import json, sys, xml.dom.minidom
root = xml.dom.minidom.parse(sys.argv[1]).documentElement
def text(node):
    return "".join(c.data for c in node.childNodes if c.nodeType in (c.TEXT_NODE, c.CDATA_SECTION_NODE))
def totals(node):
    return {k: node.getAttribute(k) for k in ("name", "tests", "failures", "errors", "skipped", "time")}
cases = []
for case in root.getElementsByTagName("testcase"):
    entry = {"classname": case.getAttribute("classname"), "name": case.getAttribute("name"),
             "time": case.getAttribute("time"), "outcome": "", "message": "", "text": "", "out": ""}
    for child in case.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        if child.tagName == "system-out":
            entry["out"] = text(child)
        else:
            entry["outcome"] = child.tagName
            entry["message"] = child.getAttribute("message")
            entry["text"] = text(child)
    cases.append(entry)
suites = [totals(s) for s in root.getElementsByTagName("testsuite")]
print(json.dumps({"root": root.tagName, "totals": totals(root), "suites": suites, "cases": cases}))
)PY";
  const testing::TempFile script_file("junit-check.py", script);
  const auto [status, output] = testing::run_command("python3 '" + script_file.path().string() +
                                                     "' '" + file.path().string() + "' 2>&1");
  INFO(output);
  REQUIRE(status == 0);
  return json::parse(output);
}

}  // namespace

TEST_CASE("the JUnit report is well-formed XML with matching counts", "[reports][junit]") {
  const RunReport report = testing::sample_report();
  const nlohmann::ordered_json parsed = parse_with_python(render_to_string(report));
  CHECK(parsed.at("root") == "testsuites");

  const nlohmann::ordered_json& totals = parsed.at("totals");
  CHECK(totals.at("name") == "pgverify");
  CHECK(totals.at("tests") == "7");
  CHECK(totals.at("failures") == "2");
  CHECK(totals.at("errors") == "1");
  CHECK(totals.at("skipped") == "1");
  CHECK(totals.at("time") == "62.836");

  const nlohmann::ordered_json& suites = parsed.at("suites");
  REQUIRE(suites.size() == 1);
  CHECK(suites[0].at("name") == "pgverify.post");
  CHECK(suites[0].at("tests") == "7");

  const nlohmann::ordered_json& cases = parsed.at("cases");
  REQUIRE(cases.size() == report.checks.size());
  const char* outcomes[] = {"", "", "skipped", "failure", "failure", "error", ""};
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO("testcase " << report.checks[i].id);
    CHECK(cases[i].at("classname") == "pgverify.post");
    CHECK(cases[i].at("name") == report.checks[i].id);
    CHECK(cases[i].at("outcome") == outcomes[i]);
  }
  CHECK(cases[1].at("out").get_ref<const std::string&>().find("asyncpg before 0.31.0") != std::string::npos);
  CHECK(cases[2].at("message") == "no health_url configured for tenant \"demo\"");
  // Attribute escaping round-trips quotes, <, &, ' and the line break exactly.
  CHECK(cases[3].at("message") == report.checks[3].summary);
  const std::string& failure_text = cases[3].at("text").get_ref<const std::string&>();
  CHECK(failure_text.find("public.\"weird|table\": row count differs: <lost> & \"found\" 'rows'\n"
                          "second line\n  expected: 10000\n  actual:   9999\n") == 0);
  CHECK(failure_text.find("public.café_表: vector ✓ 🚀 differs\tafter tab; ESC \\x1b[31mred") !=
        std::string::npos);
  CHECK(failure_text.find("bad byte \xEF\xBF\xBD here") != std::string::npos);
  CHECK(cases[4].at("text") == "");
  CHECK(cases[5].at("message") == report.checks[5].summary);
  CHECK(cases[5].at("time") == "61.234");
}

TEST_CASE("the JUnit report passes xmllint", "[reports][junit]") {
  if (!testing::have_command("xmllint"))
    FAIL("xmllint is needed to check the JUnit XML; scripts/setup installs it (libxml2-utils)");
  const testing::TempFile file("junit-lint.xml", render_to_string(testing::sample_report()));
  const auto [status, output] =
      testing::run_command("xmllint --noout '" + file.path().string() + "' 2>&1");
  INFO(output);
  CHECK(status == 0);
}

TEST_CASE("the JUnit report survives every control character", "[reports][junit]") {
  RunReport report;
  std::string nasty;
  for (int c = 0; c < 0x20; ++c) nasty += static_cast<char>(c);
  nasty += "\x7f\xEF\xBF\xBE\xEF\xBF\xBF]]><![CDATA[&#0;";
  report.tenant = nasty;
  report.checks.push_back({nasty, Status::fail, nasty, std::chrono::milliseconds(1),
                           {{nasty, nasty, nasty, nasty, nasty}}});
  report.checks.push_back({"x", Status::skip, nasty, std::chrono::milliseconds(1), {}});
  const nlohmann::ordered_json parsed = parse_with_python(render_to_string(report));
  const nlohmann::ordered_json& cases = parsed.at("cases");
  REQUIRE(cases.size() == 2);
  const std::string& message = cases[0].at("message").get_ref<const std::string&>();
  CHECK(message.find("\\x00") == 0);
  CHECK(message.find("\t\n") != std::string::npos);
  CHECK(message.find("\\ufffe\\uffff]]><![CDATA[&#0;") != std::string::npos);
}

}  // namespace pgverify::reports
