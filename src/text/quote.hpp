// text/: showing text pgverify did not write (names from servers and dumps,
// bytes from files, paths the user gave) safely on a terminal, in a table or in
// a one-line message. Depends on nothing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pgverify::text {

// The one rule every printer follows for untrusted text. Takes one character
// at pos (a UTF-8 code point, or a single byte that is not well-formed UTF-8),
// advances pos past it and appends how it is shown: as it is, except a control
// character (C0 including \n, \r and \t, DEL, C1), spelled "\x0a", "\x7f",
// "\u0085", and a byte that is not UTF-8, spelled "\xff". Printers that give a
// character a meaning of their own (a line break continued at an indent, a
// Markdown special) look at text[pos] first.
void append_printable(std::string& out, std::string_view text, std::size_t& pos);

// Text on one line, every character as append_printable shows it: a table
// cell, a name in a message, a path. Never contains a control character.
std::string printable(std::string_view text);

// Bytes from a file shown in a message: inside `quote` characters, the quote
// character and backslash escaped with a backslash, every other character as
// append_printable shows it, cut with "..." after about max_chars characters.
std::string quote_bytes(std::string_view bytes, std::size_t max_chars, char quote);

}  // namespace pgverify::text
