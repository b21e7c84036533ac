// pydeps/: which version of a Python package an application installs or pins.
// PEP 440 versions and specifiers, PEP 508 requirements and markers, and readers
// for requirements.txt / pip freeze output, poetry.lock, uv.lock, Pipfile.lock
// and site-packages directories. Depends on nothing else in pgverify but the
// strict JSON reader in json/ (and toml++ for the TOML lock files).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pgverify::pydeps {

// Every distinct way a dependency file can be unusable, so callers and tests
// can tell them apart without matching message text.
enum class ParseErrc {
  io_error,             // the path cannot be opened, listed or read
  too_large,            // a file beyond the size this reader accepts
  unrecognized_format,  // neither a known file name nor recognizable content
  bad_requirement,      // a requirement line that is not PEP 508
  bad_version,          // a version that is not PEP 440
  bad_specifier,        // a specifier that is not PEP 440
  bad_marker,           // an environment marker that does not parse or compare
  bad_option,           // an unknown or malformed requirements-file option
  unsupported,          // valid, but beyond this reader (remote -r URL, ...)
  include_cycle,        // -r/-c files that include each other
  include_too_deep,     // -r/-c nesting beyond the limit
  bad_toml,             // poetry.lock / uv.lock that is not TOML
  bad_json,             // Pipfile.lock that is not JSON
  bad_lock_entry,       // a lock file entry without the fields it must have
  bad_metadata,         // a METADATA/PKG-INFO file without Name or Version
  conflict,             // two pins, or two installed copies, disagree
};

// The stable short name of an error kind ("include-cycle").
std::string_view to_string(ParseErrc code);

// A version or specifier string that is not PEP 440. what() is one lowercase
// line without a trailing period. Readers rethrow these as ParseError with the
// file and line.
class InvalidVersion : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class InvalidSpecifier : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A requirement or marker string that is not PEP 508.
class InvalidRequirement : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class InvalidMarker : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Why a dependency file cannot be read. what() is one lowercase line without a
// trailing period: "PATH:LINE: REASON", or "PATH: REASON" when no line applies.
class ParseError : public std::runtime_error {
 public:
  ParseError(ParseErrc code, std::filesystem::path path, std::optional<std::size_t> line,
             std::string reason);

  ParseErrc code() const { return m_code; }
  const std::filesystem::path& path() const { return m_path; }
  std::optional<std::size_t> line() const { return m_line; }
  const std::string& reason() const { return m_reason; }

 private:
  ParseErrc m_code;
  std::filesystem::path m_path;
  std::optional<std::size_t> m_line;
  std::string m_reason;
};

// Text from a hostile file shown in a message: printable ASCII kept, the rest
// escaped, cut at max_chars, wrapped in single quotes.
std::string quote(std::string_view text, std::size_t max_chars = 80);

}  // namespace pgverify::pydeps
