// Reading dependency files: bounded reads with errors that name the file, and
// the small text helpers the readers share.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "pydeps/error.hpp"

namespace pgverify::pydeps {

// Lock files of large monorepos run to a few MiB; anything past this is not a
// dependency file.
inline constexpr std::size_t max_file_bytes = 64u << 20;

// The whole file, a UTF-8 byte order mark dropped. Throws ParseError (io_error,
// too_large, or unrecognized_format for content with NUL bytes).
std::string read_text_file(const std::filesystem::path& path, std::size_t limit = max_file_bytes);

// The 1-based line holding byte `offset` of text.
std::size_t line_of_offset(std::string_view text, std::size_t offset);

std::string_view trim_space(std::string_view text);
bool is_space_char(char c);

}  // namespace pgverify::pydeps
