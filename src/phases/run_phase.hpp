// phases/: running a phase (pre, post) of one tenant as a whole: the checks
// selected for it on one connection per server, the evidence they share, and
// for pre the baseline it records. What the CLI and the executor's gates run;
// it prints nothing and picks no exit code (RunReport::overall() decides).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/result.hpp"
#include "core/status.hpp"
#include "dump/archive_data.hpp"
#include "hash/table_hasher.hpp"

namespace pgverify {

// The run cannot start: a dump path that cannot be a dump, a baseline post
// cannot use. The caller's mistake (exit 2), found before any check runs.
class PhaseInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where long work of a run stands, for a terminal's progress line. Every
// callback is optional and called from the thread that called run_phase.
struct PhaseProgress {
  std::function<void(const hash::Progress&)> hashing;           // a database's tables hashed
  std::function<void(const dump::ReadProgress&)> dump_reading;  // the dump read to its end
  std::function<void(std::uint64_t done, std::uint64_t total)> dump_identifying;  // its SHA-256
  // One stage is over (checks, baseline, identity): a progress line ends.
  std::function<void()> stage_done;
};

struct PhaseOptions {
  // pre: the dump to check (nullopt: the tenant's dump_path, if any).
  std::optional<std::filesystem::path> dump;
  // pre: where the baseline is written; post: the one it compares with.
  std::filesystem::path baseline;
  // post: a baseline of a pre that did not pass is a failure, not a warning.
  bool strict = false;
  // --only / --skip: check ids, comma-separated lists allowed (SelectionError when wrong).
  std::vector<std::string> only;
  std::vector<std::string> skip;
  // pre: record the baseline (the executor's preflight does not: the source
  // is still being written to then; its step.verify-dump does).
  bool record_baseline = true;
  // The configuration the tenant came from, for commands in hints and the reports.
  std::filesystem::path config_path;
  PhaseProgress progress;
};

// Runs `phase` for `tenant`. Throws PhaseInputError or SelectionError (nothing
// has run); anything a check or the baseline meets is a result in the report:
// pre's baseline that cannot be written is the check baseline.record, error.
RunReport run_phase(const TenantConfig& tenant, Phase phase, const PhaseOptions& options);

}  // namespace pgverify
