// Privileges, default privileges, row-level security and user mappings: what
// pg_restore loses without failing when the target lacks a role (every GRANT
// to it, the policies naming it) and what a lost ENABLE ROW LEVEL SECURITY
// exposes. Roles are named, never OIDs, so two clusters compare.

#include "inventory/queries.hpp"
#include "pg/acl_sql.hpp"

namespace pgverify::inventory::detail {

namespace {

std::string is_extension_member(const std::string& catalog, const std::string& oid) {
  return "NOT " + not_extension_member(catalog, oid);
}

// The object's effective privileges (NULL in the catalog is the owner's
// defaults), or for an extension's member only where they differ from what
// CREATE EXTENSION gave it (pg_init_privs): pg_dump dumps just those changes,
// and the rest comes back with the extension, at the target's version.
std::string privileges(const std::string& acl, char kind, const std::string& owner, const std::string& catalog,
                       const std::string& oid, const std::string& subid = "0") {
  const std::string defaults = "pg_catalog.acldefault('" + std::string(1, kind) + "', " + owner + ")";
  const std::string effective = pg::acl_items_sql("COALESCE(" + acl + ", " + defaults + ")");
  const std::string initial = pg::acl_items_sql(
      "COALESCE((SELECT ip.initprivs FROM pg_catalog.pg_init_privs ip WHERE ip.objoid = " + oid +
      " AND ip.classoid = 'pg_catalog." + catalog + "'::pg_catalog.regclass AND ip.objsubid = " + subid + "), " +
      defaults + ")");
  return "CASE WHEN " + is_extension_member(catalog, oid) + " THEN NULLIF(COALESCE(" + effective + ", ''), COALESCE(" +
         initial + ", '')) ELSE COALESCE(" + effective + ", '(none)') END";
}

// A role as pg_dump names it: PUBLIC for 0.
std::string role_name(const std::string& oid) {
  return "CASE WHEN " + oid + " = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(" + oid +
         ")) END";
}

}  // namespace

std::string acl_query() {
  const std::string user_schema = std::string(user_schema_condition);
  // Every object that carries an ACL and that pg_dump dumps GRANTs for, named
  // by pg_identify_object ("table public.t", "table column public.t.c",
  // "function public.f(integer)"); the database by its role, not its name,
  // which may differ between source and target.
  return tagged(
      "acl",
      "SELECT CASE WHEN x.classid = 'pg_catalog.pg_database'::pg_catalog.regclass THEN 'database' "
      "            ELSE o.type || ' ' || o.identity END, x.items "
      "  FROM (SELECT 'pg_catalog.pg_class'::pg_catalog.regclass AS classid, c.oid AS objid, 0 AS subid, " +
          privileges("c.relacl", 'r', "c.relowner", "pg_class", "c.oid") +
          " AS items "
          "          FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relpersistence <> 't' AND " + user_schema +
          "        UNION ALL "
          "        SELECT 'pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 0, " +
          privileges("c.relacl", 's', "c.relowner", "pg_class", "c.oid") +
          "          FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "         WHERE c.relkind = 'S' AND c.relpersistence <> 't' AND " + user_schema +
          "        UNION ALL "
          "        SELECT 'pg_catalog.pg_class'::pg_catalog.regclass, c.oid, a.attnum, " +
          privileges("a.attacl", 'c', "c.relowner", "pg_class", "c.oid", "a.attnum") +
          "          FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
          "          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "         WHERE (a.attacl IS NOT NULL OR " + is_extension_member("pg_class", "c.oid") + ") "
          "           AND a.attnum > 0 AND NOT a.attisdropped "
          "           AND c.relpersistence <> 't' AND " + user_schema +
          "        UNION ALL "
          "        SELECT 'pg_catalog.pg_namespace'::pg_catalog.regclass, n.oid, 0, " +
          privileges("n.nspacl", 'n', "n.nspowner", "pg_namespace", "n.oid") +
          "          FROM pg_catalog.pg_namespace n WHERE " + user_schema +
          "        UNION ALL "
          "        SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass, p.oid, 0, " +
          privileges("p.proacl", 'f', "p.proowner", "pg_proc", "p.oid") +
          "          FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
          "         WHERE " + user_schema +
          "        UNION ALL "
          // Not array types, multiranges or tables' row types: they have no ACL of their own to dump.
          "        SELECT 'pg_catalog.pg_type'::pg_catalog.regclass, t.oid, 0, " +
          privileges("t.typacl", 'T', "t.typowner", "pg_type", "t.oid") +
          "          FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
          "         WHERE t.typtype IN ('b', 'c', 'd', 'e', 'r') AND " + user_schema +
          "           AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_catalog.pg_class c "
          "                                     WHERE c.oid = t.typrelid) = 'c') "
          "           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e "
          "                            WHERE e.oid = t.typelem AND e.typarray = t.oid) "
          "        UNION ALL "
          "        SELECT 'pg_catalog.pg_language'::pg_catalog.regclass, l.oid, 0, " +
          privileges("l.lanacl", 'l', "l.lanowner", "pg_language", "l.oid") +
          "          FROM pg_catalog.pg_language l WHERE l.lanispl "
          "        UNION ALL "
          "        SELECT 'pg_catalog.pg_foreign_data_wrapper'::pg_catalog.regclass, w.oid, 0, " +
          privileges("w.fdwacl", 'F', "w.fdwowner", "pg_foreign_data_wrapper", "w.oid") +
          "          FROM pg_catalog.pg_foreign_data_wrapper w "
          "        UNION ALL "
          "        SELECT 'pg_catalog.pg_foreign_server'::pg_catalog.regclass, s.oid, 0, " +
          privileges("s.srvacl", 'S', "s.srvowner", "pg_foreign_server", "s.oid") +
          "          FROM pg_catalog.pg_foreign_server s "
          "        UNION ALL "
          "        SELECT 'pg_catalog.pg_database'::pg_catalog.regclass, d.oid, 0, " +
          pg::acl_unless_default_sql("d.datacl", 'd', "d.datdba") +
          "          FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()) x, "
          "       LATERAL pg_catalog.pg_identify_object(x.classid, x.objid, x.subid) o "
          " WHERE x.items IS NOT NULL");
}

std::string default_acl_query() {
  return tagged("default acl",
                "SELECT 'for role ' || pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.defaclrole)) "
                "       || COALESCE(' in schema ' || pg_catalog.quote_ident(n.nspname), '') "
                "       || ' on ' || CASE a.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' "
                "                         WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types' "
                "                         WHEN 'n' THEN 'schemas' ELSE a.defaclobjtype::text END, "
                "       COALESCE(" + pg::acl_items_sql("a.defaclacl") + ", '(none)') "
                "  FROM pg_catalog.pg_default_acl a "
                "  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = a.defaclnamespace");
}

std::string policies_query() {
  return tagged(
      "policy",
      "SELECT pg_catalog.format('%I.%I.%I', n.nspname, c.relname, p.polname), "
      "       CASE WHEN p.polpermissive THEN 'permissive' ELSE 'restrictive' END "
      "       || ' for ' || CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' "
      "                               WHEN 'd' THEN 'DELETE' ELSE 'ALL' END "
      "       || ' to ' || (SELECT pg_catalog.string_agg(r.name, ', ' ORDER BY r.name COLLATE \"C\") "
      "                       FROM (SELECT " + role_name("u.role") + " AS name "
      "                               FROM pg_catalog.unnest(p.polroles) AS u(role)) r) "
      "       || COALESCE(' using (' || pg_catalog.pg_get_expr(p.polqual, p.polrelid) || ')', '') "
      "       || COALESCE(' with check (' || pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) || ')', '') "
      "  FROM pg_catalog.pg_policy p "
      "  JOIN pg_catalog.pg_class c ON c.oid = p.polrelid "
      "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      " WHERE" + relation_conditions());
}

std::string row_security_query() {
  return tagged("row security",
                "SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), "
                "       CASE WHEN c.relrowsecurity THEN 'enabled' ELSE 'disabled' END "
                "       || CASE WHEN c.relforcerowsecurity THEN ', forced for the owner' ELSE '' END "
                "  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                " WHERE (c.relrowsecurity OR c.relforcerowsecurity) AND" +
                    relation_conditions());
}

// pg_user_mappings, not pg_user_mapping (superusers only); option names only:
// their values hold passwords.
std::string user_mappings_query() {
  return tagged("user mapping",
                "SELECT " + role_name("m.umuser") + " || ' on server ' || pg_catalog.quote_ident(m.srvname), "
                "       'options: ' || COALESCE((SELECT pg_catalog.string_agg(pg_catalog.split_part(o, '=', 1), ', ' "
                "                                     ORDER BY pg_catalog.split_part(o, '=', 1) COLLATE \"C\") "
                "                                  FROM pg_catalog.unnest(m.umoptions) o), 'none') "
                "  FROM pg_catalog.pg_user_mappings m "
                " WHERE " + not_extension_member("pg_foreign_server", "m.srvid"));
}

}  // namespace pgverify::inventory::detail
