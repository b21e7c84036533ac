#include "pydeps/error.hpp"

#include "text/quote.hpp"

namespace pgverify::pydeps {

namespace {

std::string compose(const std::filesystem::path& path, std::optional<std::size_t> line,
                    const std::string& reason) {
  std::string text = path.string();
  if (line) text += ":" + std::to_string(*line);
  return text + ": " + reason;
}

}  // namespace

std::string_view to_string(ParseErrc code) {
  switch (code) {
    case ParseErrc::io_error: return "io-error";
    case ParseErrc::too_large: return "too-large";
    case ParseErrc::unrecognized_format: return "unrecognized-format";
    case ParseErrc::bad_requirement: return "bad-requirement";
    case ParseErrc::bad_version: return "bad-version";
    case ParseErrc::bad_specifier: return "bad-specifier";
    case ParseErrc::bad_marker: return "bad-marker";
    case ParseErrc::bad_option: return "bad-option";
    case ParseErrc::unsupported: return "unsupported";
    case ParseErrc::include_cycle: return "include-cycle";
    case ParseErrc::include_too_deep: return "include-too-deep";
    case ParseErrc::bad_toml: return "bad-toml";
    case ParseErrc::bad_json: return "bad-json";
    case ParseErrc::bad_lock_entry: return "bad-lock-entry";
    case ParseErrc::bad_metadata: return "bad-metadata";
    case ParseErrc::conflict: return "conflict";
  }
  return "unknown";
}

ParseError::ParseError(ParseErrc code, std::filesystem::path path, std::optional<std::size_t> line,
                       std::string reason)
    : std::runtime_error(compose(path, line, reason)),
      m_code(code),
      m_path(std::move(path)),
      m_line(line),
      m_reason(std::move(reason)) {}

std::string quote(std::string_view text, std::size_t max_chars) {
  return text::quote_bytes(text, max_chars, '\'');
}

}  // namespace pgverify::pydeps
