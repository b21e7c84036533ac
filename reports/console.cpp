// The console report: one line per check, findings indented under it, and a
// closing line a person can read at a glance.
#include <algorithm>

#include "reports/reporter.hpp"
#include "reports/text.hpp"
#include "text/quote.hpp"

namespace pgverify::reports {

namespace {

constexpr std::string_view reset = "\x1b[0m";

std::string_view colour_of(Status status) {
  switch (status) {
    case Status::pass: return "\x1b[32m";
    case Status::warn: return "\x1b[33m";
    case Status::skip: return "\x1b[36m";
    case Status::fail: return "\x1b[1;31m";
    case Status::error: return "\x1b[1;35m";
  }
  return "";
}


class ConsoleWriter {
 public:
  ConsoleWriter(std::ostream& out, bool colour) : m_out(out), m_colour(colour) {}

  void tag(Status status, std::size_t width) {
    const std::string name = text::upper(status);
    if (m_colour) m_out << colour_of(status);
    m_out << name;
    if (m_colour) m_out << reset;
    m_out << std::string(width > name.size() ? width - name.size() : 0, ' ');
  }

  void check(const CheckResult& check, std::size_t id_width) {
    constexpr std::size_t tag_width = 7;  // "ERROR" and two spaces
    tag(check.status, tag_width);
    const std::string id = pgverify::text::printable(check.id);
    m_out << id;
    const std::size_t summary_column = tag_width + id_width + 2;
    m_out << std::string(id_width + 2 - std::min(id.size(), id_width), ' ');
    if (!check.summary.empty()) m_out << terminal_text(check.summary, summary_column) << ' ';
    m_out << '(' << text::human_duration(check.duration)
          << (check.estimate ? ", estimated " + text::human_duration(*check.estimate) : std::string()) << ")\n";
    for (const auto& finding : check.findings) this->finding(finding, tag_width);
  }

  void finding(const Finding& finding, std::size_t indent) {
    // A bullet per finding, continuation lines under its text, so a multi-line
    // message cannot be mistaken for the next finding.
    const std::size_t detail_indent = indent + 2;
    const std::string detail_pad(detail_indent, ' ');
    m_out << std::string(indent, ' ') << "- ";
    // The object is a name: on its one line whatever it holds.
    if (!finding.object.empty()) m_out << pgverify::text::printable(finding.object) << ": ";
    m_out << terminal_text(finding.message, detail_indent) << '\n';
    // "expected" and "actual " line up so a one-character difference stands out.
    if (!finding.expected.empty())
      m_out << detail_pad << "expected: " << terminal_text(finding.expected, detail_indent + 10)
            << '\n';
    if (!finding.actual.empty())
      m_out << detail_pad << "actual:   " << terminal_text(finding.actual, detail_indent + 10)
            << '\n';
    if (!finding.hint.empty())
      m_out << detail_pad << "hint: " << terminal_text(finding.hint, detail_indent + 6) << '\n';
  }

  void closing(const RunReport& report) {
    m_out << text::describe_counts(text::count_statuses(report)) << "; result: ";
    const Status overall = report.overall();
    if (m_colour) m_out << colour_of(overall);
    m_out << text::upper(overall);
    if (m_colour) m_out << reset;
    m_out << '\n';
  }

 private:
  std::ostream& m_out;
  bool m_colour;
};

}  // namespace

// Text from servers and dumps goes to a terminal: every character as
// text::append_printable shows it, so an ESC inside a table name cannot move the
// cursor or fake a PASS, except that a line break (LF or CRLF) continues at the
// given indent, so a multi-line message stays readable under its finding.
std::string terminal_text(std::string_view value, std::size_t indent) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t pos = 0; pos < value.size();) {
    if (value[pos] == '\n') {
      out += '\n';
      out.append(indent, ' ');
      ++pos;
    } else if (value.substr(pos, 2) == "\r\n") {
      ++pos;  // a CRLF is one line break; a lone CR would overwrite the line on a terminal
    } else {
      pgverify::text::append_printable(out, value, pos);
    }
  }
  return out;
}

void render_console(const RunReport& report, std::ostream& out, const RenderOptions& options) {
  out << "pgverify " << pgverify::text::printable(report.tool_version) << ": "
      << to_string(report.phase) << " checks for tenant " << pgverify::text::printable(report.tenant)
      << '\n';
  if (!report.config_path.empty()) out << "configuration: " << terminal_text(report.config_path, 0) << '\n';
  if (!report.baseline_path.empty())
    out << "baseline: " << terminal_text(report.baseline_path, 0)
        << (report.phase == Phase::pre ? " (written by this run)" : "") << '\n';
  // Align summaries on the longest id; ids are short, so this never gets wide.
  std::size_t id_width = 0;
  for (const auto& check : report.checks)
    id_width = std::max(id_width, pgverify::text::printable(check.id).size());
  ConsoleWriter writer(out, options.colour);
  for (const auto& check : report.checks) writer.check(check, id_width);
  writer.closing(report);
}

}  // namespace pgverify::reports
