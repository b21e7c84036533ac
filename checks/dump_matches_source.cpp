#include "checks/dump_matches_source.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <set>
#include <string_view>

#include "checks/common.hpp"
#include "inventory/dump_extras.hpp"

namespace pgverify::checks {

namespace {

constexpr const char* kRetakeHint =
    "The dump was incomplete or the source changed after it was taken (were all services scaled "
    "down?): take it again in-cluster without port-forward and run pre again.";

// The TOC's TABLE entries: a table pg_dump dumped without its data.
std::set<std::string> tables_in_toc(const dump::ArchiveToc& toc) {
  std::set<std::string> names;
  for (const auto& entry : toc.entries)
    if (entry.desc == "TABLE") names.insert(entry.plain_name());
  return names;
}

constexpr const char* kStatementsMessage =
    "the dump holds the table's data as INSERT statements (pg_dump --inserts/--column-inserts), which pgverify "
    "cannot compare row by row";
constexpr const char* kStatementsHint =
    "Take the dump without --inserts, --column-inserts and --rows-per-insert (pg_dump -Fc writes COPY data), then "
    "run pre again: nothing proves yet that this dump holds the source's rows.";
constexpr const char* kColumnsHint =
    "The dump is not of the source as it is now (a migration added, dropped or renamed columns after it was "
    "taken?) or it was changed: take it again after the services were scaled down.";

// "(id, a, b)"
std::string column_list(const std::vector<std::string>& columns) {
  std::string out = "(";
  for (const auto& column : columns) out += (out.size() > 1 ? ", " : "") + column;
  return out + ")";
}

constexpr const char* kLargeObjectsHint =
    "Take the dump without -B / --no-large-objects (and without --schema-only), after the services were scaled down.";

std::string describe(const hash::LargeObjectDigest& object) {
  return std::to_string(object.size) + " bytes, hash " + object.hex();
}

struct LargeObjectComparison {
  bool involved = false;  // the source or the dump has large objects
  std::size_t matching = 0, differ = 0, missing = 0, extra = 0;
};

// The dump's large objects against the source's, object by object (both in
// OID order): bytes (size and hash) always, the owner when the dump records one.
LargeObjectComparison compare_large_objects(const DumpDigest& dump, const hash::DatabaseHash& source,
                                            FindingList& findings) {
  LargeObjectComparison c;
  if (!source.large_objects_hashed) return c;
  const auto& live = source.large_objects;
  const auto& dumped = dump.large_objects;
  c.involved = !live.empty() || dump.holds_large_objects;
  if (!c.involved) return c;
  if (!dump.holds_large_objects) {
    c.missing = live.size();
    findings.add({"large objects", std::to_string(live.size()) + " large objects", "none in the dump",
                  "the dump holds none of the source's " + std::to_string(live.size()) +
                      " large objects (was it taken with pg_dump -B / --no-large-objects?)",
                  kLargeObjectsHint});
    return c;
  }
  auto name = [](std::uint32_t oid) { return "large object " + std::to_string(oid); };
  std::size_t i = 0, j = 0;
  while (i < live.size() || j < dumped.size()) {
    if (j == dumped.size() || (i < live.size() && live[i].oid < dumped[j].oid)) {
      ++c.missing;
      const bool listed_only = dump.toc.listed_large_object(live[i].oid) != nullptr;
      findings.add({name(live[i].oid), describe(live[i]), listed_only ? "no data" : "not in the dump",
                    listed_only ? "the dump lists the large object but holds none of its bytes"
                                : "the large object is not in the dump",
                    kLargeObjectsHint});
      ++i;
    } else if (i == live.size() || dumped[j].oid < live[i].oid) {
      ++c.extra;
      findings.add({name(dumped[j].oid), "not in the source", describe(dumped[j]),
                    "the dump holds a large object the live source does not have",
                    "Check that the dump is of this tenant's database."});
      ++j;
    } else {
      const auto& a = live[i];
      const auto& b = dumped[j];
      if (a.size != b.size || a.hash != b.hash) {
        ++c.differ;
        findings.add({name(a.oid), describe(a), describe(b),
                      a.size != b.size ? "the dump holds " + std::to_string(b.size) + " bytes of the source's " +
                                             std::to_string(a.size)
                                       : "the dump holds as many bytes as the source, but different ones",
                      kRetakeHint});
      } else if (!b.owner.empty() && !a.owner.empty() && a.owner != b.owner) {
        ++c.differ;
        findings.add({name(a.oid), "owned by " + a.owner, "owned by " + b.owner,
                      "the dump records another owner than the source has",
                      "Take the dump again after ownership changes are done; pg_restore sets the owner the dump "
                      "records."});
      } else {
        ++c.matching;
      }
      ++i;
      ++j;
    }
  }
  return c;
}

// The kinds of objects pg_dump gives an owner (ALTER ... OWNER TO), as its
// TOC entries name them: one of them without an owner is pg_dump -O.
bool has_owner_kind(std::string_view desc) {
  static constexpr std::array<std::string_view, 11> kinds{
      "AGGREGATE", "DOMAIN", "FOREIGN TABLE", "FUNCTION", "MATERIALIZED VIEW", "PROCEDURE",
      "SCHEMA", "SEQUENCE", "TABLE", "TYPE", "VIEW"};
  return std::find(kinds.begin(), kinds.end(), desc) != kinds.end();
}

// What a dump of the whole source must hold besides data, judged by kind:
// the source has some and the dump none is what pg_dump --no-privileges,
// --no-publications, --no-comments and (plain dumps) --no-owner leave.
// Objects are not compared one by one; schema.objects does that after the
// restore. Returns how many kinds the dump lacks.
std::size_t judge_extras(const inventory::DumpableExtras& source, const DumpDigest& dump,
                         std::vector<Finding>& findings) {
  std::size_t acls = 0, publications = 0, comments = 0, policies = 0, owned = 0, with_owner = 0;
  for (const auto& entry : dump.toc.entries) {
    if (entry.desc == "ACL" || entry.desc == "DEFAULT ACL") ++acls;
    else if (entry.desc == "POLICY") ++policies;
    else if (entry.desc.rfind("PUBLICATION", 0) == 0) ++publications;
    else if (entry.desc == "COMMENT") ++comments;
    else if (has_owner_kind(entry.desc)) {
      ++owned;
      if (!entry.owner.empty()) ++with_owner;
    }
  }
  // A plain dump tells what it holds by pg_dump's comment above each object;
  // SQL without them (written by hand, or by another tool) cannot be judged.
  if (dump.toc.header.format == dump::ArchiveFormat::plain && owned == 0) return 0;
  // Large objects' privileges and comments are judged with the objects: a
  // dump taken with -B lacks them for that reason, and says so above.
  const std::uint64_t live_acls = source.privileges + source.default_privileges +
                                  (dump.holds_large_objects ? source.large_object_privileges : 0);
  const std::uint64_t live_comments = source.comments + (dump.holds_large_objects ? source.large_object_comments : 0);
  std::size_t lacking = 0;
  auto lacks = [&](const std::string& object, std::uint64_t count, const std::string& what, const std::string& message,
                   const std::string& hint) {
    ++lacking;
    findings.push_back({object, std::to_string(count) + " " + what, "none in the dump", message, hint});
  };
  if (live_acls > 0 && acls == 0)
    lacks("privileges", live_acls,
          live_acls == 1 ? "object with granted or revoked privileges" : "objects with granted or revoked privileges",
          "the dump holds none of the source's privileges (no ACL entries): was it taken with pg_dump -x / "
          "--no-privileges? Restored from it, every GRANT is gone",
          "Take the dump without -x / --no-privileges / --no-acl.");
  if (source.publications > 0 && publications == 0)
    lacks("publications", source.publications, source.publications == 1 ? "publication" : "publications",
          "the dump holds none of the source's publications: was it taken with pg_dump --no-publications (or "
          "with --schema / --table, which leave every publication out)? Subscribers of the restored database "
          "would find nothing to replicate",
          "Take the dump of the whole database without --no-publications.");
  if (source.policies > 0 && policies == 0)
    lacks("policies", source.policies, source.policies == 1 ? "row-level security policy" : "row-level security policies",
          "the dump holds none of the source's row-level security policies: was it taken with pg_dump --no-policies? "
          "Restored from it, the tables keep row-level security enabled with no policy, so every role but the "
          "owner sees no rows",
          "Take the dump without --no-policies.");
  if (live_comments > 0 && comments == 0)
    lacks("comments", live_comments, live_comments == 1 ? "comment" : "comments",
          "the dump holds none of the source's comments (COMMENT ON): was it taken with pg_dump --no-comments?",
          "Take the dump without --no-comments.");
  if (owned > 0 && with_owner == 0)
    lacks("owners", owned, owned == 1 ? "object with its owner" : "objects with their owners",
          "the dump records no owner for any of its tables, views, sequences, functions, types and schemas: was "
          "it taken with pg_dump -O / --no-owner? Restored from it, every object belongs to the role that ran the "
          "restore",
          "Take the dump without -O / --no-owner (pg_restore --no-owner can still leave owners out at restore time, "
          "if that is what is wanted).");
  return lacking;
}

}  // namespace

const CheckInfo& DumpMatchesSource::info() const {
  static const CheckInfo info{
      .id = "dump.matches-source",
      .phases = {Phase::pre},
      .summary = "every table's row count and content hash in the dump equal the live source",
      .rationale =
          "A readable dump can still hold the wrong rows: taken before the services were scaled "
          "down, with --exclude-table-data, from another database, or cut at a table boundary. "
          "Each table's rows inside the dump are hashed exactly as the live source's rows are "
          "hashed in text mode (pg_dump's own session settings and column lists), so equal "
          "hashes mean the dump holds the same rows, byte for byte. Large objects are compared "
          "object by object: OID, size, the hash of their bytes, and the owner the dump records; "
          "a dump taken with -B holds none of them. Each table's COPY statement must name the "
          "source's columns in the source's order (pg_dump leaves out generated and dropped "
          "ones): pg_restore puts every value into the column the statement names, so equal rows "
          "under another list (a migration that ran after the dump) land in other columns. "
          "Rows that pg_dump wrote as INSERT statements (--inserts, --column-inserts) cannot be "
          "compared row by row: such a table is an error (not compared), never a pass. And a "
          "dump of the whole database must hold what the source has besides data: when the "
          "source has privileges, publications or comments and the dump holds none of that kind "
          "(pg_dump -x / --no-privileges, --no-publications, --no-policies, --no-comments), or the dump records "
          "no owner at all (a plain dump taken with -O / --no-owner), every row restores and "
          "every GRANT, publication, comment or owner is gone. That is judged by kind only, and "
          "only when every source table is compared and found in the dump.",
      .remediation =
          "Scale the services down, take the dump again in-cluster (pg_dump -Fc, without --inserts, "
          "-x, -O, --no-publications or --no-comments), and run pre again before deleting the old "
          "volume.",
      .options = "--dump or tenants.X.dump_path, source_dsn, [tenants.X.hash] include/exclude/jobs "
                 "(with include or exclude, privileges, publications, comments and owners are not judged)",
      .applies_to = "every table and partition of the source (materialized views are refreshed by "
                    "the restore, not dumped; partitioned tables are compared through their partitions); "
                    "sources of PostgreSQL 10 and later",
  };
  return info;
}

CheckResult DumpMatchesSource::run(Context& context) const {
  if (!context.dump_path)
    return make_result(Status::skip, "no dump given (--dump or tenants." + context.tenant.name + ".dump_path)");
  const DumpDigest* digest = nullptr;
  try {
    digest = &context.evidence.dump_digest();
  } catch (const dump::DumpError& error) {
    return make_result(Status::skip, "the dump cannot be read (see dump.readable): " + error.reason());
  }
  // What a dump of only some tables lacks is not judged: tables left out
  // take their privileges, comments and publications with them.
  std::function<inventory::DumpableExtras()> source_extras;
  if (context.tenant.hash.include.empty() && context.tenant.hash.exclude.empty())
    source_extras = [&context] { return inventory::count_dumpable_extras(*connect_source(context)); };
  return compare_dump_with_source(*digest, context.evidence.source_text_hash(), source_extras);
}

CheckResult compare_dump_with_source(const DumpDigest& dump, const hash::DatabaseHash& source,
                                     const std::function<inventory::DumpableExtras()>& source_extras) {
  const DumpDigest* digest = &dump;
  const std::set<std::string> schema_only = tables_in_toc(digest->toc);

  std::vector<Finding> findings;
  std::size_t compared = 0, matching = 0, differ = 0, missing = 0, other_columns = 0, as_statements = 0;
  std::set<std::string> seen;
  for (const auto& relation : source.relations) {
    const hash::RelationSpec& spec = relation.relation;
    if (spec.kind == hash::RelationKind::partitioned || spec.kind == hash::RelationKind::matview) continue;
    ++compared;
    seen.insert(spec.name);
    const DumpTable* dumped = digest->table(spec.name);
    const std::string live = std::to_string(relation.digest.rows) + " rows";
    if (!dumped) {
      ++missing;
      const bool without_data = schema_only.count(spec.plain_name) > 0;
      findings.push_back({spec.name, live, without_data ? "no data" : "not in the dump",
                          without_data ? "the dump holds the table but not its data"
                                       : "the table is not in the dump",
                          without_data ? "Take the dump without --exclude-table-data / --schema-only for this table."
                                       : "Take the dump of the whole database (no --table/--exclude-table), "
                                         "from the right database."});
      continue;
    }
    if (dumped->as_statements) {
      ++as_statements;
      findings.push_back({spec.name, live, "INSERT statements", kStatementsMessage, kStatementsHint});
      continue;
    }
    // pg_restore loads each value into the column the COPY statement names,
    // whatever the rows' bytes: a list that is not the source's (in order, by
    // name) puts values into other columns, or none.
    if (dumped->copy_columns) {
      std::vector<std::string> live_columns;
      for (const auto& column : spec.columns) live_columns.push_back(column.ident);
      if (*dumped->copy_columns != live_columns) {
        ++other_columns;
        findings.push_back({spec.name, "columns " + column_list(live_columns),
                            "columns " + column_list(*dumped->copy_columns),
                            "the dump's COPY statement loads the columns " + column_list(*dumped->copy_columns) +
                                " where the source's table has " + column_list(live_columns) +
                                ": pg_restore would put the values into other columns, or fail",
                            kColumnsHint});
        continue;
      }
    }
    if (dumped->digest == relation.digest) {
      ++matching;
      continue;
    }
    ++differ;
    const bool counts_differ = dumped->digest.rows != relation.digest.rows;
    findings.push_back({spec.name, live + ", hash " + relation.digest.hex(),
                        std::to_string(dumped->digest.rows) + " rows, hash " + dumped->digest.hex(),
                        counts_differ ? "the dump holds " + std::to_string(dumped->digest.rows) + " rows of the source's " +
                                            std::to_string(relation.digest.rows)
                                      : "the dump holds as many rows as the source, but different ones",
                        kRetakeHint});
  }
  std::size_t extra = 0;
  for (const auto& table : digest->tables) {
    if (seen.count(table.name)) continue;
    ++extra;
    findings.push_back({table.name, "not in the source",
                        table.as_statements ? "INSERT statements" : std::to_string(table.digest.rows) + " rows",
                        "the dump holds a table the live source does not have",
                        "Check that the dump is of this tenant's database."});
  }
  std::string counted = std::to_string(matching) + " of " + std::to_string(compared) +
                        " source tables are in the dump with the same rows (text mode)";
  // Objects only the dump holds warn: "in the dump only", not "extra on the target".
  FindingList object_findings;
  const LargeObjectComparison objects = compare_large_objects(*digest, source, object_findings);
  for (auto& finding : object_findings.take()) findings.push_back(std::move(finding));
  if (objects.involved)
    counted += ", " + std::to_string(objects.matching) + " of " + std::to_string(source.large_objects.size()) +
               " source large objects with the same bytes";
  // Only when every source table is in the dump: a dump of some tables lacks
  // their privileges, comments and publications for that reason.
  std::size_t lacking = 0;
  if (source_extras && missing == 0) lacking = judge_extras(source_extras(), *digest, findings);

  // Tables always tell both counts; the rest only what applies.
  std::vector<Tally> problems{{differ, "differ"}, {missing, "missing"}};
  std::vector<Tally> warnings{{extra, "in the dump only"}};
  if (other_columns) problems.push_back({other_columns, "with other columns"});
  if (objects.involved) {
    problems.push_back({objects.differ, "large objects differ"});
    problems.push_back({objects.missing, "large objects missing"});
    warnings.push_back({objects.extra, "large objects in the dump only"});
  }
  if (lacking) problems.push_back({lacking, lacking == 1 ? "kind of object lacking" : "kinds of object lacking"});
  CheckResult result = compared_with_baseline(counted, problems, warnings, std::move(findings));
  // Tables it could not compare leave nothing proven about them: that is no
  // pass (a gate must not open on it), and no failure of the dump either.
  if (as_statements > 0) {
    if (result.status != Status::fail) result.status = Status::error;
    result.summary += "; " + std::to_string(as_statements) + " not compared (data as INSERT statements)";
  }
  return result;
}

}  // namespace pgverify::checks
