#include "pg/version.hpp"

#include <cctype>

namespace pgverify::pg {

std::optional<int> parse_major(std::string_view version) {
  std::size_t i = 0;
  auto number = [&]() -> std::optional<int> {
    const std::size_t start = i;
    int value = 0;
    while (i < version.size() && std::isdigit(static_cast<unsigned char>(version[i])) && i - start < 6)
      value = value * 10 + (version[i++] - '0');
    if (i == start) return std::nullopt;
    return value;
  };
  auto first = number();
  if (!first || *first == 0) return std::nullopt;
  if (*first < 10) {
    if (i < version.size() && version[i] == '.') {
      ++i;
      if (auto second = number()) return *first * 100 + *second;
    }
    return std::nullopt;
  }
  return first;
}

std::string format_server_version(int version_num) {
  // PostgreSQL 10 changed server_version_num from XXYYZZ to XX00ZZ.
  if (version_num >= 100000)
    return std::to_string(version_num / 10000) + "." + std::to_string(version_num % 10000);
  return std::to_string(version_num / 10000) + "." + std::to_string((version_num / 100) % 100) +
         "." + std::to_string(version_num % 100);
}

int major_of(int version_num) {
  return version_num >= 100000 ? version_num / 10000 : version_num / 100;
}

}  // namespace pgverify::pg
