#pragma once

// Which relations hold data to hash, and how to read each one.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pg/session.hpp"

namespace pgverify::hash {

enum class Mode { text, binary };
std::string_view to_string(Mode mode);

enum class RelationKind { table, partition, partitioned, matview };
std::string_view to_string(RelationKind kind);

struct ColumnSpec {
  std::string ident;           // canonical spelling (pg/ident.hpp): "Body", id, json

  // Binary mode reads it as text: its type has no binary send function
  // (aclitem, a base type declared without send/receive), or its binary form
  // embeds OIDs that differ between clusters (composites, arrays of
  // user-defined types, reg* types, domains over any of these).
  bool binary_as_text = false;
  std::string type;            // format_type, with its modifier: "character varying(20)"
  std::string sql;             // as the server it came from quotes it, for SQL sent to that server
};

// How post reads a table: the baseline's columns by name, in the baseline's
// order, each as the baseline read it (as text or not in binary mode).
struct PlannedColumn {
  std::string ident;
  bool as_text = false;
  std::string type;  // the baseline's; empty when it did not record types
};
using ColumnPlans = std::map<std::string, std::vector<PlannedColumn>>;  // by RelationSpec::name

struct RelationSpec {
  std::string name;    // schema-qualified, canonical spelling (pg/ident.hpp): public."Messages"
  std::string sql_name;  // as the server quotes it, for SQL sent to it
  std::string plain_name;  // unquoted: public.Messages (what filters match)
  RelationKind kind = RelationKind::table;
  std::string parent;  // partitions: the partitioned table they belong to
  // Set below a table hash-partitioned on an enum (its highest such ancestor):
  // an enum hashes by OID, which differs between clusters, so pg_dump loads
  // these rows through the partition root and the target places them in
  // partitions of its own choosing under that table (pg_dump.c,
  // forcePartitionRootLoad). Rows are then compared through it, not here.
  std::string placed_by;
  std::vector<ColumnSpec> columns;  // attnum order; no dropped or generated columns (as pg_dump)
  // The heap's pages at discovery (from its size, not relpages, which is an
  // estimate and 0 until the first VACUUM or ANALYZE), to plan ctid ranges.
  std::uint64_t pages = 0;
  // pg_table_size: heap and TOAST. A vector(1536) is 6 kB and lives in TOAST,
  // so the heap alone says little about how much reading a table takes.
  std::uint64_t bytes = 0;
  bool populated = true;    // materialized views can be unpopulated
  // An extension's configuration table (pg_extension_config_dump): pg_dump
  // dumps only the rows its condition selects ("WHERE ..."; empty: all), and
  // so only those are hashed.
  bool extension_config = false;
  std::string filter;
  // After a column plan: the planned columns the table lacks (it is not read
  // then), the columns it has beyond the plan (not read), and the planned
  // columns whose type differs ("c: integer in the baseline, bigint here").
  std::vector<std::string> missing_columns;
  std::vector<std::string> extra_columns;
  std::vector<std::string> changed_types;
};

// Include/exclude patterns on schema-qualified names ("public.*", "audit.log_*"):
// `*` any run, `?` one character; unquoted, as the names read.
struct TableFilter {
  std::vector<std::string> include;  // empty: everything
  std::vector<std::string> exclude;
  // A pattern matches the name unquoted ("public.Odd Name") or as reports show
  // it, quoted where PostgreSQL needs it ("public.\"Odd Name\""), so a name
  // copied from a report selects its table.
  bool matches(const std::string& unquoted_name, const std::string& shown_name = "") const;
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

// A recorded select list back as planned columns ("x::text" is x read as
// text; a quoted identifier ends in a quote and an unquoted one holds no
// colon, so the suffix cannot be part of a name). `types` may be empty.
std::vector<PlannedColumn> plan_from_select_list(const std::vector<std::string>& select_list,
                                                 const std::vector<std::string>& types);

// Makes the relation read the planned columns, by name and in the plan's
// order, and notes which are missing, extra or of another type.
void apply_column_plan(RelationSpec& relation, const std::vector<PlannedColumn>& plan);

bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace pgverify::hash
