#include "pg/ident.hpp"

namespace pgverify::pg {

namespace {

bool needs_no_quotes(std::string_view name) {
  if (name.empty() || !((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_')) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$')) return false;
  return true;
}

}  // namespace

std::string quote_always(std::string_view raw) {
  std::string out = "\"";
  for (char c : raw) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string canonical_ident(std::string_view raw) { return needs_no_quotes(raw) ? std::string(raw) : quote_always(raw); }

std::string unquote_ident(std::string_view ident) {
  if (ident.size() < 2 || ident.front() != '"' || ident.back() != '"') return std::string(ident);
  std::string out;
  for (std::size_t i = 1; i + 1 < ident.size(); ++i) {
    out += ident[i];
    if (ident[i] == '"' && i + 2 < ident.size() && ident[i + 1] == '"') ++i;
  }
  return out;
}

std::string canonical_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\'') {
      // A string literal, to its closing quote ('' inside it is a quote; after
      // E, a backslash escapes the next character).
      const bool escapes = i > 0 && (text[i - 1] == 'E' || text[i - 1] == 'e');
      std::size_t j = i + 1;
      while (j < text.size()) {
        if (escapes && text[j] == '\\') {
          j += 2;
          continue;
        }
        if (text[j] == '\'') {
          if (j + 1 < text.size() && text[j + 1] == '\'') {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      const std::size_t end = j < text.size() ? j + 1 : text.size();
      out.append(text.substr(i, end - i));
      i = end;
      continue;
    }
    if (c == '"') {
      std::size_t j = i + 1;
      std::string raw;
      bool closed = false;
      while (j < text.size()) {
        if (text[j] == '"') {
          if (j + 1 < text.size() && text[j + 1] == '"') {
            raw += '"';
            j += 2;
            continue;
          }
          closed = true;
          break;
        }
        raw += text[j++];
      }
      if (!closed) {
        out.append(text.substr(i));
        break;
      }
      if (needs_no_quotes(raw)) out += raw;
      else out.append(text.substr(i, j + 1 - i));
      i = j + 1;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

}  // namespace pgverify::pg
