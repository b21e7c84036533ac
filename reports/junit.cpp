// The JUnit XML report. It keeps to the subset every consumer reads (Jenkins,
// GitLab, GitHub test reporters): testsuites > testsuite > testcase with
// failure, error, skipped and system-out, and nothing vendor-specific.
#include "reports/reporter.hpp"
#include "reports/text.hpp"

namespace pgverify::reports {

namespace {

// XML 1.0 forbids most control characters even as character references, so
// they are spelled out instead of dropped: the reader still sees they were there.
bool allowed_in_xml(char32_t code_point) {
  if (code_point == '\t' || code_point == '\n' || code_point == '\r') return true;
  if (code_point < 0x20) return false;
  return code_point != 0xFFFE && code_point != 0xFFFF;
}

enum class XmlContext { text, attribute };

std::string xml_escape(std::string_view value, XmlContext context) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t pos = 0; pos < value.size();) {
    const char32_t code_point = text::next_code_point(value, pos);
    switch (code_point) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      // Parsers normalise whitespace in attributes and CR everywhere;
      // references keep multi-line messages intact.
      case '\n': out += context == XmlContext::attribute ? "&#10;" : "\n"; break;
      case '\t': out += context == XmlContext::attribute ? "&#9;" : "\t"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (allowed_in_xml(code_point))
          text::append_utf8(out, code_point);
        else
          out += text::visible(code_point);
    }
  }
  return out;
}

std::string attribute(std::string_view value) { return xml_escape(value, XmlContext::attribute); }

// Findings as plain text, one block per finding, for failure bodies and system-out.
std::string findings_text(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& finding : findings) {
    if (!finding.object.empty()) out += finding.object + ": ";
    out += finding.message + '\n';
    if (!finding.expected.empty()) out += "  expected: " + finding.expected + '\n';
    if (!finding.actual.empty()) out += "  actual:   " + finding.actual + '\n';
    if (!finding.hint.empty()) out += "  hint: " + finding.hint + '\n';
  }
  return out;
}

void write_testcase(std::ostream& out, const CheckResult& check, const std::string& classname) {
  out << "    <testcase classname=\"" << attribute(classname) << "\" name=\""
      << attribute(check.id) << "\" time=\"" << text::seconds(check.duration) << '"';
  const std::string details = findings_text(check.findings);
  const auto body = [&](std::string_view element, std::string_view type) {
    out << "      <" << element << " message=\"" << attribute(check.summary) << "\" type=\""
        << type << '"';
    if (details.empty()) {
      out << "/>\n";
    } else {
      out << '>' << xml_escape(details, XmlContext::text) << "</" << element << ">\n";
    }
  };
  switch (check.status) {
    case Status::pass:
    case Status::warn:
      if (details.empty()) {
        out << "/>\n";
        return;
      }
      out << ">\n";
      break;
    case Status::skip:
      out << ">\n      <skipped message=\"" << attribute(check.summary) << "\"/>\n";
      break;
    case Status::fail:
      out << ">\n";
      body("failure", "fail");
      break;
    case Status::error:
      out << ">\n";
      body("error", "error");
      break;
  }
  // JUnit has no "warning": a warn passes, and its findings go where every
  // consumer shows a passing test's output.
  const bool findings_in_body = check.status == Status::fail || check.status == Status::error;
  if (!findings_in_body && !details.empty())
    out << "      <system-out>" << xml_escape(details, XmlContext::text) << "</system-out>\n";
  out << "    </testcase>\n";
}

}  // namespace

void render_junit(const RunReport& report, std::ostream& out) {
  const text::StatusCounts counts = text::count_statuses(report);
  const std::string classname = "pgverify." + std::string(to_string(report.phase));
  const std::string totals = "tests=\"" + std::to_string(counts.total()) + "\" failures=\"" +
                             std::to_string(counts.fail) + "\" errors=\"" +
                             std::to_string(counts.error) + "\" skipped=\"" +
                             std::to_string(counts.skip) + "\" time=\"" +
                             text::seconds(text::total_duration(report)) + '"';
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"pgverify\" " << totals << ">\n";
  out << "  <testsuite name=\"" << attribute(classname) << "\" " << totals << ">\n";
  // Properties carry the run's identity without the non-standard attributes
  // (timestamp formats differ between consumers).
  out << "    <properties>\n";
  const auto property = [&](std::string_view name, std::string_view value) {
    out << "      <property name=\"" << name << "\" value=\"" << attribute(value) << "\"/>\n";
  };
  property("tenant", report.tenant);
  property("version", report.tool_version);
  if (!report.config_path.empty()) property("config", report.config_path);
  if (!report.baseline_path.empty()) property("baseline", report.baseline_path);
  property("status", to_string(report.overall()));
  property("started", report.started);
  property("finished", report.finished);
  out << "    </properties>\n";
  for (const auto& check : report.checks) write_testcase(out, check, classname);
  out << "  </testsuite>\n";
  out << "</testsuites>\n";
}

}  // namespace pgverify::reports
