#pragma once

#include <filesystem>
#include <optional>

#include "config/config.hpp"
#include "core/status.hpp"
#include "evidence/evidence.hpp"
#include "evidence/manifest.hpp"
#include "exec/process.hpp"
#include "pg/session.hpp"

namespace pgverify {

// Everything a check may use. Checks reach servers and programs only through
// these interfaces, so unit tests can hand them fakes.
struct Context {
  Context(Phase phase_, const TenantConfig& tenant_, pg::Connector& connector_, exec::ToolRunner& tools_,
          std::optional<std::filesystem::path> dump_path_ = std::nullopt, const Manifest* baseline_ = nullptr,
          std::filesystem::path baseline_path_ = {})
      : phase(phase_),
        tenant(tenant_),
        connector(connector_),
        tools(tools_),
        dump_path(std::move(dump_path_)),
        baseline(baseline_),
        baseline_path(std::move(baseline_path_)),
        evidence(EvidenceSources{tenant_, connector_, dump_path, baseline_}) {}
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const Phase phase;
  const TenantConfig& tenant;
  pg::Connector& connector;
  exec::ToolRunner& tools;
  // The dump the procedure restores from: --dump, else the tenant's dump_path.
  const std::optional<std::filesystem::path> dump_path;
  // post: the manifest pre recorded (nullptr when no selected check needs it),
  // and the file it was read from.
  const Manifest* const baseline;
  const std::filesystem::path baseline_path;
  // post --strict: a baseline of a pre that did not pass is a failure, not a warning.
  bool strict = false;
  // The configuration file the tenant came from (for commands in hints).
  std::filesystem::path config_path = {};
  // What the checks compare, each piece taken once for the whole run.
  Evidence evidence;
};

}  // namespace pgverify
