#include "checks/checks.hpp"

#include "checks/common.hpp"

namespace pgverify::checks {

const CheckInfo& DataRowCounts::info() const {
  static const CheckInfo info{
      .id = "data.row-counts",
      .phases = {Phase::post},
      .summary = "per-table row counts on the target equal the baseline",
      .rationale =
          "Rows go missing in a dump-and-restore without anyone being told: a dump cut short "
          "(kubectl port-forward drops transfers over ~1 GB), a pg_restore error scrolled past, a "
          "table whose data failed to load. Once the old volume is gone they are gone too.",
      .remediation =
          "If the old volume still exists, take the dump again in-cluster (kubectl exec + kubectl "
          "cp, never port-forward), verify it with pgverify pre, and restore again. Otherwise "
          "restore the affected tables from the last good backup.",
      .options = "target_dsn, [tenants.X.hash] include/exclude/jobs; the baseline manifest",
      .applies_to = "every user table, partition (parents summed; below a table hash-partitioned on an enum, through that "
                    "table, as pg_dump loads them) and materialized view (populated or not; one "
                    "the restore refreshed to other rows is a warning)",
      .needs_baseline = true,
  };
  return info;
}

CheckResult DataRowCounts::run(Context& context) const {
  const Manifest& baseline = *context.baseline;
  const hash::DatabaseHash& target = context.evidence.target_hash();

  std::vector<Finding> findings;
  std::size_t missing_tables = 0, wrong_counts = 0, matching = 0, refreshed = 0;
  for (const TableRecord& expected : baseline.tables) {
    const hash::RelationDigest* actual = find_relation(target, expected.name);
    Finding finding;
    finding.object = expected.name;
    finding.expected = std::to_string(expected.rows) + " rows";
    if (!actual) {
      ++missing_tables;
      finding.actual = "no such table";
      finding.message = "the table is missing on the target";
      finding.hint =
          "The restore did not create it: check pg_restore's output for errors, then restore again.";
      findings.push_back(std::move(finding));
      continue;
    }
    if (auto differs = populated_state_differs(expected, *actual)) {
      ++wrong_counts;
      findings.push_back(std::move(*differs));
      continue;
    }
    if (!expected.placed_by.empty()) continue;  // compared through expected.placed_by
    if (actual->digest.rows == expected.rows) {
      ++matching;
      continue;
    }
    const bool fewer = actual->digest.rows < expected.rows;
    const std::uint64_t difference =
        fewer ? expected.rows - actual->digest.rows : actual->digest.rows - expected.rows;
    finding.actual = std::to_string(actual->digest.rows) + " rows";
    if (expected.kind == "matview") {
      ++refreshed;
      finding.message = std::string(kMatviewRefreshed) + " (" + std::to_string(difference) +
                        (fewer ? " rows fewer)" : " rows more)");
      finding.hint = kMatviewRefreshedHint;
      findings.push_back(std::move(finding));
      continue;
    }
    ++wrong_counts;
    finding.message = std::to_string(difference) + (fewer ? " rows missing" : " rows more than the baseline");
    finding.hint = fewer ? "The dump was incomplete or the restore failed part way: re-take the dump "
                           "in-cluster without kubectl port-forward and restore again."
                         : "Rows were written after the baseline (were all services scaled down?) or "
                           "restored twice; compare the table on both sides.";
    findings.push_back(std::move(finding));
  }

  // Tables the baseline does not know: reported, since a restore should not invent data.
  std::size_t extra = 0;
  for (const auto& r : target.relations) {
    if (baseline.table(r.relation.name)) continue;
    ++extra;
    findings.push_back(extra_on_target(r.relation.name, "table", std::to_string(r.digest.rows) + " rows"));
  }

  for (const PlacedGroup& group : placed_groups_without_table(baseline, target))
    if (auto finding = placed_group_finding(group, false)) {
      ++wrong_counts;
      findings.push_back(std::move(*finding));
    }
  const std::size_t placed = placed_by_restore(baseline);
  const std::string counted = std::to_string(matching) + " of " + std::to_string(baseline.tables.size() - placed) +
                              " tables have the baseline's row count" + placed_by_restore_note(placed);
  return compared_with_baseline(counted, {{wrong_counts, "differ"}, {missing_tables, "missing"}},
                                {{refreshed, "materialized views refreshed by the restore"}, {extra, "extra on the target"}},
                                std::move(findings));
}

}  // namespace pgverify::checks
