#pragma once

#include <exception>
#include <filesystem>
#include <functional>
#include <optional>

#include "config/config.hpp"
#include "core/manifest.hpp"
#include "core/status.hpp"
#include "exec/process.hpp"
#include "hash/table_hasher.hpp"
#include "pg/session.hpp"

namespace pgverify {

// Everything a check may use. Checks reach servers and programs only through
// these interfaces, so unit tests can hand them fakes.
struct Context {
  Phase phase = Phase::pre;
  const TenantConfig& tenant;
  pg::Connector& connector;
  exec::ToolRunner& tools;
  // The dump the procedure restores from: --dump, else the tenant's dump_path.
  std::optional<std::filesystem::path> dump_path;
  // post: the manifest pre recorded (nullptr when no selected check needs it).
  const Manifest* baseline = nullptr;
  // Long hashing reports here (the CLI draws it on a terminal).
  std::function<void(const hash::Progress&)> on_hash_progress = {};

  // post: the target hashed like the baseline, once, for every data check.
  std::optional<hash::DatabaseHash> target_hash = {};
  std::exception_ptr target_hash_error = {};
};

}  // namespace pgverify
