#pragma once

#include <initializer_list>
#include <string_view>
#include <vector>

#include "core/context.hpp"
#include "core/result.hpp"

namespace pgverify {

// What a check is, for `pgverify checks`, `pgverify explain`, the README and reports.
struct CheckInfo {
  std::string_view id;           // stable, dashed: "version.pg-dump"
  std::vector<Phase> phases;     // when it runs
  std::string_view summary;      // one line
  std::string_view rationale;    // why it exists: the failure it catches
  std::string_view remediation;  // what to do when it fails
  std::string_view options;      // the configuration keys it reads
  std::string_view applies_to;   // PostgreSQL versions, formats
  bool needs_baseline = false;   // in post, reads the manifest pre wrote

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
