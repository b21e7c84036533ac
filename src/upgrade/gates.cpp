#include "upgrade/gates.hpp"

#include <algorithm>

#include "upgrade/steps.hpp"

namespace pgverify::upgrade {

GateVerdict GateEvaluator::judge(const std::vector<CheckResult>& results, const std::vector<std::string_view>& required) {
  GateVerdict verdict;
  for (const auto& result : results)
    if (result.status == Status::fail || result.status == Status::error)
      verdict.failures.push_back({result.id, "pass", std::string(to_string(result.status)), result.summary, ""});
  for (const auto id : required) {
    const auto it = std::find_if(results.begin(), results.end(), [&](const CheckResult& r) { return r.id == id; });
    if (it == results.end())
      verdict.failures.push_back({std::string(id), "pass", "not run", "the gate needs this check and it did not run", ""});
    else if (it->status == Status::skip)
      verdict.failures.push_back({std::string(id), "pass", "skip", it->summary, "the gate needs this check to run"});
  }
  verdict.passed = verdict.failures.empty();
  return verdict;
}

std::unique_ptr<const platform::Permit> GateEvaluator::permit_delete(const std::vector<CheckResult>& results,
                                                                     const std::string& checked_dump_sha256,
                                                                     platform::PermitBinding binding,
                                                                     GateVerdict& verdict) {
  verdict = judge(results, {std::begin(kDumpChecks), std::end(kDumpChecks)});
  if (binding.dump_sha256.empty() || checked_dump_sha256 != binding.dump_sha256)
    verdict.failures.push_back({"dump.sha256", binding.dump_sha256.empty() ? "a recorded dump" : binding.dump_sha256,
                                checked_dump_sha256.empty() ? "no dump read" : checked_dump_sha256,
                                "the dump the checks read is not the one step.dump wrote",
                                "run the upgrade again from a fresh dump"});
  if (binding.tenant.empty() || binding.run_id.empty() || binding.volume_id.empty())
    verdict.failures.push_back({"permit", "tenant, run and volume", "missing", "the permit would be bound to nothing", ""});
  verdict.passed = verdict.failures.empty();
  if (!verdict.passed) return nullptr;
  binding.step = "step.delete-volume";
  return std::unique_ptr<const platform::Permit>(new platform::Permit(std::move(binding)));
}

}  // namespace pgverify::upgrade
