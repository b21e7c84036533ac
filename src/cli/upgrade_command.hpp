#pragma once

// `pgverify upgrade`: the gated executor (upgrade/) on the command line:
// parsing its options, the operator's confirmation, progress, the journal's
// status, the reports, and the step catalog of `pgverify explain step.ID`.

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "upgrade/steps.hpp"

namespace pgverify::cli {

struct UpgradeArgs {
  std::string tenant;
  bool gated = false;
  bool dry_run = false;
  bool resume = false;
  bool yes = false;
  bool status = false;
  bool purge = false;
  std::optional<std::string> out;
  std::vector<std::string> reports;
};

int run_upgrade_command(const Config& config, const TenantConfig& tenant, const UpgradeArgs& args);

void print_step_explanation(std::ostream& out, const upgrade::StepInfo& step);

}  // namespace pgverify::cli
