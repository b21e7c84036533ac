#include "reports/reporter.hpp"

namespace pgverify::reports {

std::string_view to_string(Format format) {
  switch (format) {
    case Format::console: return "console";
    case Format::json: return "json";
    case Format::junit: return "junit";
    case Format::markdown: return "markdown";
  }
  return "console";
}

std::optional<Format> parse_format(std::string_view name) {
  for (Format format : {Format::console, Format::json, Format::junit, Format::markdown})
    if (name == to_string(format)) return format;
  return std::nullopt;
}

std::optional<ReportTarget> parse_report_spec(std::string_view spec, std::string& error) {
  // Split at the first ':' only, so paths may themselves contain colons.
  const std::size_t colon = spec.find(':');
  const std::string_view name = spec.substr(0, colon);
  if (name.empty()) {
    error = "missing report format in '" + std::string(spec) +
            "' (expected console, json, junit or markdown)";
    return std::nullopt;
  }
  const std::optional<Format> format = parse_format(name);
  if (!format) {
    error = "unknown report format '" + std::string(name) +
            "' (expected console, json, junit or markdown)";
    return std::nullopt;
  }
  ReportTarget target;
  target.format = *format;
  if (colon == std::string_view::npos) return target;
  const std::string_view path = spec.substr(colon + 1);
  if (path.empty()) {
    error = "missing path after '" + std::string(name) +
            ":' (leave out the ':' to write the report to standard output)";
    return std::nullopt;
  }
  // "-" is the usual spelling of standard output; without this it would
  // silently become a file named "-".
  if (path != "-") target.path = std::string(path);
  return target;
}

void render(const RunReport& report, Format format, std::ostream& out,
            const RenderOptions& options) {
  switch (format) {
    case Format::console: render_console(report, out, options); return;
    case Format::json: render_json(report, out); return;
    case Format::junit: render_junit(report, out); return;
    case Format::markdown: render_markdown(report, out); return;
  }
}

}  // namespace pgverify::reports
