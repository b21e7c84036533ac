#pragma once

#include <exception>
#include <filesystem>
#include <functional>
#include <optional>

#include "config/config.hpp"
#include "core/dump_digest.hpp"
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
  // post: the manifest pre recorded (nullptr when no selected check needs it),
  // and the file it was read from.
  const Manifest* baseline = nullptr;
  std::filesystem::path baseline_path = {};
  // post --strict: a baseline of a pre that did not pass is a failure, not a warning.
  bool strict = false;
  // The configuration file the tenant came from (for commands in hints).
  std::filesystem::path config_path = {};
  // Long hashing reports here (the CLI draws it on a terminal).
  std::function<void(const hash::Progress&)> on_hash_progress = {};

  // post: the target hashed like the baseline, once, for every data check.
  std::optional<hash::DatabaseHash> target_hash = {};
  std::exception_ptr target_hash_error = {};

  // pre: the dump read to its end and hashed, once, for every dump check.
  std::function<void(const dump::ReadProgress&)> on_dump_progress = {};
  std::optional<DumpDigest> dump_digest = {};
  std::exception_ptr dump_digest_error = {};
  // pre: the source hashed in text mode (rows as pg_dump reads them), once;
  // the baseline reuses it when the tenant hashes in text mode.
  std::optional<hash::DatabaseHash> source_text_hash = {};
};

}  // namespace pgverify
