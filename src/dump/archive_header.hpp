// The header of a pg_dump archive: which format, which archive version, which
// servers and tools made it, how the data is compressed. Read natively, as
// pg_restore's ReadHead (pg_backup_archiver.c) does, with one distinct error per
// way it can be wrong (DumpErrc).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "dump/archive_cursor.hpp"
#include "dump/archive_version.hpp"
#include "dump/byte_source.hpp"
#include "dump/decompress.hpp"
#include "dump/dump_error.hpp"
#include "pg/version.hpp"

namespace pgverify::dump {

enum class ArchiveFormat { custom, directory, tar, plain };
enum class Compression { none, gzip, lz4, zstd };

std::string_view to_string(ArchiveFormat format);   // "custom", "directory", "tar", "plain"
std::string_view to_string(Compression compression);  // "none", "gzip", "lz4", "zstd"

// The stream decoder for data compressed this way; nullopt for none.
std::optional<StreamCompression> stream_kind(Compression compression);

struct ArchiveHeader {
  ArchiveFormat format = ArchiveFormat::custom;
  std::optional<ArchiveVersion> version;  // none for plain SQL
  // Of the table data (custom, directory); tar archives are never compressed;
  // for plain SQL, of the whole file.
  Compression compression = Compression::none;
  // Recorded only before archive 1.15: 0 to 9, or -1 for zlib's default (6).
  // From 1.15 the header records the algorithm alone.
  std::optional<int> compression_level;
  std::optional<int> int_size;  // bytes per integer (4 from every pg_dump); none for plain
  std::optional<int> off_size;  // bytes per file offset (8); none for plain
  // When pg_dump started, in its own local time as the archive records it (no
  // zone is recorded): "2025-03-01T14:05:09". Plain SQL records it only with
  // --verbose ("-- Started on"); empty otherwise.
  std::string dump_time;
  std::string database;         // empty for plain SQL, which does not record it
  std::string server_version;   // "17.12 (Debian 17.12-0+deb13u1)"
  std::string pg_dump_version;  // "17.12 (Debian 17.12-0+deb13u1)"
  // The file that holds the header (the archive, or DIR/toc.dat) and where the
  // TOC starts in it; the TOC reader continues from there.
  std::filesystem::path header_file;
  std::uint64_t toc_offset = 0;

  std::optional<int> server_major() const { return pg::parse_major(server_version); }
  std::optional<int> pg_dump_major() const { return pg::parse_major(pg_dump_version); }
};

// Detects the format and reads the header:
//   a directory holding toc.dat           → directory (header in toc.dat)
//   a file starting with "PGDMP"          → custom
//   a ustar header whose first member is toc.dat → tar
//   "--\n-- PostgreSQL database dump\n--" → plain (also gzip/lz4/zstd-compressed;
//                                           only the first 64 KiB are decompressed)
// Anything else, or anything wrong in the header, throws DumpError.
ArchiveHeader read_archive_header(const std::filesystem::path& path);

// The same for a single file already opened (custom, tar or plain).
ArchiveHeader read_archive_header(const ByteSource& file);

// Whether path can be a dump at all, asked before anything reads it: nullopt
// for a regular file it may open or a directory holding toc.dat, else one line,
// "PATH: what is wrong" (missing; a FIFO, socket or device; a directory
// without toc.dat; unreadable). Opens nothing but a regular file, never
// blocking; whether the file is a readable archive is the reader's to say.
std::optional<std::string> validate_dump_path(const std::filesystem::path& path);

// Reads the binary "PGDMP" header at the cursor (a custom file, or the toc.dat
// of a directory or tar archive) and leaves the cursor at the first TOC byte.
// `container` is the format the surroundings say this is, checked against the
// format byte.
ArchiveHeader read_binary_header(ArchiveCursor& cursor, ArchiveFormat container);

// How much of a plain SQL dump is searched for its header comments.
inline constexpr std::size_t kPlainHeaderScanLimit = 64 * 1024;
// Longest string accepted in a header (database name, version strings).
inline constexpr std::size_t kHeaderStringLimit = 64 * 1024;

}  // namespace pgverify::dump
