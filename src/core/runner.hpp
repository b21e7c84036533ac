#pragma once

#include <memory>
#include <optional>
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

// A skip saying why when the run's source or target major is known and outside
// the versions the check applies to (CheckInfo::source, ::target): "applies to
// targets on PostgreSQL 18 and later; the target is 17 (target_major)".
// nullopt when it applies, or when the major cannot be learned: the check then
// runs and reports the problem itself.
std::optional<CheckResult> outside_versions(const CheckInfo& info, Evidence& evidence);

// Runs every selected check, even after failures; an exception becomes status
// error. A check outside its versions is skipped without running.
std::vector<CheckResult> run_checks(const std::vector<const Check*>& checks, Context& context);

// The exit code for a run: its overall_status (error 3, fail 1, else 0).
ExitCode exit_code_for(const std::vector<CheckResult>& results);


}  // namespace pgverify
