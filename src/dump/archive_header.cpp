#include "dump/archive_header.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <cerrno>
#include <span>

#include <sys/stat.h>

#include "dump/decompress.hpp"
#include "dump/tar_member.hpp"
#include "files/readable_file.hpp"
#include "text/quote.hpp"

namespace pgverify::dump {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "PGDMP";
// TEXT_DUMP_HEADER and TEXT_DUMPALL_HEADER (pg_backup_archiver.h), without
// their trailing blank line, which is all _discoverArchiveFormat needs too.
constexpr std::string_view kPlainHeader = "--\n-- PostgreSQL database dump\n--\n";
constexpr std::string_view kClusterHeader = "--\n-- PostgreSQL database cluster dump\n--\n";

// The ArchiveFormat enum of pg_backup.h, as written into the format byte.
constexpr int kArchCustom = 1;
constexpr int kArchTar = 3;
constexpr int kArchNull = 4;
constexpr int kArchDirectory = 5;

// Sizes a real archive can have. pg_dump writes sizeof(int) = 4 and
// sizeof(pgoff_t) = 8 on every platform PostgreSQL supports; pg_restore itself
// only refuses an intSize above 32, but anything outside 4..8 in a header is
// corruption, and 8 bytes is what one integer can carry here.
constexpr int kMinIntSize = 4, kMaxIntSize = 8;
constexpr int kMinOffSize = 4, kMaxOffSize = 8;

// The archive version that moved compression from a zlib level to an algorithm byte.
constexpr ArchiveVersion kVersionCompressionAlgorithm{1, 15, 0};

std::string_view as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// A file that ends part-way through `whole` (and so cannot be told from it).
bool is_cut_short(std::string_view text, std::string_view whole) {
  return !text.empty() && text.size() < whole.size() && starts_with(whole, text);
}

std::string format_code_name(int code) {
  switch (code) {
    case kArchCustom: return "custom";
    case kArchTar: return "tar";
    case kArchNull: return "plain text";
    case kArchDirectory: return "directory";
    default: return "unknown";
  }
}

// What the format byte says in each container. A directory archive's toc.dat
// says tar: _CloseArchive in pg_backup_directory.c writes archTar there because
// the layout is tar-compatible, and pg_restore expects exactly that.
int expected_format_code(ArchiveFormat container) {
  switch (container) {
    case ArchiveFormat::custom: return kArchCustom;
    case ArchiveFormat::directory:
    case ArchiveFormat::tar: return kArchTar;
    case ArchiveFormat::plain: return kArchNull;
  }
  return kArchCustom;
}

std::string container_description(ArchiveFormat container) {
  switch (container) {
    case ArchiveFormat::custom: return "a custom-format file";
    case ArchiveFormat::directory: return "a directory archive's toc.dat";
    case ArchiveFormat::tar: return "a tar archive's toc.dat";
    case ArchiveFormat::plain: return "a plain-text dump";
  }
  return "an archive";
}

struct TimeField {
  const char* name;
  int min;
  int max;
  const char* meaning;
};

// ReadHead reads a struct tm as written by WriteHead: localtime() of the start.
constexpr std::array<TimeField, 7> kTimeFields{{
    {"second", 0, 60, "0 to 60, a leap second included"},
    {"minute", 0, 59, "0 to 59"},
    {"hour", 0, 23, "0 to 23"},
    {"day of month", 1, 31, "1 to 31"},
    {"month", 0, 11, "0 to 11, a struct tm month"},
    {"year", 70, 8099, "70 to 8099, years since 1900 from 1970 on"},
    {"daylight saving flag", -1, 1, "-1, 0 or 1"},
}};

// Values arrive range-checked, so two digits always suffice.
std::string two_digits(int value) {
  return std::string(1, static_cast<char>('0' + value / 10)) + static_cast<char>('0' + value % 10);
}

void read_compression(ArchiveCursor& cursor, ArchiveHeader& header) {
  const std::uint64_t at = cursor.offset();
  if (*header.version >= kVersionCompressionAlgorithm) {
    // pg_compress_algorithm (src/include/common/compression.h).
    const int code = cursor.read_byte("the compression algorithm");
    switch (code) {
      case 0: header.compression = Compression::none; break;
      case 1: header.compression = Compression::gzip; break;
      case 2: header.compression = Compression::lz4; break;
      case 3: header.compression = Compression::zstd; break;
      default:
        cursor.fail(DumpErrc::unknown_compression, at,
                    "unknown compression algorithm code " + std::to_string(code) +
                        " (pg_dump writes 0 none, 1 gzip, 2 lz4, 3 zstd)");
    }
    return;
  }
  // Before 1.15 only zlib existed and the header held its level; ReadHead
  // takes any nonzero level as gzip.
  const int level = cursor.read_int("the compression level");
  if (level < -1 || level > 9)
    cursor.fail(DumpErrc::bad_compression_level, at,
                "implausible compression level " + std::to_string(level) +
                    " (zlib levels are 0 to 9, and -1 for its default)");
  header.compression_level = level;
  header.compression = level == 0 ? Compression::none : Compression::gzip;
}

void read_creation_time(ArchiveCursor& cursor, ArchiveHeader& header) {
  std::array<int, kTimeFields.size()> value{};
  for (std::size_t i = 0; i < kTimeFields.size(); ++i) {
    const TimeField& f = kTimeFields[i];
    const std::uint64_t at = cursor.offset();
    value[i] = cursor.read_int(std::string("the creation time (") + f.name + ")");
    // pg_restore only warns about a date mktime() rejects; a field out of its
    // range can only come from damage, so here it is an error.
    if (value[i] < f.min || value[i] > f.max)
      cursor.fail(DumpErrc::bad_creation_time, at,
                  std::string("implausible creation time: the ") + f.name + " field is " +
                      std::to_string(value[i]) + " (expected " + f.meaning + ")");
  }
  const int year = value[5] + 1900;
  header.dump_time = std::to_string(year) + "-" + two_digits(value[4] + 1) + "-" + two_digits(value[3]) +
                     "T" + two_digits(value[2]) + ":" + two_digits(value[1]) + ":" + two_digits(value[0]);
}

std::string read_required_string(ArchiveCursor& cursor, const std::string& what) {
  const std::uint64_t at = cursor.offset();
  auto text = cursor.read_string(what, kHeaderStringLimit);
  if (!text) cursor.fail(DumpErrc::missing_string, at, what + " is null (pg_dump always records it)");
  return *text;
}

std::string read_version_string(ArchiveCursor& cursor, const std::string& what) {
  const std::uint64_t at = cursor.offset();
  std::string text = read_required_string(cursor, what);
  if (!pg::parse_major(text))
    cursor.fail(DumpErrc::bad_version_string, at, what + " " + quote_bytes(text) + " is not a PostgreSQL version");
  return text;
}

// ---------------------------------------------------------------- plain SQL

constexpr std::string_view kDumpedFrom = "-- Dumped from database version ";
constexpr std::string_view kDumpedBy = "-- Dumped by pg_dump version ";
constexpr std::string_view kStartedOn = "-- Started on ";

// "-- Started on 2025-03-01 14:05:09 UTC" (PGDUMP_STRFTIME_FMT, --verbose only).
std::string iso_from_started_on(std::string_view rest) {
  if (rest.size() < 19) return {};
  const std::string_view stamp = rest.substr(0, 19);
  for (std::size_t i = 0; i < stamp.size(); ++i) {
    const bool digit = stamp[i] >= '0' && stamp[i] <= '9';
    const char sep = i == 4 || i == 7 ? '-' : i == 10 ? ' ' : i == 13 || i == 16 ? ':' : '\0';
    if (sep ? stamp[i] != sep : !digit) return {};
  }
  std::string iso(stamp);
  iso[10] = 'T';
  return iso;
}

// Reads "-- Dumped from database version" and "-- Dumped by pg_dump version"
// from the comment block that opens a plain dump (pg_backup_archiver.c,
// RestoreArchive). `text` is the start of the dump; `whole` says it is all of it.
ArchiveHeader parse_plain_header(std::string_view text, bool whole, const fs::path& path,
                                 Compression compression, const std::string& offset_note) {
  ArchiveHeader header;
  header.format = ArchiveFormat::plain;
  header.compression = compression;
  header.header_file = path;

  std::optional<std::uint64_t> from_at, by_at;
  std::optional<std::uint64_t> command_at;
  std::size_t pos = kPlainHeader.size();
  while (pos < text.size()) {
    const std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) break;  // a partial last line: out of text
    std::string_view line = text.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (starts_with(line, kDumpedFrom)) {
      header.server_version = std::string(line.substr(kDumpedFrom.size()));
      from_at = pos;
    } else if (starts_with(line, kDumpedBy)) {
      header.pg_dump_version = std::string(line.substr(kDumpedBy.size()));
      by_at = pos;
    } else if (starts_with(line, kStartedOn)) {
      header.dump_time = iso_from_started_on(line.substr(kStartedOn.size()));
    } else if (!line.empty() && !starts_with(line, "--") && !starts_with(line, "\\restrict ")) {
      // The first command (pg_dump 17.6+ puts "\restrict KEY" among the comments).
      command_at = pos;
      break;
    }
    pos = eol + 1;
  }

  if (!from_at || !by_at) {
    const std::string missing = !from_at ? "\"-- Dumped from database version\"" : "\"-- Dumped by pg_dump version\"";
    if (command_at)
      throw DumpError(DumpErrc::missing_version_comment, path, *command_at,
                      "the plain-text dump has no " + missing + " line before its first command" + offset_note);
    if (whole)
      throw DumpError(DumpErrc::truncated, path, text.size(),
                      "truncated inside the plain-text dump's opening comments: it ends before its " + missing +
                          " line" + offset_note);
    throw DumpError(DumpErrc::missing_version_comment, path, pos,
                    "the plain-text dump has no " + missing + " line in its first " +
                        std::to_string(text.size()) + " bytes" + offset_note);
  }
  if (!pg::parse_major(header.server_version))
    throw DumpError(DumpErrc::bad_version_string, path, *from_at,
                    "the server version " + quote_bytes(header.server_version) +
                        " in the plain-text dump's header is not a PostgreSQL version" + offset_note);
  if (!pg::parse_major(header.pg_dump_version))
    throw DumpError(DumpErrc::bad_version_string, path, *by_at,
                    "the pg_dump version " + quote_bytes(header.pg_dump_version) +
                        " in the plain-text dump's header is not a PostgreSQL version" + offset_note);
  return header;
}

ArchiveHeader read_compressed_file(const ByteSource& file, StreamCompression kind) {
  const DecompressedPrefix prefix = decompress_prefix(file, kind, kPlainHeaderScanLimit);
  const std::string_view text = prefix.bytes;
  const std::string name(to_string(kind));
  const auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  // pg_restore reads neither: pg_dump compresses the data inside these formats,
  // never the archive as a whole, so this was compressed afterwards.
  if (starts_with(text, kMagic))
    throw DumpError(DumpErrc::compressed_archive, file.path(), 0,
                    "a custom-format archive compressed as a whole with " + name +
                        ", which pg_restore cannot read: decompress it first");
  if (has_tar_magic(bytes))
    throw DumpError(DumpErrc::compressed_archive, file.path(), 0,
                    "a tar-format archive compressed as a whole with " + name +
                        ", which pg_restore cannot read: decompress it first");
  if (starts_with(text, kClusterHeader))
    throw DumpError(DumpErrc::cluster_dump, file.path(), 0,
                    "a " + name + "-compressed pg_dumpall cluster dump, not a pg_dump of one database");
  if (!starts_with(text, kPlainHeader))
    throw DumpError(DumpErrc::unrecognized_format, file.path(), 0,
                    name + "-compressed, but what it holds starts with " + quote_bytes(text.substr(0, 16)) +
                        ", which is no pg_dump output");
  Compression compression = kind == StreamCompression::gzip  ? Compression::gzip
                            : kind == StreamCompression::lz4 ? Compression::lz4
                                                             : Compression::zstd;
  return parse_plain_header(text, prefix.whole_stream, file.path(), compression,
                            " (offset in the decompressed text)");
}

ArchiveHeader read_plain_file(const ByteSource& file) {
  const auto length = static_cast<std::size_t>(std::min<std::uint64_t>(file.size(), kPlainHeaderScanLimit));
  std::string text(length, '\0');
  const std::size_t got = file.read_at(0, {reinterpret_cast<std::uint8_t*>(text.data()), text.size()});
  text.resize(got);
  return parse_plain_header(text, got == file.size(), file.path(), Compression::none, "");
}

ArchiveHeader read_tar_file(const ByteSource& file) {
  const TarMember member = read_tar_member(file, 0);
  if (member.name != "toc.dat")
    throw DumpError(DumpErrc::unexpected_tar_member, file.path(), member.header_offset,
                    "the first tar member is " + quote_bytes(member.name) +
                        ", but a pg_dump tar archive starts with toc.dat");
  if (member.type != '0' && member.type != '\0')
    throw DumpError(DumpErrc::unexpected_tar_member, file.path(), member.header_offset + 156,
                    "the toc.dat member is not a regular file (tar type " +
                        quote_bytes(std::string(1, member.type)) + ")");
  // A size past the end of the file (even one near 2^64) reads to the file's end.
  const bool fits = member.size <= file.size() - std::min(file.size(), member.data_offset);
  const std::uint64_t end = fits ? member.data_offset + member.size : file.size();
  ArchiveCursor cursor(file, member.data_offset, end, fits ? "the toc.dat member" : "the file");
  return read_binary_header(cursor, ArchiveFormat::tar);
}

// The toc.dat of a directory archive; throws no_toc, or compressed_toc for one
// only compressed.
fs::path directory_toc(const fs::path& dir) {
  const fs::path toc = dir / "toc.dat";
  std::error_code ec;
  if (!fs::exists(toc, ec)) {
    // pg_dump writes toc.dat uncompressed (pg_backup_directory.c: "The TOC is
    // always created uncompressed"); pg_restore 16+ would still find these.
    for (const char* suffix : {".gz", ".lz4", ".zst"}) {
      fs::path compressed = dir / (std::string("toc.dat") + suffix);
      if (fs::exists(compressed, ec))
        throw DumpError(DumpErrc::compressed_toc, compressed, std::nullopt,
                        "the directory archive's toc.dat was compressed after pg_dump wrote it; this reader "
                        "does not read a compressed toc.dat yet: decompress it");
    }
    throw DumpError(DumpErrc::no_toc, dir, std::nullopt,
                    "a directory without toc.dat, so not a pg_dump directory archive");
  }
  return toc;
}

ArchiveHeader read_directory(const fs::path& dir) {
  const fs::path toc = directory_toc(dir);
  FileSource source(toc);
  if (source.size() == 0)
    throw DumpError(DumpErrc::empty_file, toc, std::nullopt, "the directory archive's toc.dat is empty (0 bytes)");
  ArchiveCursor cursor(source);
  return read_binary_header(cursor, ArchiveFormat::directory);
}

}  // namespace

std::string_view to_string(ArchiveFormat format) {
  switch (format) {
    case ArchiveFormat::custom: return "custom";
    case ArchiveFormat::directory: return "directory";
    case ArchiveFormat::tar: return "tar";
    case ArchiveFormat::plain: return "plain";
  }
  return "unknown";
}

std::string_view to_string(Compression compression) {
  switch (compression) {
    case Compression::none: return "none";
    case Compression::gzip: return "gzip";
    case Compression::lz4: return "lz4";
    case Compression::zstd: return "zstd";
  }
  return "unknown";
}

std::optional<StreamCompression> stream_kind(Compression compression) {
  switch (compression) {
    case Compression::none: return std::nullopt;
    case Compression::gzip: return StreamCompression::gzip;
    case Compression::lz4: return StreamCompression::lz4;
    case Compression::zstd: return StreamCompression::zstd;
  }
  return std::nullopt;
}

ArchiveHeader read_binary_header(ArchiveCursor& cursor, ArchiveFormat container) {
  ArchiveHeader header;
  header.format = container;
  header.header_file = cursor.source().path();

  const std::uint64_t magic_at = cursor.offset();
  std::array<std::uint8_t, kMagic.size()> magic{};
  cursor.read_bytes(magic, "the magic string \"PGDMP\"");
  if (as_text(magic) != kMagic)
    cursor.fail(DumpErrc::bad_magic, magic_at,
                "no \"PGDMP\" magic string at the start of " + container_description(container) + " (found " +
                    quote_bytes(as_text(magic)) + ")");

  const std::uint64_t version_at = cursor.offset();
  ArchiveVersion version;
  version.major = cursor.read_byte("the archive version (major)");
  version.minor = cursor.read_byte("the archive version (minor)");
  // Decided on major.minor alone, like pg_restore's "unsupported version (%d.%d)".
  if (version < kOldestReadableArchive)
    cursor.fail(DumpErrc::unsupported_version, version_at,
                "unsupported archive version " + version.str() + ": older than " + kOldestReadableArchive.str() +
                    " (pg_dump 9.0), the oldest this reader reads");
  if (version > kNewestReadableArchive)
    cursor.fail(DumpErrc::unsupported_version, version_at,
                "unsupported archive version " + version.str() + ": newer than " + kNewestReadableArchive.str() +
                    " (pg_dump 17 and 18), the newest this reader knows");
  version.rev = cursor.read_byte("the archive version (revision)");
  header.version = version;

  const std::uint64_t int_size_at = cursor.offset();
  const int int_size = cursor.read_byte("the integer size");
  if (int_size < kMinIntSize || int_size > kMaxIntSize)
    cursor.fail(DumpErrc::bad_int_size, int_size_at,
                "implausible integer size " + std::to_string(int_size) + " (pg_dump writes sizeof(int), 4; " +
                    std::to_string(kMinIntSize) + " to " + std::to_string(kMaxIntSize) + " are readable)");
  const std::uint64_t off_size_at = cursor.offset();
  const int off_size = cursor.read_byte("the file offset size");
  if (off_size < kMinOffSize || off_size > kMaxOffSize)
    cursor.fail(DumpErrc::bad_offset_size, off_size_at,
                "implausible file offset size " + std::to_string(off_size) + " (pg_dump writes sizeof(pgoff_t), 8; " +
                    std::to_string(kMinOffSize) + " to " + std::to_string(kMaxOffSize) + " are readable)");
  header.int_size = int_size;
  header.off_size = off_size;
  cursor.set_sizes(int_size, off_size);

  const std::uint64_t format_at = cursor.offset();
  const int code = cursor.read_byte("the format code");
  if (code != kArchCustom && code != kArchTar && code != kArchNull && code != kArchDirectory)
    cursor.fail(DumpErrc::unknown_format_code, format_at,
                "unknown archive format code " + std::to_string(code) +
                    " (pg_dump writes 1 for custom, 3 for tar and directory)");
  const int expected = expected_format_code(container);
  if (code != expected) {
    // The usual way to meet this: a directory archive's toc.dat named on its own.
    const bool lone_toc = container == ArchiveFormat::custom && code == kArchTar &&
                          cursor.source().path().filename() == "toc.dat";
    cursor.fail(DumpErrc::format_mismatch, format_at,
                "format code " + std::to_string(code) + " (" + format_code_name(code) + ") in " +
                    container_description(container) + ", where pg_dump writes " + std::to_string(expected) +
                    " (" + format_code_name(expected) + ")" +
                    (lone_toc ? "; this is a directory archive's toc.dat: name the directory instead" : ""));
  }

  read_compression(cursor, header);
  read_creation_time(cursor, header);
  header.database = read_required_string(cursor, "the database name");
  header.server_version = read_version_string(cursor, "the server version");
  header.pg_dump_version = read_version_string(cursor, "the pg_dump version");
  header.toc_offset = cursor.offset();
  return header;
}

ArchiveHeader read_archive_header(const ByteSource& file) {
  if (file.size() == 0) throw DumpError(DumpErrc::empty_file, file.path(), std::nullopt, "the file is empty (0 bytes)");

  std::array<std::uint8_t, kTarBlockSize> block{};
  const std::size_t got = file.read_at(0, block);
  const std::span<const std::uint8_t> first(block.data(), got);
  const std::string_view text = as_text(first);
  const bool all_of_file = got == file.size();

  if (starts_with(text, kMagic) || (all_of_file && is_cut_short(text, kMagic))) {
    ArchiveCursor cursor(file);
    return read_binary_header(cursor, ArchiveFormat::custom);
  }
  if (auto kind = sniff_stream_compression(first)) return read_compressed_file(file, *kind);
  if (starts_with(text, kPlainHeader)) return read_plain_file(file);
  if (starts_with(text, kClusterHeader))
    throw DumpError(DumpErrc::cluster_dump, file.path(), 0,
                    "a pg_dumpall cluster dump, not a pg_dump of one database");
  if (all_of_file && is_cut_short(text, kPlainHeader))
    throw DumpError(DumpErrc::truncated, file.path(), got,
                    "truncated inside the plain-text dump's opening comment \"-- PostgreSQL database dump\"");
  if (has_tar_magic(first)) return read_tar_file(file);
  throw DumpError(DumpErrc::unrecognized_format, file.path(), 0,
                  "not a pg_dump archive: it starts with " + quote_bytes(text.substr(0, 16)) +
                      ", not \"PGDMP\" (custom), a tar header, or \"-- PostgreSQL database dump\" (plain)");
}

std::optional<std::string> validate_dump_path(const fs::path& path) {
  const std::string shown = text::printable(path.string());
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR) return shown + ": no such file or directory";
    return shown + ": cannot stat: " + std::strerror(error);
  }
  if (S_ISDIR(st.st_mode)) {
    try {
      directory_toc(path);
    } catch (const DumpError& error) {
      // Only compressed: a directory archive still, which the reader reports on.
      if (error.code() == DumpErrc::no_toc) return error.what();
    }
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode))
    return shown + ": " + std::string(files::describe_file_type(st.st_mode)) +
           ", neither a file nor a directory pg_dump writes";
  try {
    const files::ReadableFile probe(path);
  } catch (const files::FileError& error) {
    return error.what();
  }
  return std::nullopt;
}

ArchiveHeader read_archive_header(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return read_directory(path);
  FileSource source(path);
  return read_archive_header(source);
}

}  // namespace pgverify::dump
