#include "checks/checks.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "checks/common.hpp"

namespace pgverify::checks {

namespace {

// Every place a pg_restore of a pg_dump of the source names a role, one row per
// (role, how it is used) and example object, at most three examples each, with
// the total count. Which objects get an owner follows pg_restore's
// _getObjectDescription (pg_backup_archiver.c: the TOC entries it writes ALTER
// ... OWNER TO for); grants follow dumputils.c's buildACLCommands, which also
// runs SET SESSION AUTHORIZATION to each grantor that is not the owner.
// Extension members and pg_catalog objects (whose ACLs pg_dump 9.6 and later
// dumps) get no owner from the dump, and only the ACL entries not already in
// pg_init_privs. Extensions have no owner in a dump either (dumpExtension's
// ArchiveEntry carries none), so their owners are not needed. The database's
// own owner, ACL and role settings are restored only with --create; they count
// as well. PUBLIC (grantee 0) and PostgreSQL's predefined pg_* roles exist
// everywhere. Written for PostgreSQL 10 and later (polpermissive,
// pg_statistic_ext).
constexpr const char* roles_used_sql = R"SQL(
/* pgverify roles used */
WITH user_namespaces AS (
  SELECT oid FROM pg_catalog.pg_namespace
   WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname !~ '^pg_toast' AND nspname !~ '^pg_temp_'
), dumped(classid, objid, objsubid, owner, acl, system) AS (
  SELECT 'pg_catalog.pg_namespace'::pg_catalog.regclass, n.oid, 0, n.nspowner, n.nspacl, n.nspname = 'pg_catalog'
    FROM pg_catalog.pg_namespace n WHERE n.oid IN (SELECT oid FROM user_namespaces) OR n.nspname = 'pg_catalog'
  UNION ALL SELECT 'pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 0, c.relowner, c.relacl,
                   c.relnamespace NOT IN (SELECT oid FROM user_namespaces)
    FROM pg_catalog.pg_class c
   WHERE c.relkind NOT IN ('i', 'I', 't', 'c')  -- composite types are counted as types
     AND (c.relnamespace IN (SELECT oid FROM user_namespaces)
          OR (c.relnamespace = 'pg_catalog'::pg_catalog.regnamespace AND c.relacl IS NOT NULL))
  UNION ALL SELECT 'pg_catalog.pg_class'::pg_catalog.regclass, a.attrelid, a.attnum, c.relowner, a.attacl, true
    FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
   WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped
     AND (c.relnamespace IN (SELECT oid FROM user_namespaces) OR c.relnamespace = 'pg_catalog'::pg_catalog.regnamespace)
  UNION ALL SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass, p.oid, 0, p.proowner, p.proacl,
                   p.pronamespace NOT IN (SELECT oid FROM user_namespaces)
    FROM pg_catalog.pg_proc p
   WHERE p.pronamespace IN (SELECT oid FROM user_namespaces)
      OR (p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace AND p.proacl IS NOT NULL)
  UNION ALL SELECT 'pg_catalog.pg_type'::pg_catalog.regclass, t.oid, 0, t.typowner, t.typacl,
                   t.typnamespace NOT IN (SELECT oid FROM user_namespaces)
    FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
   WHERE (t.typrelid = 0 OR c.relkind = 'c') AND t.typcategory <> 'A' AND t.typtype <> 'm'
     AND (t.typnamespace IN (SELECT oid FROM user_namespaces)
          OR (t.typnamespace = 'pg_catalog'::pg_catalog.regnamespace AND t.typacl IS NOT NULL))
  UNION ALL SELECT 'pg_catalog.pg_database'::pg_catalog.regclass, d.oid, 0, d.datdba, d.datacl, false
    FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()
  UNION ALL SELECT 'pg_catalog.pg_language'::pg_catalog.regclass, l.oid, 0, l.lanowner, l.lanacl, false
    FROM pg_catalog.pg_language l WHERE l.lanispl
  UNION ALL SELECT 'pg_catalog.pg_foreign_data_wrapper'::pg_catalog.regclass, w.oid, 0, w.fdwowner, w.fdwacl, false
    FROM pg_catalog.pg_foreign_data_wrapper w
  UNION ALL SELECT 'pg_catalog.pg_foreign_server'::pg_catalog.regclass, s.oid, 0, s.srvowner, s.srvacl, false
    FROM pg_catalog.pg_foreign_server s
  UNION ALL SELECT 'pg_catalog.pg_largeobject'::pg_catalog.regclass, m.oid, 0, m.lomowner, m.lomacl, false
    FROM pg_catalog.pg_largeobject_metadata m
  UNION ALL SELECT 'pg_catalog.pg_event_trigger'::pg_catalog.regclass, e.oid, 0, e.evtowner, NULL, false
    FROM pg_catalog.pg_event_trigger e
  UNION ALL SELECT 'pg_catalog.pg_publication'::pg_catalog.regclass, p.oid, 0, p.pubowner, NULL, false
    FROM pg_catalog.pg_publication p
  UNION ALL SELECT 'pg_catalog.pg_collation'::pg_catalog.regclass, c.oid, 0, c.collowner, NULL, false
    FROM pg_catalog.pg_collation c WHERE c.collnamespace IN (SELECT oid FROM user_namespaces)
  UNION ALL SELECT 'pg_catalog.pg_conversion'::pg_catalog.regclass, c.oid, 0, c.conowner, NULL, false
    FROM pg_catalog.pg_conversion c WHERE c.connamespace IN (SELECT oid FROM user_namespaces)
  UNION ALL SELECT 'pg_catalog.pg_ts_config'::pg_catalog.regclass, c.oid, 0, c.cfgowner, NULL, false
    FROM pg_catalog.pg_ts_config c WHERE c.cfgnamespace IN (SELECT oid FROM user_namespaces)
  UNION ALL SELECT 'pg_catalog.pg_ts_dict'::pg_catalog.regclass, d.oid, 0, d.dictowner, NULL, false
    FROM pg_catalog.pg_ts_dict d WHERE d.dictnamespace IN (SELECT oid FROM user_namespaces)
  UNION ALL SELECT 'pg_catalog.pg_operator'::pg_catalog.regclass, o.oid, 0, o.oprowner, NULL, false
    FROM pg_catalog.pg_operator o WHERE o.oprnamespace IN (SELECT oid FROM user_namespaces)
  UNION ALL SELECT 'pg_catalog.pg_opclass'::pg_catalog.regclass, o.oid, 0, o.opcowner, NULL, false
    FROM pg_catalog.pg_opclass o WHERE o.opcnamespace IN (SELECT oid FROM user_namespaces)
  UNION ALL SELECT 'pg_catalog.pg_opfamily'::pg_catalog.regclass, o.oid, 0, o.opfowner, NULL, false
    FROM pg_catalog.pg_opfamily o WHERE o.opfnamespace IN (SELECT oid FROM user_namespaces)
  UNION ALL SELECT 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass, s.oid, 0, s.stxowner, NULL, false
    FROM pg_catalog.pg_statistic_ext s WHERE s.stxnamespace IN (SELECT oid FROM user_namespaces)
), objects AS (
  SELECT d.classid, d.objid, d.objsubid, d.owner, d.acl, i.initprivs AS baseline,
         d.system OR d.objsubid <> 0 OR e.objid IS NOT NULL AS owner_not_dumped
    FROM dumped d
    LEFT JOIN pg_catalog.pg_depend e
           ON e.classid = d.classid AND e.objid = d.objid AND e.objsubid = 0 AND e.deptype = 'e'
    LEFT JOIN pg_catalog.pg_init_privs i
           ON i.classoid = d.classid AND i.objoid = d.objid AND i.objsubid = d.objsubid
), acl_entries AS (
  SELECT o.classid, o.objid, o.objsubid, o.owner, x.grantor, x.grantee
    FROM objects o, pg_catalog.aclexplode(o.acl) x
   WHERE o.acl IS NOT NULL
     AND NOT EXISTS (SELECT FROM pg_catalog.aclexplode(o.baseline) b
                      WHERE b.grantor = x.grantor AND b.grantee = x.grantee
                        AND b.privilege_type = x.privilege_type AND b.is_grantable = x.is_grantable)
), default_acls AS (
  SELECT a.oid, a.defaclrole, a.defaclacl,
         CASE a.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                              WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE a.defaclobjtype::text END ||
         COALESCE(' in schema ' || pg_catalog.quote_ident(n.nspname), '') AS label
    FROM pg_catalog.pg_default_acl a LEFT JOIN pg_catalog.pg_namespace n ON n.oid = a.defaclnamespace
), this_database AS (
  SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()
), used(role, how, classid, objid, objsubid, label) AS (
  SELECT owner, 'owner', classid, objid, objsubid, NULL FROM objects WHERE NOT owner_not_dumped
  UNION ALL SELECT grantee, 'grantee', classid, objid, objsubid, NULL FROM acl_entries WHERE grantee <> owner
  UNION ALL SELECT grantor, 'grantor', classid, objid, objsubid, NULL FROM acl_entries WHERE grantor <> owner
  UNION ALL SELECT r.role, 'policy', 'pg_catalog.pg_policy'::pg_catalog.regclass, p.oid, 0,
                   CASE WHEN p.polpermissive THEN 'policy ' ELSE 'restrictive policy ' END ||
                   pg_catalog.quote_ident(p.polname) || ' on ' ||
                   (pg_catalog.pg_identify_object('pg_catalog.pg_class'::pg_catalog.regclass, p.polrelid, 0)).identity
              FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid,
                   pg_catalog.unnest(p.polroles) AS r(role)
             WHERE c.relnamespace IN (SELECT oid FROM user_namespaces)
  UNION ALL SELECT defaclrole, 'default privileges', 'pg_catalog.pg_default_acl'::pg_catalog.regclass, oid, 0, label
              FROM default_acls
  UNION ALL SELECT x.grantee, 'default grantee', 'pg_catalog.pg_default_acl'::pg_catalog.regclass, a.oid, 0,
                   a.label || ' by ' || pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.defaclrole))
              FROM default_acls a, pg_catalog.aclexplode(a.defaclacl) x WHERE x.grantee <> a.defaclrole
  UNION ALL SELECT m.umuser, 'user mapping', 'pg_catalog.pg_user_mapping'::pg_catalog.regclass, m.umid, 0,
                   'server ' || pg_catalog.quote_ident(m.srvname)
              FROM pg_catalog.pg_user_mappings m
  -- Only the columns PUBLIC may read: subconninfo is not one of them.
  UNION ALL SELECT s.subowner, 'owner', 'pg_catalog.pg_subscription'::pg_catalog.regclass, 0, 0,
                   'subscription ' || pg_catalog.quote_ident(s.subname)
              FROM pg_catalog.pg_subscription s WHERE s.subdbid = (SELECT oid FROM this_database)
  UNION ALL SELECT s.setrole, 'settings', 'pg_catalog.pg_db_role_setting'::pg_catalog.regclass, 0, 0, 'this database'
              FROM pg_catalog.pg_db_role_setting s
             WHERE s.setrole <> 0 AND s.setdatabase = (SELECT oid FROM this_database)
), numbered AS (
  SELECT u.*, pg_catalog.count(*) OVER w AS total,
         pg_catalog.row_number() OVER (w ORDER BY u.classid, u.objid, u.objsubid, u.label) AS n
    FROM (SELECT DISTINCT * FROM used WHERE role <> 0) u
  WINDOW w AS (PARTITION BY u.role, u.how)
), examples AS (
  SELECT * FROM numbered WHERE n <= 3
)
SELECT r.rolname, e.how, e.total,
       COALESCE(e.label, (SELECT i.type || ' ' || i.identity
                            FROM pg_catalog.pg_identify_object(e.classid, e.objid, e.objsubid) i))
  FROM examples e JOIN pg_catalog.pg_roles r ON r.oid = e.role
 WHERE r.rolname !~ '^pg_'
 ORDER BY 1, 2, 4
)SQL";

// Memberships that pass privileges on: PostgreSQL 16 split them into INHERIT,
// SET and ADMIN options, and one with neither INHERIT nor SET (what CREATEROLE
// grants its creator by default) gives the member none of the role's
// privileges. Before 16 every membership lets the member SET ROLE.
std::string memberships_sql(int server_version_num) {
  std::string sql =
      "/* pgverify role memberships */ SELECT DISTINCT m.rolname, r.rolname FROM pg_catalog.pg_auth_members a "
      "JOIN pg_catalog.pg_roles m ON m.oid = a.member JOIN pg_catalog.pg_roles r ON r.oid = a.roleid";
  if (server_version_num >= 160000) sql += " WHERE a.inherit_option OR a.set_option";
  return sql + " ORDER BY 1, 2";
}

bool predefined(const std::string& role) { return role.rfind("pg_", 0) == 0; }

// How a role is used, as the query names it, with the total and a few examples.
struct Use {
  long total = 0;
  std::vector<std::string> examples;
};

struct NeededRole {
  std::map<std::string, Use> uses;  // by how
  std::set<std::string> members;    // needed roles that are members of it on the source
};

// "a, b, c and 2 more"
std::string listed(const Use& use) {
  std::string out;
  for (std::size_t i = 0; i < use.examples.size(); ++i) {
    if (i > 0)
      out += (i + 1 == use.examples.size() && static_cast<long>(use.examples.size()) == use.total) ? " and " : ", ";
    out += use.examples[i];
  }
  const long more = use.total - static_cast<long>(use.examples.size());
  if (more > 0) out += " and " + std::to_string(more) + " more";
  return out;
}

std::string plural(long n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string joined(const std::set<std::string>& names) {
  std::string out;
  std::size_t i = 0;
  for (const auto& name : names) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += name;
    ++i;
  }
  return out;
}

// How each use the query reports reads in a finding, in this order: what is
// lost without the role (a policy, then objects) first.
struct Phrase {
  const char* how;
  std::string (*say)(const Use&);
};
constexpr Phrase phrases[] = {
    {"policy",
     [](const Use& u) {
       return u.total == 1 ? "named in " + listed(u)
                           : "named in " + plural(u.total, "policy", "policies") + " (" + listed(u) + ")";
     }},
    {"owner", [](const Use& u) { return "owns " + plural(u.total, "object", "objects") + " (" + listed(u) + ")"; }},
    {"grantee",
     [](const Use& u) {
       return "granted privileges on " + plural(u.total, "object", "objects") + " (" + listed(u) + ")";
     }},
    {"grantor",
     [](const Use& u) {
       return "grantor of privileges on " + plural(u.total, "object", "objects") + " (" + listed(u) + ")";
     }},
    {"default privileges", [](const Use& u) { return "default privileges for " + listed(u); }},
    {"default grantee", [](const Use& u) { return "granted default privileges for " + listed(u); }},
    {"user mapping",
     [](const Use& u) { return std::string(u.total == 1 ? "user mapping for " : "user mappings for ") + listed(u); }},
    {"settings", [](const Use& u) { return "settings in " + listed(u) + " (ALTER ROLE ... IN DATABASE)"; }},
};

std::vector<std::string> describe_uses(const NeededRole& role) {
  std::vector<std::string> clauses;
  for (const Phrase& phrase : phrases)
    if (auto it = role.uses.find(phrase.how); it != role.uses.end()) clauses.push_back(phrase.say(it->second));
  for (const auto& [how, use] : role.uses) {
    const bool known =
        std::any_of(std::begin(phrases), std::end(phrases), [&](const Phrase& p) { return how == p.how; });
    if (!known) clauses.push_back(how + " (" + listed(use) + ")");
  }
  if (!role.members.empty())
    clauses.push_back(joined(role.members) + (role.members.size() == 1
                                                  ? ", which the restore needs, is a member of it"
                                                  : ", which the restore needs, are members of it"));
  return clauses;
}

std::string hint_for(const NeededRole& role) {
  const bool in_definitions = role.uses.count("policy") || role.uses.count("user mapping");
  if (in_definitions)
    return "Create it on the target before the restore (pg_dumpall --roles-only shows its definition): "
           "pg_restore drops a policy or user mapping that names a missing role, even with "
           "--no-owner --no-privileges.";
  if (role.uses.empty())
    return "Create it on the target before the restore and grant it to its members as on the source "
           "(pg_dumpall --roles-only shows both).";
  return "Create it on the target before the restore (pg_dumpall --roles-only shows its definition), "
         "or restore with --no-owner --no-privileges.";
}

using Membership = std::pair<std::string, std::string>;  // member, role

std::set<Membership> memberships(pg::Session& session) {
  std::set<Membership> out;
  for (const auto& row : session.query(memberships_sql(session.server_version_num())).rows)
    out.emplace(row.at(0).value_or(""), row.at(1).value_or(""));
  return out;
}

}  // namespace

const CheckInfo& RolesExistOnTarget::info() const {
  static const CheckInfo info{
      .id = "roles.exist-on-target",
      .phases = {Phase::pre},
      .summary = "every role a restore of the source names exists on the target, with its memberships",
      .rationale =
          "pg_dump dumps a database, not the cluster's roles: its ALTER ... OWNER TO, GRANT, "
          "CREATE POLICY ... TO, ALTER DEFAULT PRIVILEGES FOR ROLE and CREATE USER MAPPING FOR "
          "statements name roles the new server may not have, and a privilege granted by a role "
          "other than the owner is restored as that role. pg_restore then reports errors and "
          "carries on: objects stay owned by the restoring user, privileges are missing, and a "
          "row-level-security policy naming the role is not created at all, so a restrictive "
          "policy that kept rows from that role is gone. Roles the needed ones are members of on "
          "the source are needed too, and a membership the target lacks between two roles it has "
          "loses the privileges the application gets through it.",
      .remediation =
          "Create the missing roles and memberships on the target before the restore "
          "(pg_dumpall --roles-only on the source gives their definitions and GRANTs; passwords "
          "need resetting if the target refuses MD5). Restoring with --no-owner --no-privileges "
          "avoids ownerships and grants, but not the policies and user mappings that name a role.",
      .options = "source_dsn, target_dsn",
      .applies_to =
          "sources on PostgreSQL 10 or later. Owners of what pg_dump restores (schemas, relations, functions, "
          "types, languages, foreign data wrappers and servers, large objects, collations, conversions, text "
          "search configurations and dictionaries, operators and their classes and families, statistics "
          "objects, event triggers, publications, subscriptions, and with --create the database); grantees and "
          "grantors of their privileges, columns' included, and of privileges changed on pg_catalog and "
          "extension objects; roles in row-level-security policies, default privileges, user mappings and this "
          "database's role settings; the roles those are members of, and memberships into or out of them. Not "
          "extensions' owners, which a dump does not name, nor PUBLIC and pg_* roles",
  };
  return info;
}

CheckResult RolesExistOnTarget::run(Context& context) const {
  auto source = connect_source(context);
  auto used = source->query(roles_used_sql);
  const std::set<Membership> source_memberships = memberships(*source);
  auto target = connect_target(context);
  std::set<std::string> present;
  for (const auto& row : target->query("/* pgverify roles present */ SELECT rolname FROM pg_catalog.pg_roles").rows)
    present.insert(row.at(0).value_or(""));
  const std::set<Membership> target_memberships = memberships(*target);

  std::map<std::string, NeededRole> needed;
  for (const auto& row : used.rows) {
    Use& use = needed[row.at(0).value_or("")].uses[row.at(1).value_or("")];
    use.total = std::stol(row.at(2).value_or("0"));
    use.examples.push_back(row.at(3).value_or(""));
  }
  // A needed role brings the roles it is a member of on the source, and theirs.
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [member, role] : source_memberships) {
      if (predefined(role) || !needed.count(member)) continue;
      grew = needed[role].members.insert(member).second || grew;
    }
  }

  std::vector<Finding> findings;
  std::size_t missing_roles = 0;
  for (const auto& [name, role] : needed) {
    if (present.count(name)) continue;
    ++missing_roles;
    std::string message;
    for (const auto& clause : describe_uses(role)) message += clause + "; ";
    findings.push_back({"role " + name, "exists on the target", "missing",
                        message + "it does not exist on " + describe_server("the target server", *target),
                        hint_for(role)});
  }
  // Memberships into or out of a needed role, between roles the target has
  // (a missing role is reported above).
  std::size_t missing_memberships = 0;
  for (const auto& membership : source_memberships) {
    const auto& [member, role] = membership;
    if (!needed.count(member) && !needed.count(role)) continue;
    if (!present.count(member) || !present.count(role) || target_memberships.count(membership)) continue;
    ++missing_memberships;
    findings.push_back({"membership of " + member + " in " + role, "member", "not a member",
                        member + " is a member of " + role + " on the source but not on " +
                            describe_server("the target server", *target) + ": the privileges it gets through " + role +
                            " would be lost",
                        "Grant " + role + " to " + member +
                            " on the target before the restore, as on the source "
                            "(pg_dumpall --roles-only shows the GRANT)."});
  }

  const std::string counted = std::to_string(needed.size() - missing_roles) + " of " + std::to_string(needed.size()) +
                              " roles the source uses exist on the target";
  if (findings.empty()) return make_result(Status::pass, counted);
  std::string summary = counted;
  if (missing_roles > 0) summary += "; " + std::to_string(missing_roles) + " missing";
  if (missing_memberships > 0)
    summary += "; " + plural(static_cast<long>(missing_memberships), "membership", "memberships") + " missing";
  return make_result(Status::fail, summary, std::move(findings));
}

}  // namespace pgverify::checks
