#include "dump/archive_version.hpp"


namespace pgverify::dump {

// The archive version history (K_VERS_* in src/bin/pg_dump/pg_backup_archiver.h).
// Each pg_dump writes exactly one version (K_VERS_SELF) and its pg_restore reads
// everything from 1.0 up to that minor with any revision (K_VERS_MAX).
//
//   version  first written by       what changed
//   1.0-1.9  pg_dump before 8.0     zlib optional (1.2), large objects (1.3), creation date and
//                                   database name in the header (1.4), dependencies (1.5),
//                                   schema per TOC entry (1.6), offset size in the header (1.7),
//                                   new ID numbering (1.8), default_with_oids (1.9)
//   1.10     8.0                    tablespace per TOC entry; server and pg_dump version strings
//                                   in the header
//   1.11     8.4                    TOC section (pre-data, data, post-data) per entry
//   1.12     9.0                    large objects as separate BLOB entries
//   1.13     11, and back-patched   search_path behaviour (the CVE-2018-1058 fix, released
//            into 9.3.22, 9.4.17,   2018-03-01): a minor release of an older major began to write
//            9.5.12, 9.6.8, 10.3    an archive its own earlier minors cannot read
//   1.14     12                     table access method per TOC entry
//   1.15     16                     compression algorithm byte in the header (lz4, zstd)
//                                   instead of a zlib level
//   1.16     17 (also 18)           BLOB METADATA entries, several BLOBS entries, relkind per
//                                   TOC entry
//
// This reader reads 1.12 to 1.16: every pg_dump from 9.0 to 18. The header
// layout is the same over that range except the compression field (an int level
// before 1.15, an algorithm byte from 1.15).
namespace {

struct MajorArchiveRow {
  int major;           // 906 for 9.6
  int archive_minor;   // the K_VERS_1_x its .0 release writes
  int bumped_at;       // minor release that moved it to 1.13 (CVE-2018-1058); 0 when none
};

constexpr MajorArchiveRow kMajorArchiveRows[] = {
    {900, 12, 0},   // 9.0-9.2 were out of support before the 1.13 back-patch
    {901, 12, 0},
    {902, 12, 0},
    {903, 12, 22},  // 9.3.22
    {904, 12, 17},  // 9.4.17
    {905, 12, 12},  // 9.5.12
    {906, 12, 8},   // 9.6.8
    {10, 12, 3},    // 10.3
    {11, 13, 0},
    {12, 14, 0},
    {13, 14, 0},
    {14, 14, 0},
    {15, 14, 0},
    {16, 15, 0},
    {17, 16, 0},
    {18, 16, 0},    // PostgreSQL 18 kept 1.16
};

std::optional<int> archive_minor_of(int major, std::optional<int> minor) {
  for (const auto& row : kMajorArchiveRows) {
    if (row.major != major) continue;
    if (row.bumped_at != 0 && (!minor || *minor >= row.bumped_at)) return 13;
    return row.archive_minor;
  }
  return std::nullopt;
}

}  // namespace

std::string ArchiveVersion::str() const { return std::to_string(major) + "." + std::to_string(minor); }

std::optional<ArchiveVersion> archive_version_written_by_pg_dump(int major, std::optional<int> minor) {
  auto archive_minor = archive_minor_of(major, minor);
  if (!archive_minor) return std::nullopt;
  return ArchiveVersion{1, *archive_minor, 0};
}

std::optional<ArchiveVersion> max_archive_version_for_pg_restore(int major, std::optional<int> minor) {
  auto archive_minor = archive_minor_of(major, minor);
  if (!archive_minor) return std::nullopt;
  return ArchiveVersion{1, *archive_minor, 255};
}

}  // namespace pgverify::dump
