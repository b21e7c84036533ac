#include "checks/dump_matches_source.hpp"

#include <set>

#include "checks/common.hpp"

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
          "compared row by row: such a table is an error (not compared), never a pass.",
      .remediation =
          "Scale the services down, take the dump again in-cluster (pg_dump -Fc, without --inserts), "
          "and run pre again before deleting the old volume.",
      .options = "--dump or tenants.X.dump_path, source_dsn, [tenants.X.hash] include/exclude/jobs",
      .applies_to = "every table and partition of the source (materialized views are refreshed by "
                    "the restore, not dumped; partitioned tables are compared through their partitions)",
  };
  return info;
}

CheckResult DumpMatchesSource::run(Context& context) const {
  if (!context.dump_path)
    return make_result(Status::skip, "no dump given (--dump or tenants." + context.tenant.name + ".dump_path)");
  const DumpDigest* digest = nullptr;
  try {
    digest = &dump_digest(context);
  } catch (const dump::DumpError& error) {
    return make_result(Status::skip, "the dump cannot be read (see dump.readable): " + error.reason());
  }
  const hash::DatabaseHash& source = source_text_hash(context);
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
  // Tables always tell both counts; the rest only what applies.
  std::vector<Tally> problems{{differ, "differ"}, {missing, "missing"}};
  std::vector<Tally> warnings{{extra, "in the dump only"}};
  if (other_columns) problems.push_back({other_columns, "with other columns"});
  if (objects.involved) {
    problems.push_back({objects.differ, "large objects differ"});
    problems.push_back({objects.missing, "large objects missing"});
    warnings.push_back({objects.extra, "large objects in the dump only"});
  }
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
