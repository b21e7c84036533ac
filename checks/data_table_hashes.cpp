#include "checks/checks.hpp"

#include "checks/common.hpp"
#include "text/shell.hpp"

namespace pgverify::checks {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// The hash command that reads one table of one side as post read the target,
// ready to paste: the configuration, tenant and baseline this run used.
std::string hash_command(const Context& context, std::string_view side, const std::string& table) {
  std::string command = "pgverify";
  if (!context.config_path.empty()) command += " --config " + text::shell_word(context.config_path.string());
  command += " hash --tenant " + text::shell_word(context.tenant.name) + " --side " + std::string(side);
  if (!context.baseline_path.empty()) command += " --baseline " + text::shell_word(context.baseline_path.string());
  return command + " --table " + text::shell_word(table);
}

}  // namespace

const CheckInfo& DataTableHashes::info() const {
  static const CheckInfo info{
      .id = "data.table-hashes",
      .phases = {Phase::post},
      .summary = "per-table order-independent content hashes on the target equal the baseline",
      .rationale =
          "Equal row counts do not mean equal rows: a value changed by an encoding or type "
          "mismatch, a row lost and another duplicated, values swapped between rows. Each row's "
          "bytes are hashed (XXH3-128) and summed per table, so any such change shows, whatever "
          "the physical row order.",
      .remediation =
          "Compare the named table on both servers with `pgverify hash --tenant T --side source|target "
          "--baseline MANIFEST --table NAME` "
          "(it reads each server as post read the target: the baseline's mode, settings and columns "
          "by name). If the source still exists, dump and restore that "
          "table again; otherwise restore it from the last good backup.",
      .options = "target_dsn, [tenants.X.hash] include/exclude/jobs; the baseline manifest "
                 "(mode, TimeZone, column lists)",
      .applies_to = "every table the baseline hashed, read with the baseline's columns by name; binary or text "
                    "mode as the baseline was taken; partitions below a table hash-partitioned on an enum through that "
                    "table; a materialized view the restore refreshed is a warning",
      .needs_baseline = true,
  };
  return info;
}

CheckResult DataTableHashes::run(Context& context) const {
  const Manifest& baseline = *context.baseline;
  const hash::DatabaseHash& target = context.evidence.target_hash();

  std::vector<Finding> findings;
  std::size_t matching = 0, differ = 0, refreshed = 0;
  for (const TableRecord& expected : baseline.tables) {
    const hash::RelationDigest* actual = find_relation(target, expected.name);
    if (!actual) {
      ++differ;
      findings.push_back({expected.name, expected.hash, "no data", "the table is missing on the target",
                          "See data.row-counts; restore the table again."});
      continue;
    }
    if (auto differs = populated_state_differs(expected, *actual)) {
      ++differ;
      findings.push_back(std::move(*differs));
      continue;
    }
    if (!expected.placed_by.empty()) continue;  // compared through expected.placed_by
    // The target was read with the baseline's columns by name; one it lacks
    // cannot be compared at all.
    const hash::RelationSpec& read = actual->relation;
    if (!read.missing_columns.empty()) {
      ++differ;
      findings.push_back({expected.name, join(expected.columns), join(hash::hashed_columns(read, target.mode)),
                          "the table lacks column" + std::string(read.missing_columns.size() > 1 ? "s " : " ") +
                              join(read.missing_columns) + " on the target, so its rows cannot be compared",
                          "See schema.objects; the restore changed the table's definition."});
      continue;
    }
    if (actual->digest.hex() == expected.hash && actual->digest.rows == expected.rows) {
      ++matching;
      continue;
    }
    Finding finding{expected.name, expected.hash, actual->digest.hex(), "", ""};
    if (expected.kind == "matview") {
      ++refreshed;
      finding.message = kMatviewRefreshed;
      finding.hint = kMatviewRefreshedHint;
      findings.push_back(std::move(finding));
      continue;
    }
    ++differ;
    if (!read.changed_types.empty()) {
      finding.message = "the content differs, and the type of column" +
                        std::string(read.changed_types.size() > 1 ? "s " : " ") + join(read.changed_types);
      finding.hint = "See schema.objects: a column restored with another type reads differently; recreate it "
                     "with the source's type and restore the table's data again.";
    } else if (actual->digest.rows != expected.rows) {
      finding.message = "the content differs (and so does the row count: " + std::to_string(expected.rows) +
                        " expected, " + std::to_string(actual->digest.rows) + " found)";
      finding.hint = "Rows are missing or extra: see data.row-counts.";
    } else {
      finding.message = "the content differs although the row count (" + std::to_string(expected.rows) +
                        ") is the same: rows were changed, or some lost and others duplicated";
      finding.hint = "Compare the source's `" + hash_command(context, "source", expected.name) +
                     "` with the target's `" + hash_command(context, "target", expected.name) +
                     "`, then restore the table again.";
    }
    findings.push_back(std::move(finding));
  }
  for (const PlacedGroup& group : placed_groups_without_table(baseline, target))
    if (auto finding = placed_group_finding(group, true)) {
      ++differ;
      findings.push_back(std::move(*finding));
    }
  const std::size_t placed = placed_by_restore(baseline);
  const std::string summary = std::to_string(matching) + " of " + std::to_string(baseline.tables.size() - placed) +
                              " tables match the baseline's content hash (" +
                              (baseline.tables.empty() ? std::string("binary") : baseline.tables.front().mode) +
                              " mode)" + placed_by_restore_note(placed);
  return compared_with_baseline(summary, {{differ, "differ"}}, {{refreshed, "materialized views refreshed by the restore"}},
                                std::move(findings));
}

}  // namespace pgverify::checks
