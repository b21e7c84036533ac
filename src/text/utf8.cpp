#include "text/utf8.hpp"

#include <cstdio>

namespace pgverify::text {

char32_t next_code_point(std::string_view text, std::size_t& pos) {
  const auto byte = [&](std::size_t index) { return static_cast<unsigned char>(text[index]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  std::size_t length = 0;
  char32_t code_point = 0;
  char32_t smallest = 0;  // below this the encoding is overlong
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = static_cast<char32_t>(lead & 0x1F);
    smallest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = static_cast<char32_t>(lead & 0x0F);
    smallest = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = static_cast<char32_t>(lead & 0x07);
    smallest = 0x10000;
  } else {
    ++pos;
    return replacement_character;
  }
  if (text.size() - pos < length) {
    ++pos;
    return replacement_character;
  }
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned char continuation = byte(pos + i);
    if ((continuation & 0xC0) != 0x80) {
      ++pos;
      return replacement_character;
    }
    code_point = (code_point << 6) | static_cast<char32_t>(continuation & 0x3F);
  }
  if (code_point < smallest || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    ++pos;
    return replacement_character;
  }
  pos += length;
  return code_point;
}

void append_utf8(std::string& out, char32_t code_point) {
  const auto unit = [](char32_t bits) { return static_cast<char>(static_cast<unsigned char>(bits)); };
  if (code_point < 0x80) {
    out += unit(code_point);
  } else if (code_point < 0x800) {
    out += unit(0xC0 | (code_point >> 6));
    out += unit(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += unit(0xE0 | (code_point >> 12));
    out += unit(0x80 | ((code_point >> 6) & 0x3F));
    out += unit(0x80 | (code_point & 0x3F));
  } else {
    out += unit(0xF0 | (code_point >> 18));
    out += unit(0x80 | ((code_point >> 12) & 0x3F));
    out += unit(0x80 | ((code_point >> 6) & 0x3F));
    out += unit(0x80 | (code_point & 0x3F));
  }
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) append_utf8(out, next_code_point(text, pos));
  return out;
}

bool is_control(char32_t code_point) {
  return code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F);
}

std::string visible(char32_t code_point) {
  char buffer[16];
  if (code_point < 0x80)
    std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned>(code_point));
  else
    std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(code_point));
  return buffer;
}

}  // namespace pgverify::text
