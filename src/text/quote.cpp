#include "text/quote.hpp"

namespace pgverify::text {

std::string quote_bytes(std::string_view bytes, std::size_t max_chars, char quote) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(1, quote);
  for (const char byte : bytes) {
    if (out.size() > max_chars) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(byte);
    if (c == static_cast<unsigned char>(quote) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  return out + quote;
}

}  // namespace pgverify::text
