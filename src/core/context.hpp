#pragma once

#include <filesystem>
#include <optional>

#include "config/config.hpp"
#include "core/manifest.hpp"
#include "core/status.hpp"
#include "exec/process.hpp"
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
};

}  // namespace pgverify
