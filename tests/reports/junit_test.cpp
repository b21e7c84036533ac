#include <sstream>

#include "json/json.hpp"
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
json::Value parse_with_python(const std::string& xml) {
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
  const json::Value parsed = parse_with_python(render_to_string(report));
  CHECK(parsed.find("root")->as_string() == "testsuites");

  const json::Value& totals = *parsed.find("totals");
  CHECK(totals.find("name")->as_string() == "pgverify");
  CHECK(totals.find("tests")->as_string() == "7");
  CHECK(totals.find("failures")->as_string() == "2");
  CHECK(totals.find("errors")->as_string() == "1");
  CHECK(totals.find("skipped")->as_string() == "1");
  CHECK(totals.find("time")->as_string() == "62.836");

  const json::Array& suites = parsed.find("suites")->as_array();
  REQUIRE(suites.size() == 1);
  CHECK(suites[0].find("name")->as_string() == "pgverify.post");
  CHECK(suites[0].find("tests")->as_string() == "7");

  const json::Array& cases = parsed.find("cases")->as_array();
  REQUIRE(cases.size() == report.checks.size());
  const char* outcomes[] = {"", "", "skipped", "failure", "failure", "error", ""};
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO("testcase " << report.checks[i].id);
    CHECK(cases[i].find("classname")->as_string() == "pgverify.post");
    CHECK(cases[i].find("name")->as_string() == report.checks[i].id);
    CHECK(cases[i].find("outcome")->as_string() == outcomes[i]);
  }
  CHECK(cases[1].find("out")->as_string().find("asyncpg before 0.31.0") != std::string::npos);
  CHECK(cases[2].find("message")->as_string() == "no health_url configured for tenant \"demo\"");
  // Attribute escaping round-trips quotes, <, &, ' and the line break exactly.
  CHECK(cases[3].find("message")->as_string() == report.checks[3].summary);
  const std::string& failure_text = cases[3].find("text")->as_string();
  CHECK(failure_text.find("public.\"weird|table\": row count differs: <lost> & \"found\" 'rows'\n"
                          "second line\n  expected: 10000\n  actual:   9999\n") == 0);
  CHECK(failure_text.find("public.café_表: vector ✓ 🚀 differs\tafter tab; ESC \\x1b[31mred") !=
        std::string::npos);
  CHECK(failure_text.find("bad byte \xEF\xBF\xBD here") != std::string::npos);
  CHECK(cases[4].find("text")->as_string().empty());
  CHECK(cases[5].find("message")->as_string() == report.checks[5].summary);
  CHECK(cases[5].find("time")->as_string() == "61.234");
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
  const json::Value parsed = parse_with_python(render_to_string(report));
  const json::Array& cases = parsed.find("cases")->as_array();
  REQUIRE(cases.size() == 2);
  const std::string& message = cases[0].find("message")->as_string();
  CHECK(message.find("\\x00") == 0);
  CHECK(message.find("\t\n") != std::string::npos);
  CHECK(message.find("\\ufffe\\uffff]]><![CDATA[&#0;") != std::string::npos);
}

}  // namespace pgverify::reports
