#include "inventory/dump_extras.hpp"

#include <charconv>
#include <string>
#include <vector>

#include "inventory/queries.hpp"
#include "pg/acl_sql.hpp"

namespace pgverify::inventory {

namespace {

using namespace detail;

// Whether an object's ACL differs from where pg_dump starts when it writes
// its GRANTs and REVOKEs (dumpACL, 9.6 and later): the object's pg_init_privs
// (initdb's and CREATE EXTENSION's privileges, as for the public schema), else
// acldefault for its owner.
// Compared as items, not arrays: an ACL put back to the defaults by a REVOKE
// is no change. A NULL ACL is the defaults.
std::string privileges_changed(const std::string& acl, char kind, const std::string& owner, const std::string& catalog,
                               const std::string& oid, const std::string& subid = "0") {
  // pg_init_privs keeps the owner the object had then (pg_database_owner for
  // the public schema); ALTER ... OWNER, which pg_dump writes, moves those
  // items to the new owner on restore as it did on the source.
  const std::string initial_owner =
      "(SELECT f.grantor FROM pg_catalog.aclexplode(ip.initprivs) f WHERE f.grantor = f.grantee LIMIT 1)";
  auto moved = [&](const std::string& role) {
    return "CASE WHEN " + role + " = " + initial_owner + " THEN " + owner + " ELSE " + role + " END";
  };
  const std::string start =
      "COALESCE((SELECT pg_catalog.array_agg(pg_catalog.makeaclitem(" + moved("e.grantee") + ", " + moved("e.grantor") +
      ", e.privilege_type, e.is_grantable)) FROM pg_catalog.pg_init_privs ip, "
      "LATERAL pg_catalog.aclexplode(ip.initprivs) e WHERE ip.objoid = " + oid + " AND ip.classoid = 'pg_catalog." +
      catalog + "'::pg_catalog.regclass AND ip.objsubid = " + subid + "), pg_catalog.acldefault('" +
      std::string(1, kind) + "', " + owner + "))";
  return "(" + acl + " IS NOT NULL AND COALESCE(" + pg::acl_items_sql(acl) + ", '') <> COALESCE(" +
         pg::acl_items_sql(start) + ", ''))";
}

// Objects of one catalog that carry an ACL, and how to read it.
struct AclSource {
  std::string from;   // the catalog, joined with what the conditions need
  std::string where;  // which of its objects pg_dump dumps
  std::string acl, owner, catalog, oid, subid = "0";
  char kind;  // acldefault's letter
};

// "(SELECT count(*) ...) + (SELECT count(*) ...) + ...": the objects with changed privileges.
std::string count_changed(const std::vector<AclSource>& sources) {
  std::string sum;
  for (const AclSource& s : sources)
    sum += (sum.empty() ? "" : " + ") + std::string("(SELECT pg_catalog.count(*) FROM ") + s.from + " WHERE " +
           s.where + " AND " + privileges_changed(s.acl, s.kind, s.owner, s.catalog, s.oid, s.subid) + ")";
  return sum;
}

std::string dumpable_extras_query() {
  const std::string user_schema = user_schema_condition;
  const std::string relations =
      "pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace";
  const std::string user_relations = "c.relpersistence <> 't' AND " + user_schema;
  const std::string privileges = count_changed({
      {relations, "c.relkind IN ('r', 'p', 'v', 'm', 'f') AND " + user_relations, "c.relacl", "c.relowner",
       "pg_class", "c.oid", "0", 'r'},
      {relations, "c.relkind = 'S' AND " + user_relations, "c.relacl", "c.relowner", "pg_class", "c.oid", "0", 's'},
      {"pg_catalog.pg_attribute a JOIN " + relations + " ON c.oid = a.attrelid",
       "a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND " + user_relations,
       "a.attacl", "c.relowner", "pg_class", "c.oid", "a.attnum", 'c'},
      {"pg_catalog.pg_namespace n", user_schema, "n.nspacl", "n.nspowner", "pg_namespace", "n.oid", "0", 'n'},
      {"pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace", user_schema, "p.proacl",
       "p.proowner", "pg_proc", "p.oid", "0", 'f'},
      // Not array types or tables' row types: pg_dump writes no GRANT of their own.
      {"pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace",
       "t.typtype IN ('b', 'c', 'd', 'e', 'r') AND " + user_schema +
           " AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c')"
           " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid)",
       "t.typacl", "t.typowner", "pg_type", "t.oid", "0", 'T'},
      {"pg_catalog.pg_language l", "l.lanispl", "l.lanacl", "l.lanowner", "pg_language", "l.oid", "0", 'l'},
      {"pg_catalog.pg_foreign_data_wrapper w", "true", "w.fdwacl", "w.fdwowner", "pg_foreign_data_wrapper", "w.oid",
       "0", 'F'},
      {"pg_catalog.pg_foreign_server s", "true", "s.srvacl", "s.srvowner", "pg_foreign_server", "s.oid", "0", 'S'},
  });
  const std::string large_object_privileges = count_changed({{"pg_catalog.pg_largeobject_metadata m", "true",
                                                              "m.lomacl", "m.lomowner", "pg_largeobject_metadata",
                                                              "m.oid", "0", 'L'}});
  // dumpDefaultACL: a global entry starts from acldefault for its role, one in
  // a schema from no privileges at all; pg_dump writes it when they differ.
  const std::string default_privileges =
      "(SELECT pg_catalog.count(*) FROM pg_catalog.pg_default_acl a "
      "  WHERE COALESCE(" + pg::acl_items_sql("a.defaclacl") + ", '') <> "
      "        CASE WHEN a.defaclnamespace <> 0 THEN '' ELSE COALESCE(" +
      pg::acl_items_sql("pg_catalog.acldefault(CASE a.defaclobjtype WHEN 'S' THEN 's' "
                        "ELSE a.defaclobjtype END::\"char\", a.defaclrole)") +
      ", '') END)";
  const std::string comments = "(" + comments_query() + ")";
  return tagged("dumpable extras",
                "SELECT " + privileges + ", " + default_privileges + ", " + large_object_privileges +
                    ", (SELECT pg_catalog.count(*) FROM pg_catalog.pg_publication), "
                    "       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_policy pol "
                    "          JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid "
                    "          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                    "         WHERE " + user_relations + " AND " + not_extension_member("pg_class", "c.oid") + "), "
                    "       (SELECT pg_catalog.count(*) FROM " + comments + " c(object, text) "
                    "         WHERE c.object !~ '^(extension|subscription|large object) '), "
                    "       (SELECT pg_catalog.count(*) FROM " + comments + " c(object, text) "
                    "         WHERE c.object ~ '^large object ')");
}

std::uint64_t count_at(const pg::QueryResult& result, std::size_t column) {
  const std::string text = result.at(0, column).value_or("0");
  std::uint64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace

DumpableExtras count_dumpable_extras(pg::Session& session) {
  const int version = session.server_version_num();
  // pg_publication, and the pg_dump behaviour counted here, start with PostgreSQL 10.
  if (version < 100000)
    throw pg::PgError(session.describe() + ": PostgreSQL " + pg::format_server_version(version) +
                      " is older than 10, whose privileges and publications pgverify does not read");
  const pg::QueryResult result = session.query(dumpable_extras_query());
  DumpableExtras extras;
  extras.privileges = count_at(result, 0);
  extras.default_privileges = count_at(result, 1);
  extras.large_object_privileges = count_at(result, 2);
  extras.publications = count_at(result, 3);
  extras.policies = count_at(result, 4);
  extras.comments = count_at(result, 5);
  extras.large_object_comments = count_at(result, 6);
  return extras;
}

}  // namespace pgverify::inventory
