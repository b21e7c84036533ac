// reports/: one renderer per output format (console, json, junit, markdown),
// each a pure function of a RunReport. Depends on core/ and text/ only; never on checks/.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "json/json.hpp"
#include "core/result.hpp"

namespace pgverify::reports {

enum class Format { console, json, junit, markdown };

std::string_view to_string(Format format);
std::optional<Format> parse_format(std::string_view name);

// One `--report FMT[:PATH]`; an empty path means standard output (so does `FMT:-`).
struct ReportTarget {
  Format format = Format::console;
  std::string path;
};

// Parses FMT[:PATH]; on a bad spec returns nullopt and sets error to a one-line message.
std::optional<ReportTarget> parse_report_spec(std::string_view spec, std::string& error);

struct RenderOptions {
  bool colour = false;  // console only: ANSI colours (only on a TTY and without NO_COLOR)
};

void render_console(const RunReport& report, std::ostream& out, const RenderOptions& options);
void render_json(const RunReport& report, std::ostream& out);
// One check as the JSON report writes it, and text made safe for JSON (valid
// UTF-8), for commands that print JSON of their own.
json::Value check_value(const CheckResult& check);
json::Value text_value(std::string_view value);
// Text from servers and dumps made safe for a terminal: every character as
// text::append_printable shows it (an ESC in a table name cannot move the
// cursor or fake a PASS), except that each line break continues at `indent`.
// A name, or anything that must stay on its line, takes text::printable.
std::string terminal_text(std::string_view value, std::size_t indent = 0);
void render_junit(const RunReport& report, std::ostream& out);
void render_markdown(const RunReport& report, std::ostream& out);

void render(const RunReport& report, Format format, std::ostream& out,
            const RenderOptions& options = {});

}  // namespace pgverify::reports
