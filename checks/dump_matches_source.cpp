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
          "hashes mean the dump holds the same rows, byte for byte.",
      .remediation =
          "Scale the services down, take the dump again in-cluster, and run pre again before "
          "deleting the old volume.",
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
  std::size_t compared = 0, matching = 0, differ = 0, missing = 0;
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
    findings.push_back({table.name, "not in the source", std::to_string(table.digest.rows) + " rows",
                        "the dump holds a table the live source does not have",
                        "Check that the dump is of this tenant's database."});
  }
  const std::string counted = std::to_string(matching) + " of " + std::to_string(compared) +
                              " source tables are in the dump with the same rows (text mode)";
  // Tables only the dump holds are no target's: "in the dump only", not "extra on the target".
  return compared_with_baseline(counted, {{differ, "differ"}, {missing, "missing"}}, {{extra, "in the dump only"}},
                                std::move(findings));
}

}  // namespace pgverify::checks
