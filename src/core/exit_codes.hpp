#pragma once

namespace pgverify {

// Every exit code pgverify can return, in one place (documented in the README).
// An interrupted run returns none: it ends by the signal (cli/interrupt).
enum class ExitCode : int {
  ok = 0,            // every check passed (warnings allowed)
  check_failed = 1,  // at least one check failed
  usage = 2,         // usage or configuration error
  check_error = 3,   // at least one check could not run; outranks check_failed
  gate_refused = 4,  // the executor refused to go on because a gate did not pass
};

constexpr int to_int(ExitCode code) { return static_cast<int>(code); }

}  // namespace pgverify
