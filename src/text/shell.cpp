#include "text/shell.hpp"

#include <stdexcept>

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

std::vector<std::string> split_shell_words(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      if (++i == line.size()) throw std::invalid_argument("a backslash at the end, with nothing to escape");
      if (line[i] != '\n') word += line[i];
    } else if (c == '\'') {
      const std::size_t end = line.find('\'', i + 1);
      if (end == std::string_view::npos) throw std::invalid_argument("a single quote that is never closed");
      word.append(line.substr(i + 1, end - i - 1));
      i = end;
    } else if (c == '"') {
      for (++i;; ++i) {
        if (i == line.size()) throw std::invalid_argument("a double quote that is never closed");
        if (line[i] == '"') break;
        if (line[i] == '\\' && i + 1 < line.size() && std::string_view("$`\"\\\n").find(line[i + 1]) != std::string_view::npos) {
          ++i;
          if (line[i] != '\n') word += line[i];
          continue;
        }
        word += line[i];
      }
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace pgverify::text
