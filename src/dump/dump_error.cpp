#include "dump/dump_error.hpp"

#include "text/quote.hpp"

namespace pgverify::dump {

namespace {

std::string compose(const std::filesystem::path& path, std::optional<std::uint64_t> offset,
                    const std::string& reason) {
  std::string where = text::printable(path.string());
  if (offset) where += " at byte offset " + std::to_string(*offset);
  return where + ": " + reason;
}

}  // namespace

std::string_view to_string(DumpErrc code) {
  switch (code) {
    case DumpErrc::io_error: return "io-error";
    case DumpErrc::not_a_file: return "not-a-file";
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
    case DumpErrc::bad_entry_count: return "bad-entry-count";
    case DumpErrc::bad_dump_id: return "bad-dump-id";
    case DumpErrc::duplicate_dump_id: return "duplicate-dump-id";
    case DumpErrc::bad_section: return "bad-section";
    case DumpErrc::bad_toc_entry: return "bad-toc-entry";
    case DumpErrc::bad_dependency: return "bad-dependency";
    case DumpErrc::toc_too_large: return "toc-too-large";
    case DumpErrc::bad_data_offset: return "bad-data-offset";
    case DumpErrc::unknown_entry_type: return "unknown-entry-type";
    case DumpErrc::entry_without_data: return "entry-without-data";
    case DumpErrc::unexpected_entry_data: return "unexpected-entry-data";
    case DumpErrc::bad_encoding_entry: return "bad-encoding-entry";
    case DumpErrc::bad_stdstrings_entry: return "bad-stdstrings-entry";
    case DumpErrc::bad_large_object_entry: return "bad-large-object-entry";
    case DumpErrc::unknown_block_type: return "unknown-block-type";
    case DumpErrc::unknown_data_block: return "unknown-data-block";
    case DumpErrc::unexpected_data_block: return "unexpected-data-block";
    case DumpErrc::missing_data_block: return "missing-data-block";
    case DumpErrc::bad_chunk_length: return "bad-chunk-length";
    case DumpErrc::missing_data_file: return "missing-data-file";
    case DumpErrc::missing_tar_member: return "missing-tar-member";
    case DumpErrc::incomplete_compressed_stream: return "incomplete-compressed-stream";
    case DumpErrc::bad_statement_data: return "bad-statement-data";
    case DumpErrc::bad_copy_data: return "bad-copy-data";
    case DumpErrc::row_too_long: return "row-too-long";
    case DumpErrc::bad_copy_statement: return "bad-copy-statement";
    case DumpErrc::missing_large_object_toc: return "missing-large-object-toc";
    case DumpErrc::bad_large_object_toc_line: return "bad-large-object-toc-line";
    case DumpErrc::missing_large_object_file: return "missing-large-object-file";
    case DumpErrc::missing_large_object_member: return "missing-large-object-member";
    case DumpErrc::bad_large_object_oid: return "bad-large-object-oid";
    case DumpErrc::duplicate_large_object: return "duplicate-large-object";
    case DumpErrc::missing_large_object: return "missing-large-object";
    case DumpErrc::unlisted_large_object: return "unlisted-large-object";
    case DumpErrc::bad_large_object_statement: return "bad-large-object-statement";
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
  return text::quote_bytes(bytes, max_chars, '"');
}

}  // namespace pgverify::dump
