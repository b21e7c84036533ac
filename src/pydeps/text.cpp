#include "pydeps/text.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace pgverify::pydeps {

std::string read_text_file(const std::filesystem::path& path, std::size_t limit) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw ParseError(ParseErrc::io_error, path, std::nullopt, "is a directory, expected a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int saved = errno;
    throw ParseError(ParseErrc::io_error, path, std::nullopt,
                     std::string("cannot open: ") +
                         (saved ? std::strerror(saved) : "unknown error"));
  }
  std::string text;
  std::array<char, 65536> buffer{};
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (text.size() + got > limit)
      throw ParseError(ParseErrc::too_large, path, std::nullopt,
                       "larger than " + std::to_string(limit >> 20) + " MiB");
    text.append(buffer.data(), got);
  }
  if (in.bad()) throw ParseError(ParseErrc::io_error, path, std::nullopt, "read error");
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  if (const std::size_t nul = text.find('\0'); nul != std::string::npos)
    throw ParseError(ParseErrc::unrecognized_format, path, line_of_offset(text, nul),
                     "binary content (NUL byte), not a dependency file");
  return text;
}

std::size_t line_of_offset(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<std::size_t>(
                 std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

bool is_space_char(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim_space(std::string_view text) {
  while (!text.empty() && is_space_char(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space_char(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace pgverify::pydeps
