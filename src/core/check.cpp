#include "core/check.hpp"

#include <algorithm>

namespace pgverify {

bool CheckInfo::runs_in(Phase phase) const {
  return std::find(phases.begin(), phases.end(), phase) != phases.end();
}

CheckResult make_result(Status status, std::string summary, std::vector<Finding> findings) {
  CheckResult result;
  result.status = status;
  result.summary = std::move(summary);
  result.findings = std::move(findings);
  return result;
}

}  // namespace pgverify
