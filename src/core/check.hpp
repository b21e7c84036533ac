#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/context.hpp"
#include "core/result.hpp"

namespace pgverify {

// The PostgreSQL majors a check applies to, both ends included; an end left
// out is open, and a range with neither takes every major. Majors count as
// pg::major_of counts them: 9.6 is 906, and comes before 10.
struct VersionRange {
  std::optional<int> min = std::nullopt;
  std::optional<int> max = std::nullopt;

  bool any() const { return !min && !max; }
  bool contains(int major) const;
};

// "17", "9.6"
std::string format_major(int major);
// "targets on PostgreSQL 18 and later", "sources on PostgreSQL 12 to 16",
// "sources up to PostgreSQL 16"; `servers` is "sources" or "targets".
std::string describe_range(const VersionRange& range, std::string_view servers);
// "target >= 18", "source 12-16", "source <= 16"; `server` is "source" or "target".
std::string abbreviate_range(const VersionRange& range, std::string_view server);

// What a check is, for `pgverify checks`, `pgverify explain`, the README and reports.
struct CheckInfo {
  std::string_view id;           // stable, dashed: "version.pg-dump"
  std::vector<Phase> phases;     // when it runs
  std::string_view summary;      // one line
  std::string_view rationale;    // why it exists: the failure it catches
  std::string_view remediation;  // what to do when it fails
  std::string_view options;      // the configuration keys it reads
  std::string_view applies_to;   // what it looks at: objects, formats, programs
  bool needs_baseline = false;   // in post, reads the manifest pre wrote
  // The source and target majors it applies to (empty: every one), as data,
  // the way pg_upgrade's checks carry theirs. On other majors the runner skips
  // it, saying why; only when the major cannot be learned does run() go ahead
  // (and meet the problem itself).
  VersionRange source{};
  VersionRange target{};

  bool runs_in(Phase phase) const;
};

// One check. It never prints, exits or reads globals: it returns a result.
class Check {
 public:
  virtual ~Check() = default;
  virtual const CheckInfo& info() const = 0;
  // May throw; the runner turns an exception into status error.
  virtual CheckResult run(Context& context) const = 0;
};

// Helpers for building results inside checks.
CheckResult make_result(Status status, std::string summary, std::vector<Finding> findings = {});

}  // namespace pgverify
