#include "checks/checks.hpp"

#include <map>

#include "checks/common.hpp"
#include "inventory/schema_inventory.hpp"

namespace pgverify::checks {

namespace {

std::string describe(const std::optional<std::int64_t>& value) {
  return value ? "last_value " + std::to_string(*value) : "never used";
}

// A statement the user can paste: the name inside a string literal, quotes doubled.
std::string setval_statement(const std::string& name, std::int64_t value) {
  std::string literal;
  for (char c : name) literal += c == '\'' ? std::string("''") : std::string(1, c);
  return "SELECT pg_catalog.setval('" + literal + "', " + std::to_string(value) + ");";
}

}  // namespace

const CheckInfo& DataSequences::info() const {
  static const CheckInfo info{
      .id = "data.sequences",
      .phases = {Phase::post},
      .summary = "every sequence on the target stands at least where the baseline recorded it, in its own direction",
      .rationale =
          "pg_dump writes each sequence's position as a setval() after the data. When that entry "
          "is lost (a restore stopped early, --section or --table used, a sequence recreated by "
          "hand), the sequence starts again from its first value and the next INSERT collides with "
          "an existing id, or worse, reuses one whose old row was deleted.",
      .remediation =
          "Set each named sequence to the baseline's value with the statement in the finding's "
          "hint (SELECT pg_catalog.setval(...)), before the services are scaled up.",
      .options = "target_dsn; the baseline manifest",
      .applies_to = "every sequence of the user's schemas (identity and serial columns included)",
      .needs_baseline = true,
  };
  return info;
}

CheckResult DataSequences::run(Context& context) const {
  const Manifest& baseline = *context.baseline;
  auto target = connect_target(context);
  std::map<std::string, std::optional<std::int64_t>> actual;
  for (auto& record : inventory::capture_sequences(*target)) actual[record.name] = record.last_value;
  // Ahead means further in the sequence's own direction: a descending one
  // (INCREMENT BY -1) is ahead when its value is lower.
  auto at_or_past = [](const SequenceRecord& expected, std::int64_t now) {
    return expected.increment < 0 ? now <= *expected.last_value : now >= *expected.last_value;
  };

  std::vector<Finding> findings;
  std::size_t behind = 0, missing = 0;
  for (const SequenceRecord& expected : baseline.sequences) {
    auto found = actual.find(expected.name);
    if (found == actual.end()) {
      ++missing;
      findings.push_back({expected.name, describe(expected.last_value), "no such sequence",
                          "the sequence is missing on the target",
                          "The restore did not create it: check pg_restore's output for errors."});
      continue;
    }
    const std::optional<std::int64_t> now = found->second;
    actual.erase(found);
    // Ahead of the baseline is fine: the application may already have inserted rows.
    if (!expected.last_value || (now && at_or_past(expected, *now))) continue;
    ++behind;
    const std::string direction = expected.increment < 0 ? " (it counts down, by " + std::to_string(expected.increment) + ")" : "";
    const std::string message = now ? "the sequence is behind the baseline" + direction + ", so new rows would reuse ids"
                                    : "the sequence was never set on the target, so it restarts from its first value";
    // setval to the baseline's value only ever moves a sequence that is behind
    // forward in its own direction: it cannot hand out an id twice.
    findings.push_back({expected.name, describe(expected.last_value), describe(now), message,
                        "Run " + setval_statement(expected.name, *expected.last_value) +
                            " on the target before scaling the services up."});
  }

  // Sequences the baseline does not know: reported, not judged.
  for (const auto& [name, value] : actual) findings.push_back(extra_on_target(name, "sequence", describe(value)));
  const std::size_t extra = actual.size();

  const std::size_t total = baseline.sequences.size();
  const std::string counted = std::to_string(total - behind - missing) + " of " + std::to_string(total) +
                              " sequences are at or past the baseline";
  return compared_with_baseline(counted, {{behind, "behind"}, {missing, "missing"}}, extra, std::move(findings));
}

}  // namespace pgverify::checks
