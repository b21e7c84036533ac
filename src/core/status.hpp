// core/: the check model (status, result, check, context), the runner and the
// exit codes. Depends on config/ (the tenant), evidence/ (what checks compare),
// pg/ and exec/ (the interfaces checks talk through) and text/.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pgverify {

// The outcome of one check. Order matters: aggregate() keeps the worst.
enum class Status { pass, warn, skip, fail, error };

// When a check runs. A check may run in several phases.
enum class Phase { pre, post, upgrade };

std::string_view to_string(Status status);
std::string_view to_string(Phase phase);
std::optional<Phase> parse_phase(std::string_view text);

}  // namespace pgverify
