#include "inventory/schema_inventory.hpp"

#include "inventory/queries.hpp"
#include "pg/acl_sql.hpp"
#include "pg/ident.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <string>
#include <tuple>

namespace pgverify::inventory {

namespace {

using namespace detail;

void require_pg10(const pg::Session& session, const std::string& what) {
  const int version = session.server_version_num();
  // pg_sequence, pg_sequences, identity columns and partitioning start with PostgreSQL 10.
  if (version < 100000)
    throw pg::PgError(session.describe() + ": PostgreSQL " + pg::format_server_version(version) +
                      " is older than 10, whose " + what + " pgverify does not read");
}

// pg_get_indexdef, pg_get_constraintdef, format_type and pg_get_expr qualify a
// name only when the search_path would not find it, so one schema prints
// differently under different settings (ALTER ROLE ... SET search_path, options
// in a DSN). With an empty search_path, as pg_dump uses, every name outside
// pg_catalog is schema-qualified. The session's own setting is put back after.
class EmptySearchPath {
 public:
  explicit EmptySearchPath(pg::Session& session) : m_session(session) {
    m_saved = session.query("SELECT pg_catalog.current_setting('search_path')").at(0, 0).value_or("");
    session.query("SELECT pg_catalog.set_config('search_path', '', false)");
  }
  ~EmptySearchPath() {
    try {
      m_session.query("SELECT pg_catalog.set_config('search_path', $1, false)", {m_saved});
    } catch (const std::exception&) {
      // The session failed; whoever uses it next sees that error themselves.
    }
  }
  EmptySearchPath(const EmptySearchPath&) = delete;
  EmptySearchPath& operator=(const EmptySearchPath&) = delete;

 private:
  pg::Session& m_session;
  std::string m_saved;
};


std::string schemas_query() {
  return tagged("schema",
                "SELECT pg_catalog.format('%I', n.nspname), "
                "       'owner=' || pg_catalog.pg_get_userbyid(n.nspowner) "
                "  FROM pg_catalog.pg_namespace n "
                " WHERE " + std::string(user_schema_condition) +
                "   AND " + not_extension_member("pg_namespace", "n.oid"));
}

// A relation's parents: the partitioned table of a partition, the tables an
// inheritance child inherits from, in declaration order.
constexpr const char* parents_of_relation =
    "(SELECT pg_catalog.string_agg(pg_catalog.format('%I.%I', pn.nspname, pc.relname), ', ' "
    "                              ORDER BY i.inhseqno) "
    "   FROM pg_catalog.pg_inherits i "
    "   JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent "
    "   JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace "
    "  WHERE i.inhrelid = c.oid)";


std::string tables_query() {
  return tagged(
      "table",
      std::string("SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), "
                  "       CASE c.relpersistence WHEN 'u' THEN 'unlogged ' ELSE '' END "
                  "       || CASE c.relkind WHEN 'p' THEN 'partitioned table' "
                  "                         WHEN 'f' THEN 'foreign table' ELSE 'table' END "
                  "       || ' owner=' || pg_catalog.pg_get_userbyid(c.relowner) "
                  // Storage parameters and the replica identity logical
                  // replication keys updates by: pg_dump writes both.
                  "       || COALESCE(' with (' || (SELECT pg_catalog.string_agg(o, ', ' ORDER BY o COLLATE \"C\") "
                  "                                    FROM pg_catalog.unnest(c.reloptions) o) || ')', '') "
                  "       || CASE c.relreplident WHEN 'f' THEN ' replica identity full' "
                  "                              WHEN 'n' THEN ' replica identity nothing' "
                  "                              WHEN 'i' THEN ' replica identity using ' "
                  "                                || COALESCE((SELECT pg_catalog.format('%I', ri.relname) "
                  "                                               FROM pg_catalog.pg_index x "
                  "                                               JOIN pg_catalog.pg_class ri ON ri.oid = x.indexrelid "
                  "                                              WHERE x.indrelid = c.oid AND x.indisreplident), '?') "
                  "                              ELSE '' END "
                  "       || COALESCE((SELECT ' server=' || pg_catalog.format('%I', s.srvname) "
                  "                      FROM pg_catalog.pg_foreign_table ft "
                  "                      JOIN pg_catalog.pg_foreign_server s ON s.oid = ft.ftserver "
                  "                     WHERE ft.ftrelid = c.oid), '') "
                  "       || CASE WHEN c.relkind = 'p' "
                  "               THEN ' partition by ' || pg_catalog.pg_get_partkeydef(c.oid) ELSE '' END "
                  "       || CASE WHEN c.relispartition "
                  "               THEN ' partition of ' || ") +
          parents_of_relation +
          " || ' ' || pg_catalog.pg_get_expr(c.relpartbound, c.oid) "
          "               ELSE COALESCE(' inherits ' || " +
          parents_of_relation +
          ", '') END "
          "  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          " WHERE c.relkind IN ('r', 'p', 'f') AND" +
          relation_conditions());
}

// Not the query's text: each major deparses a view's query its own way
// (PostgreSQL 16 stopped printing the FROM-clause aliases it used to add, for
// one), so the text of a correctly restored view differs from the source's.
// What it reads instead: the tables and columns its query refers to (its
// _RETURN rule's dependencies), which a re-parsed copy of the same query
// shares on every major and another query (a dropped WHERE, a lost join)
// does not. And its options (security_barrier, security_invoker,
// check_option).
std::string views_query() {
  return tagged("view",
                "SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), "
                "       CASE c.relkind WHEN 'm' THEN 'materialized view' ELSE 'view' END "
                "       || ' owner=' || pg_catalog.pg_get_userbyid(c.relowner) "
                "       || COALESCE(' with (' || (SELECT pg_catalog.string_agg(o, ', ' ORDER BY o COLLATE \"C\") "
                "                                   FROM pg_catalog.unnest(c.reloptions) o) || ')', '') "
                "       || COALESCE(' reads ' || (SELECT pg_catalog.string_agg(x.ref, ', ' ORDER BY x.ref COLLATE \"C\") "
                "            FROM (SELECT DISTINCT pg_catalog.format('%I.%I', rn.nspname, rc.relname) "
                "                         || CASE WHEN d.refobjsubid > 0 "
                "                                 THEN '.' || pg_catalog.quote_ident(ra.attname) ELSE '' END AS ref "
                "                    FROM pg_catalog.pg_rewrite r "
                "                    JOIN pg_catalog.pg_depend d "
                "                      ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objid = r.oid "
                "                     AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass "
                "                    JOIN pg_catalog.pg_class rc ON rc.oid = d.refobjid "
                "                    JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
                "                    LEFT JOIN pg_catalog.pg_attribute ra "
                "                      ON ra.attrelid = d.refobjid AND ra.attnum = d.refobjsubid "
                "                   WHERE r.ev_class = c.oid AND r.rulename = '_RETURN' AND d.refobjid <> c.oid "
                // The user's functions it calls (PostgreSQL's own may differ between majors).
                "                  UNION "
                "                  SELECT d.refobjid::pg_catalog.regprocedure::text "
                "                    FROM pg_catalog.pg_rewrite r "
                "                    JOIN pg_catalog.pg_depend d "
                "                      ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objid = r.oid "
                "                     AND d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass "
                "                    JOIN pg_catalog.pg_proc fp ON fp.oid = d.refobjid "
                "                    JOIN pg_catalog.pg_namespace fn ON fn.oid = fp.pronamespace "
                "                   WHERE r.ev_class = c.oid AND r.rulename = '_RETURN' "
                "                     AND fn.nspname NOT IN ('pg_catalog', 'information_schema')) x), '') "
                "  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                " WHERE c.relkind IN ('v', 'm') AND" +
                    relation_conditions());
}

// A view's query as this server deparses it, kept as it prints (not in
// canonical spelling): post deparses it again on the target to compare
// (align_view_queries), since each major prints a query its own way.
std::string view_queries_query() {
  return tagged("view query",
                "SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), pg_catalog.pg_get_viewdef(c.oid) "
                "  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                " WHERE c.relkind IN ('v', 'm') AND" +
                    relation_conditions());
}

std::string columns_query(int version) {
  const std::string default_expr = "pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)";
  const std::string plain_default = "COALESCE(' default ' || " + default_expr + ", '')";
  // PostgreSQL 12 added stored generated columns (attgenerated 's'), 18 virtual
  // ones ('v'); their expression sits where a default would.
  const std::string default_or_generated =
      version >= 120000 ? "CASE a.attgenerated "
                          "  WHEN 's' THEN ' generated always as (' || " + default_expr + " || ') stored' "
                          "  WHEN 'v' THEN ' generated always as (' || " + default_expr + " || ') virtual' "
                          "  ELSE " + plain_default + " END"
                        : plain_default;
  return tagged(
      "column",
      "SELECT pg_catalog.format('%I.%I.%I', n.nspname, c.relname, a.attname), "
      "       pg_catalog.format_type(a.atttypid, a.atttypmod) "
      "       || CASE WHEN a.attcollation <> t.typcollation "
      "               THEN ' collate ' || (SELECT pg_catalog.format('%I.%I', cn.nspname, co.collname) "
      "                                      FROM pg_catalog.pg_collation co "
      "                                      JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
      "                                     WHERE co.oid = a.attcollation) ELSE '' END "
      "       || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END "
      // PostgreSQL 17 gives a partition its partitioned table's identity
      // (attidentity), 15 and 16 do not: it follows from the parent's column.
      "       || CASE WHEN c.relispartition THEN '' ELSE CASE a.attidentity WHEN 'a' THEN ' generated always as identity' "
      "                             WHEN 'd' THEN ' generated by default as identity' ELSE '' END END "
      "       || " + default_or_generated + " "
      "  FROM pg_catalog.pg_attribute a "
      "  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
      "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
      "  LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum "
      " WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped AND" +
          relation_conditions());
}

// Invalid indexes (a failed CREATE INDEX CONCURRENTLY) are left out, as pg_dump
// leaves them out of the dump; a partitioned table's index counts while it waits
// for its partitions' indexes, as pg_dump counts it.
std::string indexes_query() {
  return tagged("index",
                "SELECT pg_catalog.format('%I.%I', n.nspname, ic.relname), "
                "       pg_catalog.pg_get_indexdef(i.indexrelid) "
                "  FROM pg_catalog.pg_index i "
                "  JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
                "  JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
                "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                " WHERE (i.indisvalid OR c.relkind = 'p') AND" +
                    relation_conditions());
}

std::string constraints_query(int version) {
  // PostgreSQL 18 records NOT NULL as constraints (contype 'n') named
  // TABLE_COLUMN_not_null; older majors do not, so a PG17 source and its PG18
  // restore would differ for every NOT NULL column. The column's detail says
  // "not null" on every major instead.
  // PostgreSQL 11 clones a partitioned table's constraints onto its partitions
  // (conparentid); the restore recreates them from the parent, so they follow
  // from the parent's entry and their generated names may differ.
  const std::string not_cloned = version >= 110000 ? " AND co.conparentid = 0" : "";
  return tagged("constraint",
                "SELECT pg_catalog.format('%I.%I.%I', n.nspname, c.relname, co.conname), "
                "       pg_catalog.pg_get_constraintdef(co.oid) "
                "  FROM pg_catalog.pg_constraint co "
                "  JOIN pg_catalog.pg_class c ON c.oid = co.conrelid "
                "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                " WHERE co.contype <> 'n'" + not_cloned + " AND" + relation_conditions());
}

std::string functions_query(int version) {
  // PostgreSQL 11 replaced proisagg/proiswindow with prokind and added procedures.
  const std::string prokind =
      version >= 110000 ? "p.prokind"
                        : "CASE WHEN p.proisagg THEN 'a' WHEN p.proiswindow THEN 'w' ELSE 'f' END";
  // The body as written (pg_dump copies prosrc byte for byte), as an MD5 so
  // the manifest stays small; a SQL-standard body (PostgreSQL 14, BEGIN
  // ATOMIC / RETURN) is stored parsed and deparsed by each major its own way,
  // like a view's query, so it is not compared.
  const std::string body =
      std::string(version >= 140000 ? "CASE WHEN p.prosqlbody IS NOT NULL THEN ' body sql-standard' ELSE " : "(") +
      // In UTF-8: the same characters hash alike in a LATIN1 source and a UTF8 target.
      "' body md5=' || pg_catalog.md5(pg_catalog.convert_to(p.prosrc, 'UTF8')) || COALESCE(' library ' || p.probin, '')" +
      (version >= 140000 ? " END" : ")");
  // An aggregate is its support functions, states and initial values; its
  // own prosrc is a placeholder. PostgreSQL 11 added aggfinalmodify.
  auto proc = [](const std::string& column) {
    return "CASE WHEN " + column + " = 0 THEN '-' ELSE " + column + "::pg_catalog.regprocedure::text END";
  };
  const std::string aggregate =
      "(SELECT ' kind ' || a.aggkind::text || ' sfunc ' || " + proc("a.aggtransfn") +
      " || ' stype ' || pg_catalog.format_type(a.aggtranstype, NULL) "
      " || COALESCE(' initcond ' || pg_catalog.quote_literal(a.agginitval), '') "
      " || ' finalfunc ' || " + proc("a.aggfinalfn") + " || CASE WHEN a.aggfinalextra THEN ' extra' ELSE '' END " +
      (version >= 110000 ? " || ' modify ' || a.aggfinalmodify::text || ' mmodify ' || a.aggmfinalmodify::text " : "") +
      " || ' combine ' || " + proc("a.aggcombinefn") + " || ' serial ' || " + proc("a.aggserialfn") +
      " || ' deserial ' || " + proc("a.aggdeserialfn") + " || ' msfunc ' || " + proc("a.aggmtransfn") +
      " || ' minvfunc ' || " + proc("a.aggminvtransfn") + " || ' mfinalfunc ' || " + proc("a.aggmfinalfn") +
      " || CASE WHEN a.aggmtranstype = 0 THEN '' ELSE ' mstype ' || pg_catalog.format_type(a.aggmtranstype, NULL) END "
      " || COALESCE(' minitcond ' || pg_catalog.quote_literal(a.aggminitval), '') "
      " || CASE WHEN a.aggsortop = 0 THEN '' ELSE ' sortop ' || a.aggsortop::pg_catalog.regoperator::text END "
      "   FROM pg_catalog.pg_aggregate a WHERE a.aggfnoid = p.oid)";
  // Functions PostgreSQL creates with another object and drops with it (a range
  // type's constructors; since 14 also its multirange's) are internal dependents.
  return tagged(
      "function",
      "SELECT pg_catalog.format('%I.%I(%s)', n.nspname, p.proname, "
      "                         pg_catalog.pg_get_function_identity_arguments(p.oid)), "
      "       CASE " + prokind + " WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' "
      "            WHEN 'w' THEN 'window function' ELSE 'function' END "
      "       || COALESCE(' returns ' || pg_catalog.pg_get_function_result(p.oid), '') "
      "       || ' owner=' || pg_catalog.pg_get_userbyid(p.proowner) "
      "       || ' language ' || pg_catalog.quote_ident(l.lanname) "
      "       || CASE p.provolatile WHEN 'i' THEN ' immutable' WHEN 's' THEN ' stable' ELSE ' volatile' END "
      "       || CASE WHEN p.proisstrict THEN ' strict' ELSE '' END "
      "       || CASE WHEN p.prosecdef THEN ' security definer' ELSE '' END "
      "       || CASE WHEN p.proleakproof THEN ' leakproof' ELSE '' END "
      "       || CASE p.proparallel WHEN 's' THEN ' parallel safe' WHEN 'r' THEN ' parallel restricted' ELSE '' END "
      "       || ' cost ' || p.procost::pg_catalog.numeric "
      "       || CASE WHEN p.proretset THEN ' rows ' || p.prorows::pg_catalog.numeric ELSE '' END "
      // A setting named like a secret keeps its name, not its value.
      "       || COALESCE(' set ' || (SELECT pg_catalog.string_agg(CASE WHEN pg_catalog.split_part(cfg, '=', 1) "
      "                                                                 ~* '(pass|secret|token|key)' "
      "                                                            THEN pg_catalog.split_part(cfg, '=', 1) "
      "                                                                 || '=(not recorded)' ELSE cfg END, "
      "                                                            ', ' ORDER BY cfg COLLATE \"C\") "
      "                                FROM pg_catalog.unnest(p.proconfig) cfg), '') "
      "       || COALESCE(" + aggregate + ", '') "
      "       || " + body + " "
      "  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
      "  JOIN pg_catalog.pg_language l ON l.oid = p.prolang "
      " WHERE " + std::string(user_schema_condition) +
          "   AND " + not_extension_member("pg_proc", "p.oid") +
          "   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
          "                    WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass "
          "                      AND d.objid = p.oid AND d.deptype = 'i')");
}

std::string triggers_query(int version) {
  // Internal triggers implement foreign keys. PostgreSQL 13 records which
  // partition triggers were cloned from a partitioned table's (tgparentid) and
  // 15 stopped marking them internal; like cloned constraints they follow from
  // the parent's entry.
  const std::string not_cloned = version >= 130000 ? " AND t.tgparentid = 0" : "";
  return tagged("trigger",
                "SELECT pg_catalog.format('%I.%I.%I', n.nspname, c.relname, t.tgname), "
                "       pg_catalog.pg_get_triggerdef(t.oid) "
                "       || CASE t.tgenabled WHEN 'D' THEN ' (disabled)' "
                "                           WHEN 'R' THEN ' (enabled replica)' "
                "                           WHEN 'A' THEN ' (enabled always)' ELSE '' END "
                "  FROM pg_catalog.pg_trigger t "
                "  JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
                "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                " WHERE NOT t.tgisinternal" + not_cloned + " AND" + relation_conditions());
}

// Every extension, also those in pg_catalog (plpgsql): the restore must have them.
std::string extensions_query() {
  return tagged("extension",
                "SELECT pg_catalog.format('%I', e.extname), 'schema=' || pg_catalog.format('%I', n.nspname) "
                "  FROM pg_catalog.pg_extension e "
                "  JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace");
}

std::string sequences_query() {
  return tagged("sequence",
                "SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), "
                "       pg_catalog.format_type(s.seqtypid, NULL) "
                "       || ' increment ' || s.seqincrement || ' minvalue ' || s.seqmin || ' maxvalue ' || s.seqmax "
                "       || ' start ' || s.seqstart || ' cache ' || s.seqcache "
                "       || CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END "
                // The column a serial or identity sequence belongs to (OWNED BY).
                "       || COALESCE((SELECT ' owned by ' || pg_catalog.format('%I.%I.%I', dn.nspname, dc.relname, da.attname) "
                "                      FROM pg_catalog.pg_depend d "
                "                      JOIN pg_catalog.pg_class dc ON dc.oid = d.refobjid "
                "                      JOIN pg_catalog.pg_namespace dn ON dn.oid = dc.relnamespace "
                "                      JOIN pg_catalog.pg_attribute da ON da.attrelid = d.refobjid "
                "                                                     AND da.attnum = d.refobjsubid "
                "                     WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid "
                "                       AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass "
                "                       AND d.deptype IN ('a', 'i') LIMIT 1), '') "
                "       || ' owner=' || pg_catalog.pg_get_userbyid(c.relowner) "
                "  FROM pg_catalog.pg_class c "
                "  JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid "
                "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                " WHERE c.relkind = 'S' AND" +
                    relation_conditions());
}

// Types the user created. Left out: array types (each type's automatic one),
// row types of tables and views (their columns are inventoried), multirange
// types (PostgreSQL 14 creates one with every range type, so a PG13 source would
// lack them), shell and pseudo types.
std::string types_query() {
  return tagged(
      "type",
      "SELECT pg_catalog.format('%I.%I', n.nspname, t.typname), "
      "       CASE t.typtype "
      "         WHEN 'e' THEN 'enum (' || COALESCE((SELECT pg_catalog.string_agg(pg_catalog.quote_literal(e.enumlabel), "
      "                                                                          ', ' ORDER BY e.enumsortorder) "
      "                                              FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid), '') || ')' "
      "         WHEN 'c' THEN 'composite (' || COALESCE((SELECT pg_catalog.string_agg("
      "                                                   pg_catalog.format('%I %s', a.attname, "
      "                                                     pg_catalog.format_type(a.atttypid, a.atttypmod)), "
      "                                                   ', ' ORDER BY a.attnum) "
      "                                                   FROM pg_catalog.pg_attribute a "
      "                                                  WHERE a.attrelid = t.typrelid AND a.attnum > 0 "
      "                                                    AND NOT a.attisdropped), '') || ')' "
      "         WHEN 'd' THEN 'domain ' || pg_catalog.format_type(t.typbasetype, t.typtypmod) "
      "                       || CASE WHEN t.typnotnull THEN ' not null' ELSE '' END "
      "                       || COALESCE(' default ' || pg_catalog.pg_get_expr(t.typdefaultbin, 0), '') "
      "                       || COALESCE((SELECT ' ' || pg_catalog.string_agg("
      "                                             pg_catalog.format('constraint %I %s', co.conname, "
      "                                               pg_catalog.pg_get_constraintdef(co.oid)), "
      "                                             ' ' ORDER BY co.conname COLLATE \"C\") "
      "                                      FROM pg_catalog.pg_constraint co "
      "                                     WHERE co.contypid = t.oid AND co.contype = 'c'), '') "
      "         WHEN 'r' THEN 'range of ' || (SELECT pg_catalog.format_type(r.rngsubtype, NULL) "
      "                                         FROM pg_catalog.pg_range r WHERE r.rngtypid = t.oid) "
      "         ELSE 'base type' END "
      "       || ' owner=' || pg_catalog.pg_get_userbyid(t.typowner) "
      "  FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
      " WHERE t.typtype IN ('b', 'c', 'd', 'e', 'r') AND " + std::string(user_schema_condition) +
          "   AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_catalog.pg_class c "
          "                             WHERE c.oid = t.typrelid) = 'c') "
          "   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e "
          "                    WHERE e.oid = t.typelem AND e.typarray = t.oid) "
          "   AND " + not_extension_member("pg_type", "t.oid"));
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// Every kind of object and the query that lists it, for a server of `version`.
std::vector<std::pair<std::string, std::string>> schema_queries(int version) {
  return {
      {"schema", schemas_query()},
      {"table", tables_query()},
      {"view", views_query()},
      {"view query", view_queries_query()},
      {"column", columns_query(version)},
      {"index", indexes_query()},
      {"constraint", constraints_query(version)},
      {"function", functions_query(version)},
      {"trigger", triggers_query(version)},
      {"extension", extensions_query()},
      {"sequence", sequences_query()},
      {"type", types_query()},
      {"acl", acl_query()},
      {"default acl", default_acl_query()},
      {"policy", policies_query()},
      {"row security", row_security_query()},
      {"user mapping", user_mappings_query()},
      {"rule", rules_query()},
      {"statistics", statistics_query()},
      {"publication", publications_query(version)},
      {"event trigger", event_triggers_query()},
      {"comment", comments_query()},
      {"foreign data wrapper", foreign_data_wrappers_query()},
      {"server", foreign_servers_query()},
      {"subscription", subscriptions_query()},
      {"database setting", database_settings_query()},
  };
}

}  // namespace

void align_with_source(std::vector<SchemaObject>& target_objects, int source_version_num) {
  if (source_version_num <= 0 || source_version_num >= 170000) return;
  for (auto& object : target_objects) {
    if (object.kind != "acl" && object.kind != "default acl") continue;
    std::string kept;
    for (const auto& item : pg::parse_acl_items(object.detail)) {
      if (item.privilege == "MAINTAIN") continue;
      kept += (kept.empty() ? "" : std::string(pg::kAclItemSeparator)) + pg::to_string(item);
    }
    object.detail = kept.empty() ? "(none)" : kept;
  }
}

std::string align_view_queries(pg::Session& target, const std::vector<SchemaObject>& baseline,
                               std::vector<SchemaObject>& target_objects) {
  std::map<std::string_view, const SchemaObject*> expected_queries;
  for (const auto& object : baseline)
    if (object.kind == "view query") expected_queries.emplace(object.name, &object);
  std::vector<std::pair<const SchemaObject*, SchemaObject*>> differing;
  for (auto& object : target_objects) {
    if (object.kind != "view query") continue;
    auto expected = expected_queries.find(object.name);
    if (expected != expected_queries.end() && expected->second->detail != object.detail)
      differing.emplace_back(expected->second, &object);
  }
  if (differing.empty()) return "";
  const bool can =
      target.query("/* pgverify view queries */ SELECT pg_catalog.has_database_privilege(pg_catalog.current_database(), "
                   "'TEMPORARY') AND NOT pg_catalog.pg_is_in_recovery()")
          .at(0, 0)
          .value_or("f") == "t";
  if (!can) {
    for (auto& [expected, actual] : differing) actual->detail = expected->detail;
    return std::to_string(differing.size()) +
           " view queries printed by another major were not compared: the target role cannot create temporary "
           "views (TEMPORARY privilege, or a standby)";
  }
  target.execute("BEGIN");
  try {
    target.execute("SET LOCAL search_path = ''");
    for (auto& [expected, actual] : differing) {
      target.execute("SAVEPOINT pgverify_view");
      try {
        // One statement over the extended protocol, in a transaction rolled
        // back: the baseline's text can create nothing that stays.
        target.query("CREATE TEMPORARY VIEW pgverify_view AS " + expected->detail);
        const std::string again =
            target.query("SELECT pg_catalog.pg_get_viewdef('pg_temp.pgverify_view'::pg_catalog.regclass)")
                .at(0, 0)
                .value_or("");
        if (again == actual->detail) actual->detail = expected->detail;
      } catch (const pg::PgError&) {
        // The source's query does not even parse on the target: it differs.
      }
      target.execute("ROLLBACK TO SAVEPOINT pgverify_view");
    }
    target.execute("ROLLBACK");
  } catch (...) {
    try {
      target.execute("ROLLBACK");
    } catch (const std::exception&) {
    }
    throw;
  }
  return "";
}

const std::vector<std::string>& schema_kinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> out;
    for (const auto& [kind, sql] : schema_queries(180000)) out.push_back(kind);
    return out;
  }();
  return kinds;
}

std::vector<SequenceRecord> capture_sequences(pg::Session& session) {
  require_pg10(session, "sequences");
  // pg_sequences.last_value is NULL until the first nextval (or after
  // setval(..., false)), and for a role without SELECT or USAGE on the sequence.
  auto result = session.query(
      "/* pgverify sequence values */ "
      "SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), s.last_value, s.increment_by, s.cycle "
      "  FROM pg_catalog.pg_class c "
      "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "  JOIN pg_catalog.pg_sequences s ON s.schemaname = n.nspname AND s.sequencename = c.relname "
      " WHERE c.relkind = 'S' AND" +
      relation_conditions());
  std::vector<SequenceRecord> out;
  out.reserve(result.rows.size());
  for (const auto& row : result.rows) {
    SequenceRecord record;
    record.name = pg::canonical_text(row.at(0).value_or(""));
    if (const auto& cell = row.at(1)) {
      std::int64_t value = 0;
      auto [end, error] = std::from_chars(cell->data(), cell->data() + cell->size(), value);
      if (error != std::errc() || end != cell->data() + cell->size())
        throw pg::PgError(session.describe() + ": sequence " + record.name +
                          " has an unreadable last_value '" + *cell + "'");
      record.last_value = value;
    }
    const std::string increment = row.at(2).value_or("1");
    auto [end, error] = std::from_chars(increment.data(), increment.data() + increment.size(), record.increment);
    if (error != std::errc() || end != increment.data() + increment.size() || record.increment == 0)
      throw pg::PgError(session.describe() + ": sequence " + record.name + " has an unreadable increment '" +
                        increment + "'");
    record.cycle = row.at(3).value_or("f") == "t";
    out.push_back(std::move(record));
  }
  std::sort(out.begin(), out.end(),
            [](const SequenceRecord& a, const SequenceRecord& b) { return a.name < b.name; });
  return out;
}

std::vector<SchemaObject> capture_schema(pg::Session& session) {
  require_pg10(session, "schema");
  const int version = session.server_version_num();
  const auto queries = schema_queries(version);


  std::vector<SchemaObject> out;
  {
    EmptySearchPath pinned(session);
    for (const auto& [kind, sql] : queries) {
      auto result = session.query(sql);
      const bool verbatim = kind == "view query";
      for (const auto& row : result.rows)
        out.push_back({kind, pg::canonical_text(row.at(0).value_or("")),
                       verbatim ? row.at(1).value_or("") : pg::canonical_text(row.at(1).value_or(""))});
    }
    for (const auto& row : session.query(other_objects_query()).rows)
      out.push_back({row.at(0).value_or(""), pg::canonical_text(row.at(1).value_or("")),
                     pg::canonical_text(row.at(2).value_or(""))});
  }
  // PostgreSQL 11 made pg_get_triggerdef print EXECUTE FUNCTION where 10
  // printed EXECUTE PROCEDURE; both mean the same and 11+ accepts both.
  if (version < 110000)
    for (auto& object : out)
      if (object.kind == "trigger") replace_all(object.detail, " EXECUTE PROCEDURE ", " EXECUTE FUNCTION ");

  // Bytewise, not in the database's collation: source and target may sort
  // differently, and the manifest must not change with it.
  std::sort(out.begin(), out.end(), [](const SchemaObject& a, const SchemaObject& b) {
    return std::tie(a.kind, a.name, a.detail) < std::tie(b.kind, b.name, b.detail);
  });
  return out;
}

}  // namespace pgverify::inventory
