#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace pgverify {

// One thing a check found: which object, what was expected, what was there,
// what it means and what to do about it. Empty fields are left out of reports.
struct Finding {
  std::string object;
  std::string expected;
  std::string actual;
  std::string message;
  std::string hint;
};

struct CheckResult {
  std::string id;
  Status status = Status::pass;
  std::string summary;  // one line; for skip it is the reason
  std::chrono::milliseconds duration{0};
  std::vector<Finding> findings;
  // A step of `upgrade`: how long it was expected to take (reports show it beside duration).
  std::optional<std::chrono::milliseconds> estimate = std::nullopt;
};

// What one run of pre/post/upgrade produced; every reporter renders this.
struct RunReport {
  std::string tool_version;
  Phase phase = Phase::pre;
  std::string tenant;
  // The configuration file the run used, and the baseline manifest pre wrote
  // or post read (empty: none).
  std::string config_path;
  std::string baseline_path;
  std::string started;   // ISO 8601, UTC
  std::string finished;  // ISO 8601, UTC
  std::vector<CheckResult> checks;

  // pass, fail or error for the run as a whole (warn and skip count as pass).
  Status overall() const;
};

// The one rule for a run's status: error outranks fail; warn and skip count as pass.
Status overall_status(const std::vector<CheckResult>& results);

}  // namespace pgverify
