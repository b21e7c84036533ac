// cli/table_listing: the one way pgverify hash and pgverify dump verify show
// tables and their hashes, as text for a person and as JSON for a program, so
// a live database's listing and a dump's compare line by line.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hash/digest.hpp"
#include "hash/large_objects.hpp"

namespace pgverify::cli {

struct ListedTable {
  std::string name;  // as PostgreSQL quotes it; shown through text::printable
  // nullopt: not hashed; `note` says why (INSERT statements, a skipped relation).
  std::optional<hash::TableDigest> digest;
  std::string mode;       // text | binary | inserts
  std::string kind;       // empty for a plain table; partition, partitioned, matview
  std::string placed_by;  // the table whose rows a restore places anew (hash::RelationSpec::placed_by)
  std::string note;
  bool in_json = true;  // a relation hash skipped is shown, not listed in JSON
};

struct TableListing {
  std::string mode;  // the HASH column's heading: HASH (text)
  std::vector<ListedTable> tables;
  std::optional<hash::LargeObjectSummary> large_objects;  // nullopt: not hashed
};

// TABLE, ROWS and HASH columns, one line a table, then the large objects.
void print_listing(std::ostream& out, const TableListing& listing);

// "tables": [...] and, when hashed, "large_objects": {...}, added to `root` in that order.
void add_listing_json(nlohmann::ordered_json& root, const TableListing& listing);

}  // namespace pgverify::cli
