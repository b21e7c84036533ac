// Helpers the renderers share: text that comes from databases, dumps and
// servers is untrusted, so every format decodes it the same careful way before
// escaping it for its own syntax.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "text/utf8.hpp"

namespace pgverify::reports::text {

// Decoding and spelling out controls are text/'s, shared with every printer.
using pgverify::text::append_utf8;
using pgverify::text::is_control;
using pgverify::text::next_code_point;
using pgverify::text::replacement_character;
using pgverify::text::valid_utf8;
using pgverify::text::visible;

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
