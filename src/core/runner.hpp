#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/check.hpp"
#include "core/exit_codes.hpp"

namespace pgverify {

// A bad --only/--skip: unknown id, or a check that does not run in this phase.
class SelectionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The checks of `all` that run in `phase`, narrowed by --only and --skip
// (comma-separated lists, possibly repeated). Keeps registry order.
std::vector<const Check*> select_checks(const std::vector<std::unique_ptr<Check>>& all, Phase phase,
                                        const std::vector<std::string>& only,
                                        const std::vector<std::string>& skip);

// Runs every selected check, even after failures; an exception becomes status error.
std::vector<CheckResult> run_checks(const std::vector<const Check*>& checks, Context& context);

// The exit code for a run: its overall_status (error 3, fail 1, else 0).
ExitCode exit_code_for(const std::vector<CheckResult>& results);


}  // namespace pgverify
