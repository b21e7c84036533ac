// dump/: reading pg_dump archives natively (custom, directory, tar, plain SQL):
// the header (archive_header), the TOC (archive_toc, checked against the entry
// types pg_dump writes: entry_types) and every table's COPY rows and every
// large object (archive_data), all on one byte source and cursor. Depends on
// nothing else in pgverify but pg/version.hpp, pg/ident.hpp, files/ and text/
// (zlib, liblz4 and libzstd only).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pgverify::dump {

// Every distinct way a dump can be unreadable, so callers (dump.readable, tests)
// can tell them apart without matching message text.
enum class DumpErrc {
  io_error,                   // cannot open or read the file at all
  not_a_file,                 // a FIFO, socket, device or directory where a file belongs (never opened)
  empty_file,                 // zero bytes
  unrecognized_format,        // not custom, directory, tar or plain SQL
  cluster_dump,               // pg_dumpall output, not a single-database pg_dump
  compressed_archive,         // a custom/tar archive run through gzip/lz4/zstd afterwards
  no_toc,                     // a directory without toc.dat
  compressed_toc,             // a directory with only toc.dat.gz/.lz4/.zst
  bad_tar_header,             // checksum or magic of a tar header is wrong
  unexpected_tar_member,      // the first tar member is not toc.dat
  bad_magic,                  // toc.dat does not start with "PGDMP"
  unsupported_version,        // archive version outside 1.12 .. 1.16
  bad_int_size,               // integer size byte implausible
  bad_offset_size,            // file offset size byte implausible
  unknown_format_code,        // format byte is no format pg_dump knows
  format_mismatch,            // format byte is a known format, but not this container's
  unknown_compression,        // compression algorithm byte unknown (1.15+)
  bad_compression_level,      // compression level outside -1 .. 9 (before 1.15)
  bad_integer,                // an integer's sign byte is neither 0 nor 1
  integer_out_of_range,       // an integer does not fit pg_dump's 32-bit int
  bad_creation_time,          // a creation time field out of its range
  bad_string_length,          // a string length is negative (not -1) or implausibly large
  missing_string,             // a string pg_dump always writes is null (-1)
  bad_version_string,         // a version string that is no PostgreSQL version
  truncated,                  // the data ends inside something
  corrupt_compressed_stream,  // gzip/lz4/zstd data that does not decompress
  missing_version_comment,    // plain dump without its "-- Dumped from/by" lines
  // The TOC (ReadToc in pg_backup_archiver.c).
  bad_entry_count,            // the TOC's entry count is negative or more than the bytes can hold
  bad_dump_id,                // an entry's dump id is zero or negative
  duplicate_dump_id,          // two entries share a dump id
  bad_section,                // an entry's section is none of pg_dump's four
  bad_toc_entry,              // another field of an entry is impossible (catalog id, relkind, file name...)
  bad_dependency,             // a dependency is no positive dump id
  toc_too_large,              // the TOC's strings exceed what this reader keeps in memory
  bad_data_offset,            // a data offset points into the header or the TOC
  unknown_entry_type,         // an entry's type (desc) is none pg_dump writes in this archive version
  entry_without_data,         // a TABLE DATA or BLOBS entry whose hadDumper flag says it has no data
  unexpected_entry_data,      // an entry of another type whose hadDumper flag claims data
  bad_encoding_entry,         // the ENCODING entry names no encoding pg_restore knows
  bad_stdstrings_entry,       // the STDSTRINGS entry sets standard_conforming_strings to neither on nor off
  bad_large_object_entry,     // a BLOB tag or BLOB METADATA definition that is no list of OIDs
  // Table data.
  unknown_block_type,         // a custom archive's data block type is neither data (1) nor blobs (3)
  unknown_data_block,         // a data block names a dump id the TOC does not have
  unexpected_data_block,      // a data offset leads to a block of another entry
  missing_data_block,         // a table's data block is nowhere in a custom archive
  bad_chunk_length,           // a data chunk's length is negative
  missing_data_file,          // a directory archive lacks a table's NNNN.dat(.gz/.lz4/.zst)
  missing_tar_member,         // a tar archive lacks a table's NNNN.dat member
  incomplete_compressed_stream,  // the data ends before its compressed stream does
  bad_statement_data,         // a table's data written as SQL statements (pg_dump --inserts) ends inside one
  bad_copy_data,              // COPY rows after the end marker, or a last row without its newline
  row_too_long,               // one COPY row beyond the row size limit
  bad_copy_statement,         // a COPY statement (TOC or plain dump) names no table this reader can parse
  // Large objects (BLOBS entries).
  missing_large_object_toc,   // a directory or tar archive lacks a BLOBS entry's blobs.toc / blobs_NNN.toc
  bad_large_object_toc_line,  // a line of a blobs TOC file is not "OID FILENAME"
  missing_large_object_file,  // a directory archive lacks a large object's blob_OID.dat(.gz/.lz4/.zst)
  missing_large_object_member,  // a tar archive lacks a large object's blob_OID.dat member
  bad_large_object_oid,       // a large object's OID is 0 or beyond 32 bits
  duplicate_large_object,     // one OID listed or stored twice
  missing_large_object,       // a large object the TOC lists that no BLOBS data holds
  unlisted_large_object,      // a large object in the data that the TOC does not list
  bad_large_object_statement, // a plain dump's lo_open / lowrite / lo_close line that does not parse or is out of place
};

// The stable short name of an error kind ("truncated"), for reports and tests.
std::string_view to_string(DumpErrc code);

// Why a dump cannot be read. what() is one lowercase line without a trailing
// period: "PATH at byte offset N: REASON" (or "PATH: REASON" when no offset
// applies), the path shown with text::printable.
class DumpError : public std::runtime_error {
 public:
  DumpError(DumpErrc code, std::filesystem::path path, std::optional<std::uint64_t> offset,
            std::string reason);

  DumpErrc code() const { return m_code; }
  const std::filesystem::path& path() const { return m_path; }
  std::optional<std::uint64_t> offset() const { return m_offset; }
  const std::string& reason() const { return m_reason; }

 private:
  DumpErrc m_code;
  std::filesystem::path m_path;
  std::optional<std::uint64_t> m_offset;
  std::string m_reason;
};

// Bytes from a hostile file shown in a message, in double quotes, as
// text::quote_bytes shows them, cut at max_chars, so an error stays one readable line.
std::string quote_bytes(std::string_view bytes, std::size_t max_chars = 60);

}  // namespace pgverify::dump
