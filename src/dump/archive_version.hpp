// Archive format versions (K_VERS_* in pg_dump's pg_backup_archiver.h): which
// pg_dump writes which, and which pg_restore reads which. The history table with
// the reason for every version is in archive_version.cpp.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace pgverify::dump {

struct ArchiveVersion {
  int major = 0;
  int minor = 0;
  int rev = 0;

  // "1.16": major.minor, as pg_restore names versions ("unsupported version
  // (1.16) in file header"); rev takes part in comparisons only.
  std::string str() const;
  friend auto operator<=>(const ArchiveVersion&, const ArchiveVersion&) = default;
};

// The versions this reader understands: 1.12 (pg_dump 9.0) to 1.16 (pg_dump 17, 18).
inline constexpr ArchiveVersion kOldestReadableArchive{1, 12, 0};
inline constexpr ArchiveVersion kNewestReadableArchive{1, 16, 255};

// PostgreSQL majors as pgverify numbers them: 15, 17, 18; 906 for 9.6 (two-part
// majors before 10). `minor` is the release within the major (9.6.8 → 906 and 8,
// 10.3 → 10 and 3); nullopt means the current minor release of that major.
//
// The archive version pg_dump of that release writes; nullopt for a major this
// table does not know (before 9.0, or newer than 18).
std::optional<ArchiveVersion> archive_version_written_by_pg_dump(int major,
                                                                 std::optional<int> minor = std::nullopt);

// The highest archive version pg_restore of that release reads. pg_restore
// accepts every revision of its own minor (K_VERS_MAX is maj.min.255), so the
// result has rev 255 and `archive <= *max` is the exact test. nullopt for a
// major this table does not know.
std::optional<ArchiveVersion> max_archive_version_for_pg_restore(int major,
                                                                 std::optional<int> minor = std::nullopt);

}  // namespace pgverify::dump
