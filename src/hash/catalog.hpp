#pragma once

// Which relations hold data to hash, and how to read each one.

#include <cstdint>
#include <string>
#include <vector>

#include "pg/session.hpp"

namespace pgverify::hash {

enum class Mode { text, binary };
std::string_view to_string(Mode mode);

enum class RelationKind { table, partition, partitioned, matview };
std::string_view to_string(RelationKind kind);

struct ColumnSpec {
  std::string ident;           // quoted as PostgreSQL needs ("Body", id)
  bool binary_as_text = false;  // its binary form embeds a type OID: read as text in binary mode
};

struct RelationSpec {
  std::string name;    // schema-qualified, quoted: public."Messages"
  std::string plain_name;  // unquoted: public.Messages (what filters match)
  RelationKind kind = RelationKind::table;
  std::string parent;  // partitions: the partitioned table they belong to
  std::vector<ColumnSpec> columns;  // attnum order; no dropped or generated columns (as pg_dump)
  // The heap's pages at discovery (from its size, not relpages, which is an
  // estimate and 0 until the first VACUUM or ANALYZE), to plan ctid ranges.
  std::uint64_t pages = 0;
  // pg_table_size: heap and TOAST. A vector(1536) is 6 kB and lives in TOAST,
  // so the heap alone says little about how much reading a table takes.
  std::uint64_t bytes = 0;
  bool populated = true;    // materialized views can be unpopulated
};

// Include/exclude patterns on schema-qualified names ("public.*", "audit.log_*"):
// `*` any run, `?` one character; unquoted, as the names read.
struct TableFilter {
  std::vector<std::string> include;  // empty: everything
  std::vector<std::string> exclude;
  bool matches(const std::string& unquoted_name) const;
};

// Every user table, partition, partitioned table and materialized view of every
// non-system schema (extension-owned relations left out, as pg_dump leaves their
// data out), filtered, sorted by name. Partitioned tables hold no rows themselves;
// their digest is the sum of their partitions'.
std::vector<RelationSpec> discover_relations(pg::Session& session, const TableFilter& filter);

// The COPY statement that reads a relation (or the ctid range [first_page,
// end_page) of it; end_page 0 = to the end) the way pg_dump does in text mode.
std::string copy_statement(const RelationSpec& relation, Mode mode, std::uint64_t first_page = 0,
                           std::uint64_t end_page = 0, bool chunked = false);

// The select list hashed, as recorded in the manifest.
std::vector<std::string> hashed_columns(const RelationSpec& relation, Mode mode);

bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace pgverify::hash
