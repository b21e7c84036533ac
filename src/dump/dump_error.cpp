#include "dump/dump_error.hpp"

#include <array>

namespace pgverify::dump {

namespace {

std::string compose(const std::filesystem::path& path, std::optional<std::uint64_t> offset,
                    const std::string& reason) {
  std::string text = path.string();
  if (offset) text += " at byte offset " + std::to_string(*offset);
  return text + ": " + reason;
}

}  // namespace

std::string_view to_string(DumpErrc code) {
  switch (code) {
    case DumpErrc::io_error: return "io-error";
    case DumpErrc::empty_file: return "empty-file";
    case DumpErrc::unrecognized_format: return "unrecognized-format";
    case DumpErrc::cluster_dump: return "cluster-dump";
    case DumpErrc::compressed_archive: return "compressed-archive";
    case DumpErrc::no_toc: return "no-toc";
    case DumpErrc::compressed_toc: return "compressed-toc";
    case DumpErrc::bad_tar_header: return "bad-tar-header";
    case DumpErrc::unexpected_tar_member: return "unexpected-tar-member";
    case DumpErrc::bad_magic: return "bad-magic";
    case DumpErrc::unsupported_version: return "unsupported-version";
    case DumpErrc::bad_int_size: return "bad-int-size";
    case DumpErrc::bad_offset_size: return "bad-offset-size";
    case DumpErrc::unknown_format_code: return "unknown-format-code";
    case DumpErrc::format_mismatch: return "format-mismatch";
    case DumpErrc::unknown_compression: return "unknown-compression";
    case DumpErrc::bad_compression_level: return "bad-compression-level";
    case DumpErrc::bad_integer: return "bad-integer";
    case DumpErrc::integer_out_of_range: return "integer-out-of-range";
    case DumpErrc::bad_creation_time: return "bad-creation-time";
    case DumpErrc::bad_string_length: return "bad-string-length";
    case DumpErrc::missing_string: return "missing-string";
    case DumpErrc::bad_version_string: return "bad-version-string";
    case DumpErrc::truncated: return "truncated";
    case DumpErrc::corrupt_compressed_stream: return "corrupt-compressed-stream";
    case DumpErrc::missing_version_comment: return "missing-version-comment";
  }
  return "unknown";
}

DumpError::DumpError(DumpErrc code, std::filesystem::path path, std::optional<std::uint64_t> offset,
                     std::string reason)
    : std::runtime_error(compose(path, offset, reason)),
      m_code(code),
      m_path(std::move(path)),
      m_offset(offset),
      m_reason(std::move(reason)) {}

std::string quote_bytes(std::string_view bytes, std::size_t max_chars) {
  static constexpr std::array<char, 16> hex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                               '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string out = "\"";
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (out.size() > max_chars) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == '"' || c == '\\') {
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
  return out + "\"";
}

}  // namespace pgverify::dump
