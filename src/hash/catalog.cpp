#include "hash/catalog.hpp"

#include <algorithm>
#include <map>

namespace pgverify::hash {

std::string_view to_string(Mode mode) { return mode == Mode::text ? "text" : "binary"; }

std::string_view to_string(RelationKind kind) {
  switch (kind) {
    case RelationKind::table: return "table";
    case RelationKind::partition: return "partition";
    case RelationKind::partitioned: return "partitioned";
    case RelationKind::matview: return "matview";
  }
  return "table";
}

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matcher with one backtrack point: linear for the patterns people write.
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool TableFilter::matches(const std::string& unquoted_name) const {
  auto any = [&](const std::vector<std::string>& patterns) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& pattern) { return glob_match(pattern, unquoted_name); });
  };
  if (!include.empty() && !any(include)) return false;
  return !any(exclude);
}

namespace {

// Schemas whose relations are PostgreSQL's own.
constexpr const char* user_schema_condition =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast' "
    "AND n.nspname !~ '^pg_temp_'";

std::uint64_t to_u64(const pg::Cell& cell) {
  if (!cell || cell->empty() || (*cell)[0] == '-') return 0;
  return std::stoull(*cell);
}

}  // namespace

std::vector<RelationSpec> discover_relations(pg::Session& session, const TableFilter& filter) {
  const int version = session.server_version_num();
  if (version < 100000)
    throw pg::PgError(session.describe() + ": PostgreSQL " + pg::format_server_version(version) +
                      " is older than 10, which pgverify does not hash");

  // Extension members are left out: pg_dump dumps their definitions through
  // CREATE EXTENSION and not their data (pg_extension_config_dump aside).
  auto relations = session.query(std::string(
      "SELECT c.oid, pg_catalog.format('%I.%I', n.nspname, c.relname), n.nspname || '.' || c.relname, "
      "       c.relkind, c.relispartition, "
      "       (SELECT pg_catalog.format('%I.%I', pn.nspname, pc.relname) FROM pg_catalog.pg_inherits i "
      "          JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent "
      "          JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace "
      "         WHERE i.inhrelid = c.oid AND c.relispartition), "
      "       pg_catalog.pg_relation_size(c.oid) / pg_catalog.current_setting('block_size')::bigint, "
      "       pg_catalog.pg_table_size(c.oid), c.relispopulated "
      "  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      " WHERE c.relkind IN ('r', 'p', 'm') AND c.relpersistence <> 't' AND ") +
      user_schema_condition +
      "   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
      "                    WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
      "                      AND d.objid = c.oid AND d.deptype = 'e') "
      " ORDER BY 2");

  // PostgreSQL 12 added generated columns; pg_dump leaves them out of COPY.
  const std::string generated = version >= 120000 ? " AND a.attgenerated = ''" : "";
  // A column's binary form embeds type OIDs, which differ between clusters, when
  // it is a composite or an array of a user-defined or composite type (domains
  // looked through one level). Such columns are read as text in binary mode.
  auto columns = session.query(std::string(
      "SELECT a.attrelid, pg_catalog.quote_ident(a.attname), "
      "       (bt.typtype = 'c' OR (bt.typcategory = 'A' AND (bt.typelem >= 16384 OR et.typtype = 'c'))) "
      "  FROM pg_catalog.pg_attribute a "
      "  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
      "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
      "  JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END "
      "  LEFT JOIN pg_catalog.pg_type et ON et.oid = bt.typelem "
      " WHERE c.relkind IN ('r', 'm') AND a.attnum > 0 AND NOT a.attisdropped AND ") +
      user_schema_condition + generated + " ORDER BY a.attrelid, a.attnum");

  std::map<std::string, std::vector<ColumnSpec>> columns_of;
  for (const auto& row : columns.rows)
    columns_of[row[0].value_or("")].push_back({row[1].value_or(""), row[2].value_or("f") == "t"});

  std::vector<RelationSpec> out;
  for (const auto& row : relations.rows) {
    RelationSpec relation;
    relation.name = row[1].value_or("");
    relation.plain_name = row[2].value_or("");
    if (!filter.matches(relation.plain_name)) continue;
    const std::string relkind = row[3].value_or("");
    const bool is_partition = row[4].value_or("f") == "t";
    relation.kind = relkind == "p"   ? RelationKind::partitioned
                    : relkind == "m" ? RelationKind::matview
                    : is_partition   ? RelationKind::partition
                                     : RelationKind::table;
    if (is_partition) relation.parent = row[5].value_or("");
    relation.pages = to_u64(row[6]);
    relation.bytes = to_u64(row[7]);
    relation.populated = row[8].value_or("t") == "t";
    if (auto it = columns_of.find(row[0].value_or("")); it != columns_of.end())
      relation.columns = std::move(it->second);
    out.push_back(std::move(relation));
  }
  return out;
}

std::vector<std::string> hashed_columns(const RelationSpec& relation, Mode mode) {
  std::vector<std::string> out;
  for (const auto& column : relation.columns)
    out.push_back(mode == Mode::binary && column.binary_as_text ? column.ident + "::text" : column.ident);
  return out;
}

std::string copy_statement(const RelationSpec& relation, Mode mode, std::uint64_t first_page,
                           std::uint64_t end_page, bool chunked) {
  std::vector<std::string> list = hashed_columns(relation, mode);
  std::string joined;
  for (const auto& c : list) joined += (joined.empty() ? "" : ", ") + c;
  const bool any_cast = mode == Mode::binary &&
                        std::any_of(relation.columns.begin(), relation.columns.end(),
                                    [](const ColumnSpec& c) { return c.binary_as_text; });
  const std::string options = mode == Mode::binary ? " (FORMAT binary)" : "";

  // pg_dump's own statement, COPY t (cols) TO stdout, for a plain table read
  // whole; a query otherwise (materialized views, chunks, casts). Both give the
  // same bytes per row.
  if (!chunked && !any_cast && relation.kind != RelationKind::matview) {
    return "COPY " + relation.name + (joined.empty() ? "" : " (" + joined + ")") + " TO STDOUT" + options;
  }
  std::string where;
  if (chunked) {
    where = " WHERE ctid >= '(" + std::to_string(first_page) + ",0)'::pg_catalog.tid";
    if (end_page) where += " AND ctid < '(" + std::to_string(end_page) + ",0)'::pg_catalog.tid";
  }
  return "COPY (SELECT " + joined + " FROM ONLY " + relation.name + where + ") TO STDOUT" + options;
}

}  // namespace pgverify::hash
