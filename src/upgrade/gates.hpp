// upgrade/gates: whether a gate passed, from the results of the checks it ran
// (through phases/run_phase), and the permit a passed dump gate gives the
// destructive step: the only code that can construct a platform::Permit.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "platform/permit.hpp"

namespace pgverify::upgrade {

struct GateVerdict {
  bool passed = false;
  // What did not pass: one per failed, erroring or missing check.
  std::vector<Finding> failures;
};

class GateEvaluator {
 public:
  // Passed when no result is fail or error and every `required` id is there
  // with pass or warn (a required check that was skipped did not check).
  static GateVerdict judge(const std::vector<CheckResult>& results, const std::vector<std::string_view>& required);

  // The dump gate before step.delete-volume: judge(results, dump.readable and
  // dump.matches-source) and the dump those checks read (checked_dump_sha256)
  // is the one step.dump recorded (binding.dump_sha256). Then a permit bound
  // to `binding`; else nullptr, with `verdict` saying why.
  static std::unique_ptr<const platform::Permit> permit_delete(const std::vector<CheckResult>& results,
                                                               const std::string& checked_dump_sha256,
                                                               platform::PermitBinding binding,
                                                               GateVerdict& verdict);
};

}  // namespace pgverify::upgrade
