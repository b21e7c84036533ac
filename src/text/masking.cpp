#include "text/masking.hpp"

#include <cctype>

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

std::string mask_secret_assignments(std::string_view text, std::string_view mask) {
  const auto name_char = [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-' || c == '.'; };
  std::string out;
  std::size_t copied = 0;
  for (std::size_t eq = text.find('='); eq != std::string_view::npos; eq = text.find('=', eq + 1)) {
    std::size_t start = eq;
    while (start > 0 && name_char(static_cast<unsigned char>(text[start - 1]))) --start;
    std::string name(text.substr(start, eq - start));
    for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (start < copied || (name.find("PASSWORD") == std::string::npos && name.find("PASSWD") == std::string::npos &&
                           name.find("SECRET") == std::string::npos && name.find("TOKEN") == std::string::npos))
      continue;
    std::size_t value = eq + 1, end = value;
    if (value < text.size() && (text[value] == '\'' || text[value] == '"')) {
      const std::size_t close = text.find(text[value], value + 1);
      ++value;
      end = close == std::string_view::npos ? text.size() : close;
    } else {
      while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '\'' &&
             text[end] != '"' && text[end] != ';')
        ++end;
    }
    if (end == value) continue;
    out.append(text.substr(copied, value - copied));
    out.append(mask);
    copied = end;
    eq = end > 0 ? end - 1 : end;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace pgverify::text
