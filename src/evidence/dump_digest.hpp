// A pg_dump archive's tables hashed the way the live source is hashed in text
// mode (hash/), so dump.matches-source can compare the two: the reader of
// dump/ streams each table's COPY rows into XXH3-128 row digests, and each
// large object's bytes into its XXH3-128 as hash::hash_large_objects does,
// several entries at once with --jobs when the format allows reading them apart.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dump/archive_data.hpp"
#include "dump/archive_toc.hpp"
#include "hash/catalog.hpp"
#include "hash/digest.hpp"
#include "hash/large_objects.hpp"
#include "hash/table_hasher.hpp"

namespace pgverify {

struct DumpTable {
  std::string name;        // schema.table quoted as PostgreSQL quotes it (hash::RelationSpec::name)
  std::string plain_name;  // unquoted, as filters match
  hash::TableDigest digest;
  std::size_t entries = 0;  // TABLE DATA entries it came from (usually 1)
  // Its data is SQL INSERT statements (pg_dump --inserts, --column-inserts):
  // read to the end, but no rows, so digest is empty and says nothing.
  bool as_statements = false;
  // The columns its COPY statement loads, in canonical spelling (pg/ident.hpp)
  // and the statement's order; nullopt when it names none (INSERT statements).
  // From its first entry.
  std::optional<std::vector<std::string>> copy_columns;
};

struct DumpDigest {
  dump::ArchiveToc toc;
  std::vector<DumpTable> tables;  // sorted by name
  // Every large object the archive stores, in OID order: size and XXH3-128 of
  // its bytes as hash::hash_large_objects takes them on a live server; the
  // owner as the TOC records it (empty when it records none); no acl.
  std::vector<hash::LargeObjectDigest> large_objects;
  // Whether the archive holds large objects at all (listed in its TOC or
  // stored): false for pg_dump -B or --schema-only.
  bool holds_large_objects = false;
  std::uint64_t bytes_total = 0;  // the archive's size as stored
  int jobs_used = 1;              // 1 when the format must be read in one pass

  const DumpTable* table(std::string_view name) const;
  const hash::LargeObjectDigest* large_object(std::uint32_t oid) const;
  std::uint64_t rows() const;  // COPY rows: tables written as INSERT statements have none
  std::size_t tables_as_statements() const;
};

struct DumpDigestOptions {
  int jobs = 1;  // entries read at once (custom with data offsets, directory, tar)
  hash::TableFilter filter;
  // Called from the calling thread about every 200 ms and once at the end.
  std::function<void(const dump::ReadProgress&)> on_progress;
};

// Reads the whole archive: header, TOC, every table's data and every large
// object. Throws dump::DumpError naming the table or large object and byte
// offset when anything is unreadable.
DumpDigest digest_dump(const std::filesystem::path& path, const DumpDigestOptions& options);

// `options` made to hash the live source as pg_dump read it, so it compares
// with a dump's digest: text mode, the session's own TimeZone and bytea_output
// (database and role defaults), the dump's encoding (pg_dump -E; empty: the
// session's).
hash::HashOptions hashed_as_dumped(hash::HashOptions options, std::string_view dump_encoding);

// Whether read_entry_data can read the archive's tables apart (and so in parallel).
bool tables_readable_apart(const dump::ArchiveToc& toc);

}  // namespace pgverify
