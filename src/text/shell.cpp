#include "text/shell.hpp"

#include <cstdio>

#include "text/utf8.hpp"

namespace pgverify::text {

namespace {

// Whether the code point decoded from word[at, pos) cannot stand in a quoted
// word as typed: a control, or bytes that are not UTF-8 (decoded as U+FFFD
// without being its encoding).
bool needs_escape(std::string_view word, std::size_t at, std::size_t pos, char32_t code_point) {
  return is_control(code_point) ||
         (code_point == replacement_character && word.substr(at, pos - at) != "\xEF\xBF\xBD");
}

bool needs_ansi_c(std::string_view word) {
  for (std::size_t pos = 0; pos < word.size();) {
    const std::size_t at = pos;
    const char32_t code_point = next_code_point(word, pos);
    if (needs_escape(word, at, pos, code_point)) return true;
  }
  return false;
}

}  // namespace

std::string shell_word(std::string_view word) {
  const bool plain = !word.empty() && word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                             "0123456789_-./:=@%+,") == std::string_view::npos;
  if (plain) return std::string(word);
  if (needs_ansi_c(word)) {
    // bash, zsh and ksh read $'...' escapes: every byte that is a control or
    // not UTF-8 as \xNN, so the command stays one printable line and pastes back.
    std::string out = "$'";
    for (std::size_t pos = 0; pos < word.size();) {
      const std::size_t at = pos;
      const char32_t code_point = next_code_point(word, pos);
      if (needs_escape(word, at, pos, code_point)) {
        for (std::size_t k = at; k < pos; ++k) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(word[k]));
          out += escaped;
        }
      } else if (code_point == '\'' || code_point == '\\') {
        out += '\\';
        out += static_cast<char>(code_point);
      } else {
        out.append(word.substr(at, pos - at));
      }
    }
    return out + "'";
  }
  std::string out = "'";
  for (char c : word) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

}  // namespace pgverify::text
