// The JSON report: exactly the contract in DESIGN.md, because pipelines parse it.
#include "json/strict.hpp"
#include "reports/reporter.hpp"
#include "reports/text.hpp"

namespace pgverify::reports {

using nlohmann::ordered_json;

// RFC 8259 requires UTF-8; text from a database or a damaged dump may not be.
ordered_json text_value(std::string_view value) { return text::valid_utf8(value); }

namespace {

ordered_json finding_value(const Finding& finding) {
  ordered_json value = ordered_json::object();
  // Empty fields are left out to keep reports short, but a finding without
  // a message would say nothing, so message is always there.
  if (!finding.object.empty()) value["object"] = text_value(finding.object);
  if (!finding.expected.empty()) value["expected"] = text_value(finding.expected);
  if (!finding.actual.empty()) value["actual"] = text_value(finding.actual);
  value["message"] = text_value(finding.message);
  if (!finding.hint.empty()) value["hint"] = text_value(finding.hint);
  return value;
}

}  // namespace

ordered_json check_value(const CheckResult& check) {
  ordered_json findings = ordered_json::array();
  for (const auto& finding : check.findings) findings.push_back(finding_value(finding));
  ordered_json value = ordered_json::object();
  value["id"] = text_value(check.id);
  value["status"] = std::string(to_string(check.status));
  value["summary"] = text_value(check.summary);
  value["duration_ms"] = static_cast<std::int64_t>(check.duration.count());
  if (check.estimate) value["estimate_ms"] = static_cast<std::int64_t>(check.estimate->count());
  value["findings"] = std::move(findings);
  return value;
}

void render_json(const RunReport& report, std::ostream& out) {
  ordered_json checks = ordered_json::array();
  for (const auto& check : report.checks) checks.push_back(check_value(check));
  ordered_json document = ordered_json::object();
  document["tool"] = "pgverify";
  document["version"] = text_value(report.tool_version);
  document["phase"] = std::string(to_string(report.phase));
  document["tenant"] = text_value(report.tenant);
  document["status"] = std::string(to_string(report.overall()));
  document["started"] = text_value(report.started);
  document["finished"] = text_value(report.finished);
  if (!report.config_path.empty()) document["config"] = text_value(report.config_path);
  if (!report.baseline_path.empty()) document["baseline"] = text_value(report.baseline_path);
  document["checks"] = std::move(checks);
  out << json::write(document) << '\n';
}

}  // namespace pgverify::reports
