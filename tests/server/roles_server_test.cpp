// roles.exist-on-target against real servers: a PG17 source database that
// names a role somewhere pg_dump writes it, a PG18 target without the role
// (fails, naming it and where it is used) and then with it (passes). Roles are
// cluster-wide and shared with everyone using these servers: every role here
// starts with pgv_rt_ and is dropped at the end of its test.

#include <catch2/catch.hpp>

#include "checks/checks.hpp"
#include "support/servers.hpp"

using namespace pgverify;
using testing::real_server;
using testing::ScratchRoles;

namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// SQL run in a database before it is dropped (a subscription must be
// detached from its slot first).
class Teardown {
 public:
  Teardown(const testing::ScratchDatabase& database, std::string sql) : m_database(database), m_sql(std::move(sql)) {}
  ~Teardown() {
    try {
      if (!m_sql.empty()) m_database.exec(m_sql);
    } catch (...) {
    }
  }
  Teardown(const Teardown&) = delete;
  Teardown& operator=(const Teardown&) = delete;

 private:
  const testing::ScratchDatabase& m_database;
  std::string m_sql;
};

// A place where a restore names a role: the SQL that puts the role there
// ($ROLE, and $DB for the database's name), and how the finding describes it.
struct Place {
  std::string where;
  std::string sql;
  std::string described;
  std::string role_options = "";
  std::string teardown = "";
};

const char* const rls_table =
    "CREATE TABLE accounts (id int, tenant text); ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;";
const char* const wrapper_and_server = "CREATE FOREIGN DATA WRAPPER w; CREATE SERVER s FOREIGN DATA WRAPPER w;";

const std::vector<Place>& places() {
  static const std::vector<Place> all = {
      {"a policy TO the role",
       std::string(rls_table) + "CREATE POLICY p_tenant ON accounts TO $ROLE USING (tenant = current_user)",
       "named in policy p_tenant on public.accounts"},
      {"a restrictive policy",
       std::string(rls_table) +
           "CREATE POLICY p_tenant ON accounts USING (true);"
           "CREATE POLICY p_own_rows ON accounts AS RESTRICTIVE FOR SELECT TO $ROLE USING (tenant = current_user)",
       "named in restrictive policy p_own_rows on public.accounts"},
      {"default privileges FOR ROLE",
       "CREATE SCHEMA app; ALTER DEFAULT PRIVILEGES FOR ROLE $ROLE IN SCHEMA app GRANT SELECT ON TABLES TO PUBLIC",
       "default privileges for tables in schema app"},
      {"default privileges TO the role",
       "CREATE SCHEMA app; ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO $ROLE",
       "granted default privileges for tables in schema app by postgres"},
      {"a user mapping", std::string(wrapper_and_server) + "CREATE USER MAPPING FOR $ROLE SERVER s",
       "user mapping for server s"},
      {"a column grant", "CREATE TABLE accounts (id int, secret text); GRANT SELECT (id) ON accounts TO $ROLE",
       "granted privileges on 1 object (table column public.accounts.id)"},
      {"a grantor",
       "CREATE TABLE t (id int); GRANT SELECT ON t TO $ROLE WITH GRANT OPTION; SET ROLE $ROLE; GRANT SELECT ON t TO "
       "PUBLIC; RESET ROLE",
       "granted privileges on 1 object (table public.t); grantor of privileges on 1 object (table public.t)"},
      {"a large object's owner", "SELECT lo_create(424242); ALTER LARGE OBJECT 424242 OWNER TO $ROLE",
       "owns 1 object (large object 424242)"},
      {"a large object's ACL", "SELECT lo_create(424243); GRANT SELECT ON LARGE OBJECT 424243 TO $ROLE",
       "granted privileges on 1 object (large object 424243)"},
      {"a language's owner",
       "CREATE LANGUAGE pgv_rt_lang HANDLER plpgsql_call_handler; ALTER LANGUAGE pgv_rt_lang OWNER TO $ROLE",
       "owns 1 object (language pgv_rt_lang)"},
      {"a language's ACL",
       "CREATE TRUSTED LANGUAGE pgv_rt_lang HANDLER plpgsql_call_handler; GRANT USAGE ON LANGUAGE pgv_rt_lang TO $ROLE",
       "granted privileges on 1 object (language pgv_rt_lang)"},
      // A foreign data wrapper's, an event trigger's and (before 16) a subscription's owner must be superusers.
      {"a foreign data wrapper's owner", "CREATE FOREIGN DATA WRAPPER w; ALTER FOREIGN DATA WRAPPER w OWNER TO $ROLE",
       "owns 1 object (foreign-data wrapper w)", "SUPERUSER"},
      {"a foreign data wrapper's ACL", "CREATE FOREIGN DATA WRAPPER w; GRANT USAGE ON FOREIGN DATA WRAPPER w TO $ROLE",
       "granted privileges on 1 object (foreign-data wrapper w)"},
      {"a server's owner",
       std::string(wrapper_and_server) +
           "GRANT USAGE ON FOREIGN DATA WRAPPER w TO $ROLE; ALTER SERVER s OWNER TO $ROLE",
       "owns 1 object (server s); granted privileges on 1 object (foreign-data wrapper w)"},
      {"a server's ACL", std::string(wrapper_and_server) + "GRANT USAGE ON FOREIGN SERVER s TO $ROLE",
       "granted privileges on 1 object (server s)"},
      {"an event trigger's owner",
       "CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END';"
       "CREATE EVENT TRIGGER on_ddl ON ddl_command_start EXECUTE FUNCTION on_ddl(); ALTER EVENT TRIGGER on_ddl OWNER "
       "TO $ROLE",
       "owns 1 object (event trigger on_ddl)", "SUPERUSER"},
      {"a publication's owner", "CREATE PUBLICATION pub; ALTER PUBLICATION pub OWNER TO $ROLE",
       "owns 1 object (publication pub)"},
      {"a subscription's owner",
       "CREATE SUBSCRIPTION sub CONNECTION 'dbname=pgv_rt_nowhere' PUBLICATION pub WITH (connect = false);"
       "ALTER SUBSCRIPTION sub OWNER TO $ROLE",
       "owns 1 object (subscription sub)", "SUPERUSER",
       "ALTER SUBSCRIPTION sub SET (slot_name = NONE); DROP SUBSCRIPTION sub"},
      {"a collation's owner", "CREATE COLLATION coll (locale = 'C'); ALTER COLLATION coll OWNER TO $ROLE",
       "owns 1 object (collation public.coll)"},
      {"a conversion's owner",
       "CREATE CONVERSION conv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8; ALTER CONVERSION conv OWNER TO $ROLE",
       "owns 1 object (conversion public.conv)"},
      {"a text search configuration's owner",
       "CREATE TEXT SEARCH CONFIGURATION cfg (COPY = pg_catalog.simple); ALTER TEXT SEARCH CONFIGURATION cfg OWNER TO "
       "$ROLE",
       "owns 1 object (text search configuration public.cfg)"},
      {"a text search dictionary's owner",
       "CREATE TEXT SEARCH DICTIONARY dict (TEMPLATE = pg_catalog.simple); ALTER TEXT SEARCH DICTIONARY dict OWNER TO "
       "$ROLE",
       "owns 1 object (text search dictionary public.dict)"},
      {"an operator's owner",
       "CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq); ALTER OPERATOR === (int, int) OWNER TO "
       "$ROLE",
       "owns 1 object (operator public.===(integer,integer))"},
      {"an operator family's owner",
       "CREATE OPERATOR FAMILY fam USING btree; ALTER OPERATOR FAMILY fam USING btree OWNER TO $ROLE",
       "owns 1 object (operator family public.fam USING btree)"},
      {"an operator class's owner",
       "CREATE OPERATOR CLASS cls FOR TYPE int USING btree AS OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 "
       ">=, "
       "OPERATOR 5 >, FUNCTION 1 btint4cmp(int, int); ALTER OPERATOR CLASS cls USING btree OWNER TO $ROLE",
       "owns 1 object (operator class public.cls USING btree)"},
      {"a statistics object's owner",
       "CREATE TABLE t (a int, b int); CREATE STATISTICS stx ON a, b FROM t; ALTER STATISTICS stx OWNER TO $ROLE",
       "owns 1 object (statistics object public.stx)"},
      {"a composite type's ACL", "CREATE TYPE pair AS (a int, b int); GRANT USAGE ON TYPE pair TO $ROLE",
       "granted privileges on 1 object (type public.pair)"},
      {"a privilege on a pg_catalog function", "GRANT EXECUTE ON FUNCTION pg_catalog.pg_ls_dir(text) TO $ROLE",
       "granted privileges on 1 object (function pg_catalog.pg_ls_dir(pg_catalog.text))"},
      {"settings in the database", "ALTER ROLE $ROLE IN DATABASE $DB SET work_mem = '8MB'",
       "settings in this database (ALTER ROLE ... IN DATABASE)"},
  };
  return all;
}

}  // namespace

TEST_CASE("roles.exist-on-target: owners and grantees missing on the target fail", "[server][roles]") {
  ScratchRoles roles(real_server(17), {"pgv_rt_owner", "pgv_rt_reader"});
  testing::ScratchDatabase source(real_server(17), "pgv_rt_roles_src");
  testing::ScratchDatabase target(real_server(18), "pgv_rt_roles_dst");
  source.exec(
      "CREATE TABLE t (id int); ALTER TABLE t OWNER TO pgv_rt_owner; GRANT SELECT ON t TO pgv_rt_reader;"
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'; ALTER FUNCTION f() OWNER TO pgv_rt_owner");
  testing::RealTenant tenant(source.dsn(), target.dsn());
  auto result = tenant.run(checks::RolesExistOnTarget());
  INFO(testing::finding_lines(result));
  CHECK(result.status == Status::fail);
  CHECK(testing::finding_lines(result) == "role pgv_rt_owner | missing\nrole pgv_rt_reader | missing\n");
  CHECK_THAT(result.findings.at(0).message,
             Catch::StartsWith(
                 "owns 2 objects (function public.f() and table public.t); it does not exist on the target server"));
  CHECK_THAT(
      result.findings.at(1).message,
      Catch::StartsWith("granted privileges on 1 object (table public.t); it does not exist on the target server"));

  ScratchRoles on_target(real_server(18), {"pgv_rt_owner", "pgv_rt_reader"});
  result = tenant.run(checks::RolesExistOnTarget());
  INFO(testing::finding_lines(result));
  CHECK(result.status == Status::pass);
}

TEST_CASE("roles.exist-on-target: a role named anywhere a restore needs it fails until the target has it",
          "[server][roles]") {
  for (const Place& place : places()) {
    DYNAMIC_SECTION(place.where) {
      const std::string role = "pgv_rt_used";
      ScratchRoles roles(real_server(17), {role}, place.role_options);
      testing::ScratchDatabase source(real_server(17), "pgv_rt_place");
      source.exec(replace_all(replace_all(place.sql, "$ROLE", role), "$DB", source.name()));
      Teardown teardown(source, place.teardown);
      testing::RealTenant tenant(source.dsn(), real_server(18).dsn);

      auto missing = tenant.run(checks::RolesExistOnTarget());
      INFO(testing::finding_lines(missing));
      CHECK(missing.status == Status::fail);
      CHECK(testing::finding_lines(missing) == "role " + role + " | missing\n");
      REQUIRE_FALSE(missing.findings.empty());
      CHECK_THAT(missing.findings[0].message,
                 Catch::StartsWith(place.described + "; it does not exist on the target server"));

      ScratchRoles on_target(real_server(18), {role}, place.role_options);
      auto present = tenant.run(checks::RolesExistOnTarget());
      INFO(testing::finding_lines(present));
      CHECK(present.status == Status::pass);
    }
  }
}

TEST_CASE("roles.exist-on-target: a needed role's memberships must be on the target too", "[server][roles]") {
  ScratchRoles source_roles(real_server(17), {"pgv_rt_app", "pgv_rt_app_group", "pgv_rt_login"});
  testing::ScratchDatabase source(real_server(17), "pgv_rt_members");
  source.exec(
      "CREATE TABLE t (id int); ALTER TABLE t OWNER TO pgv_rt_app;"
      "GRANT pgv_rt_app_group TO pgv_rt_app; GRANT pgv_rt_app TO pgv_rt_login");
  testing::RealTenant tenant(source.dsn(), real_server(18).dsn);

  ScratchRoles target_roles(real_server(18), {"pgv_rt_app", "pgv_rt_login"});
  auto without_group = tenant.run(checks::RolesExistOnTarget());
  INFO(testing::finding_lines(without_group));
  CHECK(without_group.status == Status::fail);
  // pgv_rt_login uses nothing itself but exists on the target, where it is not a member of pgv_rt_app.
  CHECK(testing::finding_lines(without_group) ==
        "role pgv_rt_app_group | missing\nmembership of pgv_rt_login in pgv_rt_app | not a member\n");
  CHECK_THAT(without_group.findings.at(0).message,
             Catch::StartsWith(
                 "pgv_rt_app, which the restore needs, is a member of it; it does not exist on the target server"));

  ScratchRoles target_group(real_server(18), {"pgv_rt_app_group"});
  auto without_memberships = tenant.run(checks::RolesExistOnTarget());
  INFO(testing::finding_lines(without_memberships));
  CHECK(without_memberships.status == Status::fail);
  CHECK(testing::finding_lines(without_memberships) ==
        "membership of pgv_rt_app in pgv_rt_app_group | not a member\nmembership of pgv_rt_login in pgv_rt_app | not a "
        "member\n");
  CHECK_THAT(without_memberships.summary, Catch::EndsWith("; 2 memberships missing"));

  target_group.admin("GRANT pgv_rt_app_group TO pgv_rt_app; GRANT pgv_rt_app TO pgv_rt_login");
  auto complete = tenant.run(checks::RolesExistOnTarget());
  INFO(testing::finding_lines(complete));
  CHECK(complete.status == Status::pass);
}

TEST_CASE("roles.exist-on-target: the owner of an extension's objects is not needed", "[server][roles]") {
  // CREATE EXTENSION during the restore makes its objects the restoring user's;
  // the dump names neither their owner nor the extension's.
  ScratchRoles roles(real_server(17), {"pgv_rt_ext_owner"}, "SUPERUSER");
  ScratchRoles grantee(real_server(17), {"pgv_rt_ext_user"});
  testing::ScratchDatabase source(real_server(17), "pgv_rt_ext");
  source.exec("SET ROLE pgv_rt_ext_owner; CREATE EXTENSION pg_trgm; RESET ROLE");
  testing::RealTenant tenant(source.dsn(), real_server(18).dsn);
  auto result = tenant.run(checks::RolesExistOnTarget());
  INFO(testing::finding_lines(result));
  CHECK(result.status == Status::pass);

  // A privilege granted on one of them afterwards is dumped, and needs its grantee.
  source.exec("GRANT EXECUTE ON FUNCTION similarity(text, text) TO pgv_rt_ext_user");
  result = tenant.run(checks::RolesExistOnTarget());
  INFO(testing::finding_lines(result));
  CHECK(testing::finding_lines(result) == "role pgv_rt_ext_user | missing\n");
}
