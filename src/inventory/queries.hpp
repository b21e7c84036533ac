// The inventory's catalog queries, one function per kind of object, and the
// conditions they share. Each query returns (name, detail) rows and starts
// with "/* pgverify inventory: KIND */" so a scripted session can answer it.
// Internal to inventory/.
#pragma once

#include <string>

namespace pgverify::inventory::detail {

// Schemas holding PostgreSQL's own objects, TOAST tables and temporary objects.
inline constexpr const char* user_schema_condition =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast' "
    "AND n.nspname !~ '^pg_temp_'";

// Objects an extension created come back with CREATE EXTENSION, not from the
// dump's own entries; the extension itself is inventoried.
inline std::string not_extension_member(const std::string& catalog, const std::string& oid) {
  return "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog." + catalog +
         "'::pg_catalog.regclass AND d.objid = " + oid + " AND d.deptype = 'e')";
}

inline std::string tagged(const std::string& kind, const std::string& sql) {
  return "/* pgverify inventory: " + kind + " */ " + sql;
}

// Relations c (joined with their namespace n) the user made.
inline std::string relation_conditions() {
  return std::string(" c.relpersistence <> 't' AND ") + user_schema_condition + " AND " +
         not_extension_member("pg_class", "c.oid");
}

// privileges.cpp: what a restore without its roles loses silently.
std::string acl_query();
std::string default_acl_query();
std::string policies_query();
std::string row_security_query();
std::string user_mappings_query();

// more_objects.cpp
std::string rules_query();
std::string statistics_query();
std::string publications_query(int version);
std::string event_triggers_query();
std::string comments_query();
std::string foreign_data_wrappers_query();
std::string foreign_servers_query();
std::string subscriptions_query();
std::string database_settings_query();
// (kind, name, detail) rows: the kind is pg_identify_object's type.
std::string other_objects_query();

}  // namespace pgverify::inventory::detail
