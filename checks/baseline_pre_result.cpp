#include "checks/checks.hpp"

#include <string>

namespace pgverify::checks {

const CheckInfo& BaselinePreResult::info() const {
  static const CheckInfo info{
      .id = "baseline.pre-result",
      .phases = {Phase::post},
      .summary = "the baseline post compares with comes from a pre that passed, and names the dump that pre checked",
      .rationale =
          "pre writes its baseline whatever its checks said, because post needs one either way. A pre run "
          "before the dump existed, or one whose dump did not match the source, still leaves a manifest.json "
          "behind; a post that used it without a word would prove the restore equal to a source whose dump "
          "was never shown complete. So post says which baseline it uses, when it was taken, which dump "
          "(path, size, SHA-256) pre checked, and warns when that pre did not pass.",
      .remediation =
          "Run pre again until it passes (it names the checks that did not), restore from the dump it "
          "checked, then run post. With post --strict a baseline of a pre that did not pass (or that "
          "predates pgverify recording pre's result) is a failure, for gates that must not go on.",
      .options = "post --baseline (default OUT/manifest.json), post --strict",
      .applies_to = "every post that reads a baseline; manifests of format 3 and later record pre's result",
      .needs_baseline = true,
  };
  return info;
}

namespace {

std::string describe_dump(const Manifest& baseline) {
  if (!baseline.dump) return "pre checked no dump";
  return "dump " + baseline.dump->path + " (" + std::to_string(baseline.dump->size) + " bytes, sha256 " +
         baseline.dump->sha256.substr(0, 16) + "…)";
}

}  // namespace

CheckResult BaselinePreResult::run(Context& context) const {
  const Manifest& baseline = *context.baseline;
  const std::string file = context.baseline_path.empty() ? std::string("the baseline") : context.baseline_path.string();
  const std::string taken = file + " from pre at " + baseline.created;
  const Status not_passed = context.strict ? Status::fail : Status::warn;
  if (!baseline.pre)
    return make_result(not_passed, taken + ": pre's result is not recorded (manifest written by pgverify " +
                                       baseline.tool_version + ")",
                       {{file, "pre's result", "not recorded", "this manifest predates pgverify recording pre's result",
                         "Run pgverify pre again so the baseline records its result and the dump it checked."}});

  std::vector<Finding> findings;
  bool dump_checked = false;
  for (const auto& [id, status] : baseline.pre->checks) {
    if (id == "dump.readable" || id == "dump.matches-source") dump_checked = dump_checked || status == "pass" || status == "warn";
    if (status == "fail" || status == "error")
      findings.push_back({id, "pass", status, "pre's check " + id + " did not pass when this baseline was taken",
                          "Run 'pgverify explain " + id + "', fix the cause, and run pre again before the restore."});
  }
  if (baseline.pre->status == "pass" && findings.empty()) {
    if (!baseline.dump || !dump_checked)
      return make_result(not_passed, taken + ", which passed without checking the dump (" + describe_dump(baseline) + ")",
                         {{file, "a dump pre read to its end and compared with the source", "none",
                           "pre did not run dump.readable and dump.matches-source on a dump, so nothing shows the "
                           "restored dump was complete",
                           "Run pgverify pre with the dump the restore used (--dump PATH) before trusting post."}});
    return make_result(Status::pass, taken + ", which passed; " + describe_dump(baseline));
  }
  return make_result(not_passed, taken + ", which did not pass (" + baseline.pre->status + "); " + describe_dump(baseline),
                     std::move(findings));
}

}  // namespace pgverify::checks
