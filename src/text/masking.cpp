#include "text/masking.hpp"

#include <algorithm>

namespace pgverify::text {

std::string percent_decoded(std::string_view text) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      const int high = i + 1 < text.size() ? hex(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? hex(text[i + 2]) : -1;
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::string mask_parts(std::string text, std::vector<std::string> parts, std::string_view mask,
                       std::size_t min_size) {
  std::erase_if(parts, [min_size](const std::string& part) { return part.empty() || part.size() < min_size; });
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& part : parts)
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + mask.size()))
      text.replace(at, part.size(), mask);
  return text;
}

}  // namespace pgverify::text
