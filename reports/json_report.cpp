// The JSON report: exactly the contract in DESIGN.md, because pipelines parse it.
#include "json/json.hpp"
#include "reports/reporter.hpp"
#include "reports/text.hpp"

namespace pgverify::reports {

// RFC 8259 requires UTF-8; text from a database or a damaged dump may not be.
json::Value text_value(std::string_view value) { return json::Value(text::valid_utf8(value)); }

namespace {

json::Value finding_value(const Finding& finding) {
  json::Value value(json::Object{});
  // Empty fields are left out to keep reports short, but a finding without
  // a message would say nothing, so message is always there.
  if (!finding.object.empty()) value.set("object", text_value(finding.object));
  if (!finding.expected.empty()) value.set("expected", text_value(finding.expected));
  if (!finding.actual.empty()) value.set("actual", text_value(finding.actual));
  value.set("message", text_value(finding.message));
  if (!finding.hint.empty()) value.set("hint", text_value(finding.hint));
  return value;
}

}  // namespace

json::Value check_value(const CheckResult& check) {
  json::Value value(json::Object{});
  value.set("id", text_value(check.id));
  value.set("status", json::Value(to_string(check.status)));
  value.set("summary", text_value(check.summary));
  value.set("duration_ms", json::Value(static_cast<std::int64_t>(check.duration.count())));
  json::Array findings;
  findings.reserve(check.findings.size());
  for (const auto& finding : check.findings) findings.push_back(finding_value(finding));
  value.set("findings", json::Value(std::move(findings)));
  return value;
}

void render_json(const RunReport& report, std::ostream& out) {
  json::Value document(json::Object{});
  document.set("tool", json::Value("pgverify"));
  document.set("version", text_value(report.tool_version));
  document.set("phase", json::Value(to_string(report.phase)));
  document.set("tenant", text_value(report.tenant));
  document.set("status", json::Value(to_string(report.overall())));
  document.set("started", text_value(report.started));
  document.set("finished", text_value(report.finished));
  if (!report.config_path.empty()) document.set("config", text_value(report.config_path));
  if (!report.baseline_path.empty()) document.set("baseline", text_value(report.baseline_path));
  json::Array checks;
  checks.reserve(report.checks.size());
  for (const auto& check : report.checks) checks.push_back(check_value(check));
  document.set("checks", json::Value(std::move(checks)));
  out << json::dump(document, 2) << '\n';
}

}  // namespace pgverify::reports
