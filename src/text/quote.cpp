#include "text/quote.hpp"

#include "text/utf8.hpp"

namespace pgverify::text {

void append_printable(std::string& out, std::string_view text, std::size_t& pos) {
  const std::size_t start = pos;
  const char32_t code_point = next_code_point(text, pos);
  // U+FFFD read from a single byte is that byte ill-formed; written out (three bytes) it is kept.
  if (code_point == replacement_character && pos - start == 1) {
    static constexpr char hex[] = "0123456789abcdef";
    const auto byte = static_cast<unsigned char>(text[start]);
    out += "\\x";
    out += hex[byte >> 4];
    out += hex[byte & 0xf];
  } else if (is_control(code_point)) {
    out += visible(code_point);
  } else {
    out.append(text, start, pos - start);
  }
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) append_printable(out, text, pos);
  return out;
}

std::string quote_bytes(std::string_view bytes, std::size_t max_chars, char quote) {
  std::string out(1, quote);
  for (std::size_t pos = 0; pos < bytes.size();) {
    if (out.size() > max_chars) {
      out += "...";
      break;
    }
    if (bytes[pos] == quote || bytes[pos] == '\\') {
      out += '\\';
      out += bytes[pos++];
    } else {
      append_printable(out, bytes, pos);
    }
  }
  return out + quote;
}

}  // namespace pgverify::text
