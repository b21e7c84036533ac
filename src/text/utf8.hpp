// UTF-8 as untrusted text holds it: names and messages from servers, dumps and
// files need not be well-formed, so decoding never fails and always advances.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pgverify::text {

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

// A control character spelled out so it stays visible: "\x1b" below U+0080,
// else "\u0085" (a C1 control), never to be read as the ill-formed byte "\x85".
std::string visible(char32_t code_point);

}  // namespace pgverify::text
