// text/: small helpers for showing hostile bytes in one-line messages. Depends on nothing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pgverify::text {

// Bytes from a file shown in a message: inside `quote` characters, printable
// ASCII kept, the quote character and backslash escaped with a backslash, every
// other byte as \xNN, cut with "..." after about max_chars characters.
std::string quote_bytes(std::string_view bytes, std::size_t max_chars, char quote);

}  // namespace pgverify::text
