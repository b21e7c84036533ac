// upgrade/executor: `pgverify upgrade --gated`: the plan (steps.hpp) walked
// step by step on a platform, every step journaled (journal.hpp) before and
// after it acts, every gate run through the library's phases, the destructive
// step only with a permit from a passed gate (gates.hpp), and a resumed run
// going on from the journal with nothing lost and nothing done twice that must
// not be. Prints nothing: it returns a report (phase upgrade, one result per
// step) and says what it does through a callback.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/exit_codes.hpp"
#include "core/result.hpp"
#include "exec/process.hpp"
#include "phases/run_phase.hpp"
#include "platform/platform.hpp"

namespace pgverify::upgrade {

// The upgrade cannot start: no platform configured, a journal of another plan,
// nothing to resume, an upgrade already in progress. The caller's (exit 2).
class UpgradeInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using PlatformFactory =
    std::function<std::unique_ptr<platform::Platform>(const TenantConfig& tenant, const std::string& run_id)>;

// The platforms of this build, by the tenant's platform.kind.
PlatformFactory default_platforms(exec::ToolRunner& runner);

struct UpgradeOptions {
  std::filesystem::path out_dir;      // the journal and the run directories go here
  std::filesystem::path config_path;  // for hints and the reports
  std::string config_digest;          // SHA-256 of the configuration's bytes: part of the plan's fingerprint
  bool dry_run = false;
  bool resume = false;
  bool yes = false;
  // Asks the operator before the first destructive step; empty when there is
  // nobody to ask (no terminal): then only --yes lets it go on.
  std::function<bool(const std::string& question)> confirm;
  // A line for the operator: a step started, finished, what it found.
  std::function<void(const std::string& line)> say;
  PhaseProgress phase_progress;
  platform::ByteProgress dump_progress;     // bytes of the dump written so far
  // step.restore: tables begun and in all (pg_restore -v), COPY bytes the
  // target has loaded (pg_stat_progress_copy) and about how many in all (the
  // estimate's; 0 when there is none). Called from a thread of its own.
  std::function<void(std::uint64_t tables_done, std::uint64_t tables_total, std::uint64_t bytes,
                     std::uint64_t bytes_estimated)>
      restore_progress;
  // How long step.scale-down waits for the application's sessions to end.
  std::chrono::milliseconds session_drain_timeout = std::chrono::seconds(60);
};

struct UpgradeOutcome {
  RunReport report;                      // phase upgrade: one result per step
  ExitCode exit_code = ExitCode::ok;
  std::string message;                   // one paragraph: what happened, what to do
  std::filesystem::path journal;
  std::filesystem::path run_dir;
  std::vector<std::string> plan;         // --dry-run: the plan and its commands
};

std::filesystem::path journal_path(const std::filesystem::path& out_dir);

// Runs (or with dry_run shows) the upgrade. Throws UpgradeInputError before
// anything ran; everything after is in the outcome.
UpgradeOutcome run_upgrade(const TenantConfig& tenant, const PlatformFactory& platforms, const UpgradeOptions& options);

// `upgrade --purge`: removes the old volume a finished upgrade kept (the
// local platform's trash folder), once it is confirmed; journaled. What it
// did, in words; UpgradeInputError when there is nothing to purge.
std::string purge_upgrade(const TenantConfig& tenant, const PlatformFactory& platforms,
                          const std::filesystem::path& out_dir, bool yes,
                          const std::function<bool(const std::string& question)>& confirm);

// `upgrade --status`: the journal in words (done, running, next). UpgradeInputError when there is none.
std::string upgrade_status(const TenantConfig& tenant, const std::filesystem::path& out_dir);

}  // namespace pgverify::upgrade
