// Helpers the renderers share: text that comes from databases, dumps and
// servers is untrusted, so every format decodes it the same careful way before
// escaping it for its own syntax.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace pgverify::reports::text {

inline constexpr char32_t replacement_character = 0xFFFD;

// Decodes the code point at pos and advances pos. A byte that does not start a
// well-formed UTF-8 sequence (overlong, surrogate, beyond U+10FFFF, truncated)
// becomes U+FFFD and pos moves by one byte, so decoding always makes progress.
char32_t next_code_point(std::string_view text, std::size_t& pos);

void append_utf8(std::string& out, char32_t code_point);

// text with every ill-formed byte replaced by U+FFFD: JSON, XML and Markdown
// consumers all require valid UTF-8, and table names need not be.
std::string valid_utf8(std::string_view text);

// C0 and C1 controls and DEL, which a terminal may act on (an ESC in a table
// name must not recolour or retitle the user's terminal).
bool is_control(char32_t code_point);

// A control character spelled out, e.g. "\x1b" or "\u0085", so it stays visible.
std::string visible(char32_t code_point);

// "12 ms", "1.5 s", "2 min 05 s": for people.
std::string human_duration(std::chrono::milliseconds duration);

// "1.534": seconds with millisecond precision, as JUnit's time attributes want.
std::string seconds(std::chrono::milliseconds duration);

// "PASS", "WARN", "SKIP", "FAIL", "ERROR".
std::string upper(Status status);

struct StatusCounts {
  std::size_t pass = 0;
  std::size_t warn = 0;
  std::size_t skip = 0;
  std::size_t fail = 0;
  std::size_t error = 0;
  std::size_t total() const { return pass + warn + skip + fail + error; }
};

StatusCounts count_statuses(const RunReport& report);

// "7 checks: 2 pass, 1 warn, 1 skip, 2 fail, 1 error".
std::string describe_counts(const StatusCounts& counts);

std::chrono::milliseconds total_duration(const RunReport& report);

}  // namespace pgverify::reports::text
