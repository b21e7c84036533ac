#include "pydeps/text.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "files/readable_file.hpp"

namespace pgverify::pydeps {

std::string read_text_file(const std::filesystem::path& path, std::size_t limit) {
  // A FIFO (an include naming a pipe) or a device is refused without being
  // opened: it could block, or never end.
  std::string text;
  try {
    text = files::read_whole_file(path, limit);
  } catch (const files::FileError& error) {
    throw ParseError(error.code() == files::FileErrc::too_large ? ParseErrc::too_large : ParseErrc::io_error, path,
                     std::nullopt, error.reason());
  }
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
