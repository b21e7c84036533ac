// json/: JSON by nlohmann-json, read and written one way everywhere. What
// pgverify reads (its own manifests, users' Pipfile.lock) must be one strict
// RFC 8259 value: UTF-8, no member named twice, nested at most max_depth deep,
// numbers that fit a double; every way it can fail is one SyntaxError with the
// offset. What it writes is indented by two spaces with UTF-8 as it is. Objects
// keep their members in order (nlohmann::ordered_json): reports, the manifest
// and --json outputs are diffed and read by people. Depends on text/.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pgverify::json {

// Deeper than pgverify's own files ever nest (4) and than any lock file, and
// shallow enough that nlohmann's recursive copy, compare and dump cannot
// exhaust the stack on a value that was read.
inline constexpr std::size_t max_depth = 128;

// Why text is not one strict JSON value. what() is one printable line ending
// in "at offset N"; offset() is N, the byte where reading stopped.
class SyntaxError : public std::runtime_error {
 public:
  SyntaxError(const std::string& reason, std::size_t offset);
  std::size_t offset() const { return m_offset; }

 private:
  std::size_t m_offset;
};

// Parses text as one strict JSON value; throws SyntaxError and nothing else
// nlohmann could (out of memory aside).
nlohmann::ordered_json parse(std::string_view text);

// Pretty-printed, two spaces an indent, non-ASCII as UTF-8 (never \u escapes).
// A byte that is not well-formed UTF-8 becomes U+FFFD rather than an
// exception: callers keep such bytes out (text::valid_utf8, or refusing them)
// when a replacement would change what the value means.
std::string write(const nlohmann::ordered_json& value);

// The same on one line, without any whitespace between tokens (a journal line).
std::string write_line(const nlohmann::ordered_json& value);

}  // namespace pgverify::json
