// The Markdown report, sized for a CI job summary (GitHub's $GITHUB_STEP_SUMMARY,
// a GitLab MR note): a heading, one table row per check, then the findings.
#include <algorithm>

#include "reports/reporter.hpp"
#include "reports/text.hpp"
#include "text/quote.hpp"

namespace pgverify::reports {

namespace {

// GitHub rejects a step summary over 1 MiB; past this many findings per check
// the JSON report is the place to read them all.
constexpr std::size_t max_findings_per_check = 50;

std::string_view badge(Status status) {
  switch (status) {
    case Status::pass: return "✅ pass";
    case Status::warn: return "⚠️ warn";
    case Status::skip: return "⏭️ skip";
    case Status::fail: return "❌ **fail**";
    case Status::error: return "💥 **error**";
  }
  return "";
}

// Inline Markdown for untrusted text: punctuation that would start emphasis,
// links, code, HTML or a table cell is backslash-escaped, line breaks become
// <br> so a multi-line message stays inside its table cell or list item, and
// every other character is shown as text::append_printable shows it.
std::string inline_text(std::string_view value) {
  static constexpr std::string_view special = "\\`*_[]<>|~&#!";
  std::string out;
  out.reserve(value.size());
  for (std::size_t pos = 0; pos < value.size();) {
    const char c = value[pos];
    if (c == '\n' || (c == '\r' && value.substr(pos, 2) != "\r\n")) {
      out += "<br>";
      ++pos;
    } else if (c == '\r') {
      ++pos;  // the CR of a CRLF: the LF makes the break
    } else if (special.find(c) != std::string_view::npos) {
      out += '\\';
      out += c;
      ++pos;
    } else {
      pgverify::text::append_printable(out, value, pos);
    }
  }
  return out;
}

void write_finding(std::ostream& out, const Finding& finding) {
  out << "- ";
  if (!finding.object.empty()) out << "**" << inline_text(finding.object) << "**: ";
  out << inline_text(finding.message) << '\n';
  if (!finding.expected.empty()) out << "  - expected: " << inline_text(finding.expected) << '\n';
  if (!finding.actual.empty()) out << "  - actual: " << inline_text(finding.actual) << '\n';
  if (!finding.hint.empty()) out << "  - hint: " << inline_text(finding.hint) << '\n';
}

}  // namespace

void render_markdown(const RunReport& report, std::ostream& out) {
  const Status overall = report.overall();
  out << "## pgverify " << to_string(report.phase) << " · tenant " << inline_text(report.tenant)
      << " · " << badge(overall) << "\n\n";
  out << text::describe_counts(text::count_statuses(report)) << ". pgverify "
      << inline_text(report.tool_version) << ", started " << inline_text(report.started)
      << ", finished " << inline_text(report.finished) << ".\n\n";
  if (!report.config_path.empty()) out << "Configuration: " << inline_text(report.config_path) << ".\n";
  if (!report.baseline_path.empty())
    out << "Baseline: " << inline_text(report.baseline_path)
        << (report.phase == Phase::pre ? " (written by this run)" : "") << ".\n";
  if (!report.config_path.empty() || !report.baseline_path.empty()) out << '\n';
  if (report.checks.empty()) {
    out << "No checks ran.\n";
    return;
  }
  out << "| Status | Check | Summary | Time |\n";
  out << "|---|---|---|---:|\n";
  for (const auto& check : report.checks)
    out << "| " << badge(check.status) << " | " << inline_text(check.id) << " | "
        << inline_text(check.summary) << " | " << text::human_duration(check.duration)
        << (check.estimate ? " (est. " + text::human_duration(*check.estimate) + ")" : std::string()) << " |\n";

  bool heading_written = false;
  for (const auto& check : report.checks) {
    if (check.findings.empty()) continue;
    if (!heading_written) {
      out << "\n### Findings\n";
      heading_written = true;
    }
    out << "\n#### " << inline_text(check.id) << " · " << badge(check.status) << "\n\n";
    const std::size_t shown = std::min(check.findings.size(), max_findings_per_check);
    for (std::size_t i = 0; i < shown; ++i) write_finding(out, check.findings[i]);
    if (shown < check.findings.size())
      out << "\n_… and " << check.findings.size() - shown
          << " more findings; the JSON report lists them all._\n";
  }
}

}  // namespace pgverify::reports
