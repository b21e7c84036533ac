#include "checks/roles_exist_on_target.hpp"

#include <set>

#include "checks/common.hpp"

namespace pgverify::checks {

namespace {

// Roles the source database needs: owners of its objects and of the database,
// grantees of privileges on them, and roles with default privileges. PUBLIC
// (grantee 0) and PostgreSQL's predefined pg_* roles exist everywhere.
constexpr const char* roles_used_sql = R"SQL(
/* pgverify roles used */
WITH user_namespaces AS (
  SELECT oid, nspowner, nspacl FROM pg_catalog.pg_namespace
   WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname !~ '^pg_toast' AND nspname !~ '^pg_temp_'
), objects AS (  -- owner, ACL and identity of each object that pg_dump writes an owner or grants for
  SELECT nspowner AS owner, nspacl AS acl, 'n' || oid AS id FROM user_namespaces
  UNION ALL SELECT c.relowner, c.relacl, 'c' || c.oid FROM pg_catalog.pg_class c
              JOIN user_namespaces n ON n.oid = c.relnamespace WHERE c.relkind NOT IN ('i', 'I', 't')
  UNION ALL SELECT p.proowner, p.proacl, 'p' || p.oid FROM pg_catalog.pg_proc p
              JOIN user_namespaces n ON n.oid = p.pronamespace
  UNION ALL SELECT t.typowner, t.typacl, 't' || t.oid FROM pg_catalog.pg_type t
              JOIN user_namespaces n ON n.oid = t.typnamespace WHERE t.typrelid = 0 AND t.typcategory <> 'A'
  UNION ALL SELECT d.datdba, d.datacl, 'd' || d.oid FROM pg_catalog.pg_database d
             WHERE d.datname = pg_catalog.current_database()
  UNION ALL SELECT a.defaclrole, a.defaclacl, 'a' || a.oid FROM pg_catalog.pg_default_acl a
), used AS (
  SELECT owner AS role, 'owns' AS how, id FROM objects
  UNION ALL SELECT x.grantee, 'granted', o.id FROM objects o, pg_catalog.aclexplode(o.acl) x
             WHERE o.acl IS NOT NULL AND x.grantee <> o.owner
)
SELECT r.rolname, pg_catalog.count(DISTINCT u.id) FILTER (WHERE u.how = 'owns'),
       pg_catalog.count(DISTINCT u.id) FILTER (WHERE u.how = 'granted')
  FROM used u JOIN pg_catalog.pg_roles r ON r.oid = u.role
 WHERE u.role <> 0 AND r.rolname !~ '^pg_'
 GROUP BY r.rolname ORDER BY r.rolname
)SQL";

}  // namespace

const CheckInfo& RolesExistOnTarget::info() const {
  static const CheckInfo info{
      .id = "roles.exist-on-target",
      .phases = {Phase::pre},
      .summary = "every role that owns or is granted objects in the source exists on the target",
      .rationale =
          "pg_dump dumps a database, not the cluster's roles: its ALTER ... OWNER TO and GRANT "
          "statements name roles the new server may not have. pg_restore then reports errors "
          "and carries on, leaving objects owned by the restoring user and privileges missing, "
          "so the application's role cannot read its own tables.",
      .remediation =
          "Create the missing roles on the target before the restore (pg_dumpall --roles-only on "
          "the source gives their definitions; passwords need resetting if the target refuses "
          "MD5), or restore with --no-owner --no-privileges and grant afresh.",
      .options = "source_dsn, target_dsn",
      .applies_to = "owners and grantees of schemas, tables, sequences, views, functions, types, the "
                    "database itself, and default privileges; PUBLIC and pg_* roles excepted",
  };
  return info;
}

CheckResult RolesExistOnTarget::run(Context& context) const {
  auto source = connect_source(context);
  auto used = source->query(roles_used_sql);
  auto target = connect_target(context);
  std::set<std::string> present;
  for (const auto& row : target->query("/* pgverify roles present */ SELECT rolname FROM pg_catalog.pg_roles").rows)
    present.insert(row.at(0).value_or(""));

  std::vector<Finding> findings;
  for (const auto& row : used.rows) {
    const std::string role = row.at(0).value_or("");
    if (present.count(role)) continue;
    const std::string owns = row.at(1).value_or("0"), granted = row.at(2).value_or("0");
    findings.push_back({"role " + role, "exists on the target", "missing",
                        "owns " + owns + " and is granted privileges on " + granted +
                            " objects of the source, but does not exist on " + describe_server("the target", *target),
                        "Create it on the target before the restore (pg_dumpall --roles-only shows its "
                        "definition), or restore with --no-owner --no-privileges."});
  }
  const std::string counted = std::to_string(used.rows.size() - findings.size()) + " of " +
                              std::to_string(used.rows.size()) + " roles the source uses exist on the target";
  if (!findings.empty()) {
    const std::string summary = counted + "; " + std::to_string(findings.size()) + " missing";
    return make_result(Status::fail, summary, std::move(findings));
  }
  return make_result(Status::pass, counted);
}

}  // namespace pgverify::checks
