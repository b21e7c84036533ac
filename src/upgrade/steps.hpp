// upgrade/steps: the plan as data. Each step of `pgverify upgrade --gated`:
// its stable id (public, like check ids: journal, reports, JUnit testcases,
// `pgverify explain step.ID`), whether it destroys, the gate it needs, the
// operation it runs and what --resume does with it. The executor walks this
// list; --dry-run, --status, explain and the README show it.
#pragma once

#include <string_view>
#include <vector>

namespace pgverify::upgrade {

struct StepInfo {
  std::string_view id;         // "step.delete-volume"
  bool destructive = false;    // takes a permit
  std::string_view gate;       // what must pass ("" when none)
  std::string_view operation;  // what it does, in words
  std::string_view rationale;  // why it is there: the trap it avoids
  std::string_view resume;     // what --resume does when it was interrupted
};

// Every step, in the order they run.
const std::vector<StepInfo>& standard_steps();
const StepInfo* find_step(std::string_view id);

// The checks each gate runs through the library's phases.
// step.preflight: every pre check but these; step.verify-dump: only these.
inline constexpr std::string_view kDumpChecks[] = {"dump.readable", "dump.matches-source"};
// step.post: every post check but these; step.health: only these.
inline constexpr std::string_view kHealthChecks[] = {"app.health"};

}  // namespace pgverify::upgrade
