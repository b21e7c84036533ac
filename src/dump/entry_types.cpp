#include "dump/entry_types.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace pgverify::dump {

namespace {

constexpr int kOldest = 12;  // archive 1.12, pg_dump 9.0: the oldest this reader reads
constexpr int kNewest = 16;  // archive 1.16, pg_dump 17 and 18

constexpr auto kData = TocSection::data;

// Every desc pg_dump writes (ArchiveEntry's .description in pg_dump.c), from
// pg_dump 9.0 to 18, checked against pg_dump 16.2's source and against the TOCs
// that pg_dump 15, 17 and 18 write of a schema using every kind of object. The
// bounds name archive versions (see archive_version.cpp for which pg_dump
// writes which); a type that appeared within the life of one archive version
// is allowed from that version on:
//   1.12 (9.0-10.2)  EXTENSION, COLLATION, FOREIGN TABLE, SECURITY LABEL came with
//                    9.1; MATERIALIZED VIEW (DATA), EVENT TRIGGER with 9.3; POLICY,
//                    ROW SECURITY, TRANSFORM with 9.5; ACCESS METHOD with 9.6;
//                    PUBLICATION (TABLE), SUBSCRIPTION, STATISTICS with 10
//   1.13 (11)        SEARCHPATH (the CVE-2018-1058 fix that made 1.13); PROCEDURE,
//                    INDEX ATTACH, DATABASE PROPERTIES with pg_dump 11
//   1.14 (12-15)     TABLE ATTACH with 14; PUBLICATION TABLES IN SCHEMA with 15
//   1.16 (17, 18)    BLOB METADATA replaced BLOB (one entry per group of large
//                    objects, its definition their OIDs, one a line);
//                    SUBSCRIPTION TABLE (binary upgrade) with 17; STATISTICS DATA with 18
// "BLOB COMMENTS" (before 9.0) and "ACL LANGUAGE" (7.4) predate 1.12.
constexpr std::array kEntryTypes{
    EntryType{"ACCESS METHOD", kOldest, kNewest, {}, false},
    EntryType{"ACL", kOldest, kNewest, {}, false},
    EntryType{"AGGREGATE", kOldest, kNewest, {}, false},
    EntryType{"BLOB", kOldest, 15, {}, false},
    EntryType{"BLOB METADATA", 16, kNewest, kData, false},
    EntryType{"BLOBS", kOldest, kNewest, kData, true},
    EntryType{"CAST", kOldest, kNewest, {}, false},
    EntryType{"CHECK CONSTRAINT", kOldest, kNewest, {}, false},
    EntryType{"COLLATION", kOldest, kNewest, {}, false},
    EntryType{"COMMENT", kOldest, kNewest, {}, false},
    EntryType{"CONSTRAINT", kOldest, kNewest, {}, false},
    EntryType{"CONVERSION", kOldest, kNewest, {}, false},
    EntryType{"DATABASE", kOldest, kNewest, {}, false},
    EntryType{"DATABASE PROPERTIES", 13, kNewest, {}, false},
    EntryType{"DEFAULT", kOldest, kNewest, {}, false},
    EntryType{"DEFAULT ACL", kOldest, kNewest, {}, false},
    EntryType{"DOMAIN", kOldest, kNewest, {}, false},
    EntryType{"ENCODING", kOldest, kNewest, {}, false},
    EntryType{"EVENT TRIGGER", kOldest, kNewest, {}, false},
    EntryType{"EXTENSION", kOldest, kNewest, {}, false},
    EntryType{"FK CONSTRAINT", kOldest, kNewest, {}, false},
    EntryType{"FOREIGN DATA WRAPPER", kOldest, kNewest, {}, false},
    EntryType{"FOREIGN TABLE", kOldest, kNewest, {}, false},
    EntryType{"FUNCTION", kOldest, kNewest, {}, false},
    EntryType{"INDEX", kOldest, kNewest, {}, false},
    EntryType{"INDEX ATTACH", 13, kNewest, {}, false},
    EntryType{"MATERIALIZED VIEW", kOldest, kNewest, {}, false},
    EntryType{"MATERIALIZED VIEW DATA", kOldest, kNewest, {}, false},
    EntryType{"OPERATOR", kOldest, kNewest, {}, false},
    EntryType{"OPERATOR CLASS", kOldest, kNewest, {}, false},
    EntryType{"OPERATOR FAMILY", kOldest, kNewest, {}, false},
    EntryType{"POLICY", kOldest, kNewest, {}, false},
    EntryType{"PROCEDURAL LANGUAGE", kOldest, kNewest, {}, false},
    EntryType{"PROCEDURE", 13, kNewest, {}, false},
    EntryType{"PUBLICATION", kOldest, kNewest, {}, false},
    EntryType{"PUBLICATION TABLE", kOldest, kNewest, {}, false},
    EntryType{"PUBLICATION TABLES IN SCHEMA", 14, kNewest, {}, false},
    EntryType{"ROW SECURITY", kOldest, kNewest, {}, false},
    EntryType{"RULE", kOldest, kNewest, {}, false},
    EntryType{"SCHEMA", kOldest, kNewest, {}, false},
    EntryType{"SEARCHPATH", 13, kNewest, {}, false},
    EntryType{"SECURITY LABEL", kOldest, kNewest, {}, false},
    EntryType{"SEQUENCE", kOldest, kNewest, {}, false},
    EntryType{"SEQUENCE OWNED BY", kOldest, kNewest, {}, false},
    EntryType{"SEQUENCE SET", kOldest, kNewest, kData, false},
    EntryType{"SERVER", kOldest, kNewest, {}, false},
    EntryType{"SHELL TYPE", kOldest, kNewest, {}, false},
    EntryType{"STATISTICS", kOldest, kNewest, {}, false},
    EntryType{"STATISTICS DATA", 16, kNewest, {}, false},  // data for tables, post-data for indexes
    EntryType{"STDSTRINGS", kOldest, kNewest, {}, false},
    EntryType{"SUBSCRIPTION", kOldest, kNewest, {}, false},
    EntryType{"SUBSCRIPTION TABLE", 16, kNewest, {}, false},
    EntryType{"TABLE", kOldest, kNewest, {}, false},
    EntryType{"TABLE ATTACH", 14, kNewest, {}, false},
    EntryType{"TABLE DATA", kOldest, kNewest, kData, true},
    EntryType{"TEXT SEARCH CONFIGURATION", kOldest, kNewest, {}, false},
    EntryType{"TEXT SEARCH DICTIONARY", kOldest, kNewest, {}, false},
    EntryType{"TEXT SEARCH PARSER", kOldest, kNewest, {}, false},
    EntryType{"TEXT SEARCH TEMPLATE", kOldest, kNewest, {}, false},
    EntryType{"TRANSFORM", kOldest, kNewest, {}, false},
    EntryType{"TRIGGER", kOldest, kNewest, {}, false},
    EntryType{"TYPE", kOldest, kNewest, {}, false},
    EntryType{"USER MAPPING", kOldest, kNewest, {}, false},
    EntryType{"VIEW", kOldest, kNewest, {}, false},
};

constexpr bool sorted_by_desc() {
  for (std::size_t i = 1; i < kEntryTypes.size(); ++i)
    if (!(kEntryTypes[i - 1].desc < kEntryTypes[i].desc)) return false;
  return true;
}
static_assert(sorted_by_desc(), "kEntryTypes must stay sorted by desc: find_entry_type searches it");

// The pg_dump releases that write archive 1.N: the first and the last.
std::pair<std::string_view, std::string_view> pg_dumps_of(int minor) {
  switch (minor) {
    case 12: return {"9.0", "10"};
    case 13: return {"11", "11"};
    case 14: return {"12", "15"};
    case 15: return {"16", "16"};
    case 16: return {"17", "18"};
  }
  return {"?", "?"};
}

}  // namespace

std::string_view to_string(TocSection section) {
  switch (section) {
    case TocSection::none: return "none";
    case TocSection::pre_data: return "pre-data";
    case TocSection::data: return "data";
    case TocSection::post_data: return "post-data";
  }
  return "unknown";
}

const EntryType* find_entry_type(std::string_view desc) {
  const auto it = std::lower_bound(kEntryTypes.begin(), kEntryTypes.end(), desc,
                                   [](const EntryType& t, std::string_view d) { return t.desc < d; });
  return it != kEntryTypes.end() && it->desc == desc ? &*it : nullptr;
}

bool written_in(const EntryType& type, const ArchiveVersion& version) {
  if (version.major != 1) return false;
  return version.minor >= type.first_minor && version.minor <= type.last_minor;
}

std::string written_by(const EntryType& type) {
  const auto first = pg_dumps_of(type.first_minor).first;
  const auto last = pg_dumps_of(type.last_minor).second;
  std::string versions = "archive";
  if (type.first_minor != type.last_minor) versions += "s";
  versions += " 1." + std::to_string(type.first_minor);
  if (type.first_minor != type.last_minor) versions += " to 1." + std::to_string(type.last_minor);
  return versions + " (pg_dump " + std::string(first) + (first == last ? "" : " to " + std::string(last)) + ")";
}

}  // namespace pgverify::dump
