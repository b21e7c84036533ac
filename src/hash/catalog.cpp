#include "hash/catalog.hpp"

#include <algorithm>
#include <map>

#include "pg/ident.hpp"

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

bool TableFilter::matches(const std::string& unquoted_name, const std::string& shown_name) const {
  auto any = [&](const std::vector<std::string>& patterns) {
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
      return glob_match(pattern, unquoted_name) || (!shown_name.empty() && glob_match(pattern, shown_name));
    });
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
  // CREATE EXTENSION and not their data, but for configuration tables
  // (pg_extension_config_dump), whose rows it dumps where their condition
  // selects them (pg_dump.c, processExtensionTables).
  auto relations = session.query(std::string(
      "SELECT c.oid, pg_catalog.format('%I.%I', n.nspname, c.relname), n.nspname || '.' || c.relname, "
      "       c.relkind, c.relispartition, "
      "       (SELECT pg_catalog.format('%I.%I', pn.nspname, pc.relname) FROM pg_catalog.pg_inherits i "
      "          JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent "
      "          JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace "
      "         WHERE i.inhrelid = c.oid AND c.relispartition), "
      "       pg_catalog.pg_relation_size(c.oid) / pg_catalog.current_setting('block_size')::bigint, "
      "       pg_catalog.pg_table_size(c.oid), c.relispopulated, x.condition, "
      // The highest ancestor whose partition key uses hash enum_ops (pg_dump's test).
      "       (WITH RECURSIVE up(relid, depth) AS ("
      "          SELECT i.inhparent, 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid AND c.relispartition "
      "          UNION ALL "
      "          SELECT i.inhparent, u.depth + 1 FROM up u "
      "            JOIN pg_catalog.pg_class uc ON uc.oid = u.relid AND uc.relispartition "
      "            JOIN pg_catalog.pg_inherits i ON i.inhrelid = u.relid) "
      "        SELECT pg_catalog.format('%I.%I', an.nspname, ac.relname) FROM up "
      "          JOIN pg_catalog.pg_partitioned_table pt ON pt.partrelid = up.relid "
      "          JOIN pg_catalog.pg_class ac ON ac.oid = up.relid "
      "          JOIN pg_catalog.pg_namespace an ON an.oid = ac.relnamespace "
      "         WHERE (SELECT oc.oid FROM pg_catalog.pg_opclass oc JOIN pg_catalog.pg_am am ON am.oid = oc.opcmethod "
      "                 WHERE oc.opcname = 'enum_ops' AND oc.opcnamespace = 'pg_catalog'::pg_catalog.regnamespace "
      "                   AND am.amname = 'hash') = ANY(pt.partclass) "
      "         ORDER BY up.depth DESC LIMIT 1) "
      "  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "  LEFT JOIN (SELECT u.relid, u.condition "
      "               FROM pg_catalog.pg_extension e, "
      "                    LATERAL ROWS FROM (pg_catalog.unnest(e.extconfig), pg_catalog.unnest(e.extcondition)) AS u(relid, condition)) x "
      "         ON x.relid = c.oid "
      " WHERE c.relkind IN ('r', 'p', 'm') AND c.relpersistence <> 't' AND ") +
      user_schema_condition +
      "   AND (x.relid IS NOT NULL OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
      "                    WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
      "                      AND d.objid = c.oid AND d.deptype = 'e')) "
      " ORDER BY 2");

  // PostgreSQL 12 added generated columns; pg_dump leaves them out of COPY.
  const std::string generated = version >= 120000 ? " AND a.attgenerated = ''" : "";
  // PostgreSQL 14 added multirange types, whose binary form is their ranges'.
  const std::string multirange =
      version >= 140000 ? ", ((SELECT r.rngtypid FROM pg_catalog.pg_range r WHERE r.rngmultitypid = t.oid))" : "";
  // Which columns binary mode must read as text, from the catalogs and never
  // from a list of types: follow each column's type through domains, array
  // elements, range subtypes and multiranges' ranges; if any type on the way
  // has no binary send function (typsend 0), or puts an OID into its binary
  // form that differs between clusters (a composite's attribute types, an
  // array's element type when it is not built in, an OID alias type: one
  // binary-coercible to oid whose text form is not the number itself, as
  // oid's and int4's are, so regclass, regtype and the like, which send the
  // OID and print the name), the column is read as text.
  auto columns = session.query(std::string(
      "WITH RECURSIVE used AS ("
      "  SELECT a.attrelid, a.attnum, a.attname, a.atttypid, a.atttypmod "
      "    FROM pg_catalog.pg_attribute a "
      "    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
      "    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "   WHERE c.relkind IN ('r', 'm') AND a.attnum > 0 AND NOT a.attisdropped AND ") +
      user_schema_condition + generated +
      "), reaches(root, typ) AS ("
      "  SELECT DISTINCT atttypid, atttypid FROM used "
      "  UNION "
      "  SELECT r.root, d.dep FROM reaches r JOIN pg_catalog.pg_type t ON t.oid = r.typ "
      "   CROSS JOIN LATERAL (VALUES (CASE WHEN t.typtype = 'd' THEN t.typbasetype END), "
      "                              (CASE WHEN t.typelem <> 0 AND t.typlen = -1 THEN t.typelem END), "
      "                              ((SELECT r.rngsubtype FROM pg_catalog.pg_range r WHERE r.rngtypid = t.oid))" +
      multirange +
      ") d(dep) "
      "   WHERE d.dep IS NOT NULL AND d.dep <> 0"
      "), as_text AS ("
      "  SELECT DISTINCT r.root FROM reaches r JOIN pg_catalog.pg_type t ON t.oid = r.typ "
      "   WHERE t.typsend = 0 OR t.typtype = 'c' "
      "      OR (t.typelem >= 16384 AND t.typlen = -1) "
      "      OR (t.typinput NOT IN (SELECT p.typinput FROM pg_catalog.pg_type p "
      "                              WHERE p.oid IN ('pg_catalog.oid'::pg_catalog.regtype, "
      "                                              'pg_catalog.int4'::pg_catalog.regtype)) "
      "          AND EXISTS (SELECT 1 FROM pg_catalog.pg_cast k WHERE k.castsource = t.oid "
      "                         AND k.casttarget = 'pg_catalog.oid'::pg_catalog.regtype AND k.castmethod = 'b'))"
      ") "
      "SELECT u.attrelid, pg_catalog.quote_ident(u.attname), u.atttypid IN (SELECT root FROM as_text), "
      "       pg_catalog.format_type(u.atttypid, u.atttypmod) "
      "  FROM used u ORDER BY u.attrelid, u.attnum");

  std::map<std::string, std::vector<ColumnSpec>> columns_of;
  for (const auto& row : columns.rows) {
    const std::string quoted = row[1].value_or("");
    columns_of[row[0].value_or("")].push_back(
        {pg::canonical_text(quoted), row[2].value_or("f") == "t", row.size() > 3 ? row[3].value_or("") : "", quoted});
  }

  std::vector<RelationSpec> out;
  for (const auto& row : relations.rows) {
    RelationSpec relation;
    relation.sql_name = row[1].value_or("");
    relation.name = pg::canonical_text(relation.sql_name);
    relation.plain_name = row[2].value_or("");
    if (!filter.matches(relation.plain_name, relation.name)) continue;
    const std::string relkind = row[3].value_or("");
    const bool is_partition = row[4].value_or("f") == "t";
    relation.kind = relkind == "p"   ? RelationKind::partitioned
                    : relkind == "m" ? RelationKind::matview
                    : is_partition   ? RelationKind::partition
                                     : RelationKind::table;
    if (is_partition) relation.parent = pg::canonical_text(row[5].value_or(""));
    relation.pages = to_u64(row[6]);
    relation.bytes = to_u64(row[7]);
    relation.populated = row[8].value_or("t") == "t";
    if (row.size() > 9 && row[9]) {
      relation.extension_config = true;
      relation.filter = *row[9];
    }
    if (row.size() > 10 && row[10]) relation.placed_by = pg::canonical_text(*row[10]);
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

std::vector<PlannedColumn> plan_from_select_list(const std::vector<std::string>& select_list,
                                                 const std::vector<std::string>& types) {
  constexpr std::string_view cast = "::text";
  std::vector<PlannedColumn> plan;
  for (std::size_t i = 0; i < select_list.size(); ++i) {
    PlannedColumn column;
    const std::string& entry = select_list[i];
    column.as_text = entry.size() > cast.size() && entry.compare(entry.size() - cast.size(), cast.size(), cast) == 0;
    column.ident = column.as_text ? entry.substr(0, entry.size() - cast.size()) : entry;
    if (i < types.size()) column.type = types[i];
    plan.push_back(std::move(column));
  }
  return plan;
}

void apply_column_plan(RelationSpec& relation, const std::vector<PlannedColumn>& plan) {
  std::map<std::string, const ColumnSpec*> present;
  for (const auto& column : relation.columns) present[column.ident] = &column;
  std::vector<ColumnSpec> planned;
  for (const auto& wanted : plan) {
    auto it = present.find(wanted.ident);
    if (it == present.end()) {
      relation.missing_columns.push_back(wanted.ident);
      continue;
    }
    if (!wanted.type.empty() && wanted.type != it->second->type)
      relation.changed_types.push_back(wanted.ident + ": " + wanted.type + " in the baseline, " + it->second->type +
                                       " here");
    planned.push_back({wanted.ident, wanted.as_text, it->second->type, it->second->sql});
    present.erase(it);
  }
  for (const auto& column : relation.columns)
    if (present.count(column.ident)) relation.extra_columns.push_back(column.ident);
  relation.columns = std::move(planned);
}

std::string copy_statement(const RelationSpec& relation, Mode mode, std::uint64_t first_page,
                           std::uint64_t end_page, bool chunked) {
  // SQL to this relation's own server: its own quoting (or, for a spec made
  // by hand, the canonical one, which is valid SQL as well).
  std::string joined;
  for (const auto& column : relation.columns) {
    const std::string& ident = column.sql.empty() ? column.ident : column.sql;
    joined += (joined.empty() ? "" : ", ") + ident + (mode == Mode::binary && column.binary_as_text ? "::text" : "");
  }
  const std::string& table = relation.sql_name.empty() ? relation.name : relation.sql_name;
  const bool any_cast = mode == Mode::binary &&
                        std::any_of(relation.columns.begin(), relation.columns.end(),
                                    [](const ColumnSpec& c) { return c.binary_as_text; });
  const std::string options = mode == Mode::binary ? " (FORMAT binary)" : "";

  // pg_dump's own statement, COPY t (cols) TO stdout, for a plain table read
  // whole; a query otherwise (materialized views, chunks, casts, an extension
  // configuration table's condition). Both give the same bytes per row.
  if (!chunked && !any_cast && relation.kind != RelationKind::matview && !relation.extension_config) {
    return "COPY " + table + (joined.empty() ? "" : " (" + joined + ")") + " TO STDOUT" + options;
  }
  // A table without columns: SELECT with an empty list is valid SQL and
  // gives one empty row per row, as COPY t does.
  const std::string select = "SELECT " + joined + (joined.empty() ? "" : " ");
  if (relation.extension_config) {
    // As pg_dump reads it (dumpTableData_copy): without ONLY, the condition as written.
    return "COPY (" + select + "FROM " + table + (relation.filter.empty() ? "" : " " + relation.filter) +
           ") TO STDOUT" + options;
  }
  std::string where;
  if (chunked) {
    where = " WHERE ctid >= '(" + std::to_string(first_page) + ",0)'::pg_catalog.tid";
    if (end_page) where += " AND ctid < '(" + std::to_string(end_page) + ",0)'::pg_catalog.tid";
  }
  return "COPY (" + select + "FROM ONLY " + table + where + ") TO STDOUT" + options;
}

}  // namespace pgverify::hash
