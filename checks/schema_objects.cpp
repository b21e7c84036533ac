#include "checks/checks.hpp"

#include <map>
#include <tuple>

#include "checks/common.hpp"
#include "inventory/schema_inventory.hpp"

namespace pgverify::checks {

namespace {

bool is_acl_kind(const std::string& kind) { return kind == "acl" || kind == "default acl"; }

// The kind as a noun for "the target has a ... the source did not have".
std::string noun(const std::string& kind) {
  if (kind == "acl") return "set of privileges";
  if (kind == "default acl") return "default privileges entry";
  if (kind == "row security") return "row-level security setting";
  if (kind == "policy") return "row-level security policy";
  return kind;
}

std::string acl_or_empty(const std::string& detail) { return detail == "(none)" ? "" : detail; }

// How a finding names the object: "privileges on table public.t", "policy public.t.p".
std::string object_name(const SchemaObject& object) {
  if (object.kind == "acl") return "privileges on " + object.name;
  if (object.kind == "default acl") return "default privileges " + object.name;
  if (object.kind == "row security") return "row security on table " + object.name;
  if (object.kind == "comment") return "comment on " + object.name;
  return object.kind + " " + object.name;
}

Finding missing_finding(const SchemaObject& expected) {
  const std::string object = object_name(expected);
  if (expected.kind == "acl")
    return {object, expected.detail, "the defaults, or the object is missing",
            "the privileges on " + expected.name + " are not on the target: " +
                describe_acl_change(acl_or_empty(expected.detail), ""),
            "GRANT them again on the target; pg_restore drops a GRANT to a role the target lacks (see "
            "roles.exist-on-target) and goes on."};
  if (expected.kind == "default acl")
    return {object, expected.detail, "missing",
            "the default privileges " + expected.name + " are not on the target: " +
                describe_acl_change(acl_or_empty(expected.detail), "") +
                ", so objects created from now on will not get them",
            "Run ALTER DEFAULT PRIVILEGES again on the target as the source had it."};
  if (expected.kind == "policy")
    return {object, expected.detail, "missing",
            "the row-level security policy " + expected.name + " is missing on the target (" + expected.detail +
                "): what it allowed or kept from those roles is no longer enforced",
            "Create the policy again on the target; a policy naming a role the target lacked was dropped by "
            "pg_restore (see roles.exist-on-target)."};
  if (expected.kind == "row security")
    return {object, expected.detail, "disabled",
            "row-level security is not enabled on " + expected.name +
                " on the target: its policies are not applied, and every role with privileges on the table "
                "sees and changes every row",
            "Run ALTER TABLE " + expected.name + " ENABLE ROW LEVEL SECURITY" +
                (expected.detail.find("forced") != std::string::npos ? " and FORCE ROW LEVEL SECURITY" : "") +
                " on the target before the services come back."};
  if (expected.kind == "database setting")
    return {object, expected.detail, "not set",
            "the database setting " + expected.name + " = " + expected.detail +
                " is not set on the target database: sessions there run with the server's default",
            "pg_restore restores ALTER DATABASE ... SET only with --create; run ALTER DATABASE (or ALTER ROLE ... IN "
            "DATABASE) ... SET on the target as the source had it."};
  if (expected.kind == "subscription")
    return {object, expected.detail, "missing",
            "the subscription " + expected.name + " is missing on the target, so nothing replicates into it",
            "pg_dump dumps subscriptions only when run as a superuser; CREATE SUBSCRIPTION again on the target "
            "(its connection string is not in the baseline), then ENABLE it."};
  return {object, expected.detail, "missing", "the " + expected.kind + " is missing on the target",
          "Look for the error about it in pg_restore's output, fix the cause and create it."};
}

Finding different_finding(const SchemaObject& expected, const std::string& actual) {
  const std::string object = object_name(expected);
  if (is_acl_kind(expected.kind))
    return {object, expected.detail, actual,
            "the " + std::string(expected.kind == "acl" ? "privileges on " : "default privileges ") + expected.name +
                " differ on the target: " + describe_acl_change(acl_or_empty(expected.detail), acl_or_empty(actual)),
            "GRANT or REVOKE on the target until they match the source; pg_restore drops a GRANT to a role the "
            "target lacks (see roles.exist-on-target)."};
  if (expected.kind == "row security")
    return {object, expected.detail, actual,
            "row-level security on " + expected.name + " is " + actual + " on the target, " + expected.detail +
                " on the source",
            "ALTER TABLE " + expected.name + " as the source had it (ENABLE / FORCE ROW LEVEL SECURITY)."};
  if (expected.kind == "view query")
    return {"view " + expected.name, expected.detail, actual,
            "the view's query on the target is not the source's (the source's query, parsed by the target's "
            "PostgreSQL, reads otherwise): it returns other rows or columns",
            "Recreate the view on the target with the source's definition (CREATE OR REPLACE VIEW " + expected.name +
                " AS ...expected...)."};
  return {object, expected.detail, actual, "the " + expected.kind + " is defined differently on the target",
          "Compare the two definitions; recreate it as the source had it unless the difference is intended."};
}

}  // namespace

const CheckInfo& SchemaObjects::info() const {
  static const CheckInfo info{
      .id = "schema.objects",
      .phases = {Phase::post},
      .summary = "the target's schema holds every object of the baseline's inventory, defined the same, with the "
                 "same privileges and policies",
      .rationale =
          "pg_restore carries on past errors by default: an index whose definition the new major "
          "refuses, a constraint on a missing function, an extension created in another schema "
          "or a role that does not exist leave the data in place and the schema quietly short. "
          "Missing indexes show up later as slow queries, missing constraints as bad data. A restore "
          "into a cluster without the source's roles loses, without failing, every GRANT to them and "
          "the row-level security policies that name them: rows become visible to roles that must not "
          "see them.",
      .remediation =
          "Read pg_restore's output for the error about the named object, fix its cause (a "
          "missing role or extension, a definition the new major rejects) and create the object "
          "on the target with the definition shown as expected; GRANT what the finding says was lost.",
      .options = "target_dsn; the baseline manifest",
      .applies_to =
          "schemas, tables, views, columns with types and defaults, indexes, constraints, functions, "
          "triggers, extensions, sequences and types of the user's schemas, with their owners; privileges "
          "(tables, columns, sequences, schemas, functions, types, languages, foreign data wrappers and "
          "servers, the database), default privileges, row-level security policies and flags, user "
          "mappings, rules, statistics objects, publications, subscriptions, event triggers, comments and the "
          "database's settings (ALTER DATABASE / ALTER ROLE IN DATABASE ... SET). Functions with their "
          "language, volatility, strictness, security definer, leakproof, parallel safety, cost, SET options and "
          "an MD5 of their body (SQL-standard bodies are deparsed by each major its own way and left out); views "
          "with their options, the tables, columns and functions their query reads, and the query itself: the "
          "source's text is parsed again on the target (a temporary view, rolled back) and compared as the target "
          "prints it, since each major prints a query its own way. Large objects' "
          "privileges: data.large-objects. A relation's MAINTAIN privilege (PostgreSQL 17) is not "
          "compared when the source is older than 17.",
      .needs_baseline = true,
  };
  return info;
}

CheckResult SchemaObjects::run(Context& context) const {
  const Manifest& baseline = *context.baseline;
  // An empty inventory is compared too: a source without a single object of
  // its own (not even the public schema) has a target just as empty.
  auto target = connect_target(context);
  std::vector<SchemaObject> captured = inventory::capture_schema(*target);
  inventory::align_with_source(captured, baseline.server_version_num);
  const std::string view_note = inventory::align_view_queries(*target, baseline.schema, captured);
  std::map<std::pair<std::string, std::string>, std::string> actual;
  for (auto& object : captured) actual[{object.kind, object.name}] = std::move(object.detail);

  FindingList findings;
  std::size_t missing = 0, different = 0;
  for (const SchemaObject& expected : baseline.schema) {
    auto found = actual.find({expected.kind, expected.name});
    if (found == actual.end()) {
      ++missing;
      findings.add(missing_finding(expected));
      continue;
    }
    if (found->second != expected.detail) {
      ++different;
      findings.add(different_finding(expected, found->second));
    }
    actual.erase(found);
  }
  for (const auto& [key, detail] : actual)
    findings.add(extra_on_target(object_name({key.first, key.second, ""}), noun(key.first), detail));
  const std::size_t extra = actual.size();

  const std::size_t total = baseline.schema.size();
  const std::string counted =
      std::to_string(total - missing - different) + " of " + std::to_string(total) + " schema objects match" +
      (view_note.empty() ? "" : " (" + view_note + ")");
  return compared_with_baseline(counted, {{missing, "missing"}, {different, "differ"}}, extra, findings.take());
}

}  // namespace pgverify::checks
