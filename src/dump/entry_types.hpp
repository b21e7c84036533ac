// The TOC entry types pg_dump writes (a TocEntry's desc: "TABLE", "TABLE DATA",
// "BLOB METADATA", ...), with the archive versions whose pg_dump writes each, the
// section pg_dump always puts the data-bearing ones in, and which carry data.
// pg_restore takes any string, but one pg_dump never writes is damage: an
// unknown type it cannot set the owner of stops it ("don't know how to set
// owner for object type"), and data under a damaged type is silently skipped.
// The table itself, with the reason for each version bound, is in entry_types.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "dump/archive_version.hpp"

namespace pgverify::dump {

// teSection in pg_backup.h.
enum class TocSection { none = 1, pre_data = 2, data = 3, post_data = 4 };
std::string_view to_string(TocSection section);  // "none", "pre-data", "data", "post-data"

struct EntryType {
  std::string_view desc;
  int first_minor;  // oldest archive version 1.N whose pg_dump writes it
  int last_minor;   // newest archive version 1.N whose pg_dump writes it
  // The section every pg_dump writes it in, checked for the entry types that
  // carry data (pg_restore --section=data would skip one written elsewhere).
  std::optional<TocSection> section;
  bool has_data;    // pg_dump gives it a data dumper (hadDumper 1): TABLE DATA and BLOBS
};

// The entry type named desc; nullptr when no pg_dump writes it.
const EntryType* find_entry_type(std::string_view desc);

// Whether pg_dump of this archive version writes the type.
bool written_in(const EntryType& type, const ArchiveVersion& version);

// "1.14 (pg_dump 12-15)": the versions of pg_dump that write the type, for messages.
std::string written_by(const EntryType& type);

}  // namespace pgverify::dump
