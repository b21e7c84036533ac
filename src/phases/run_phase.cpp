#include "phases/run_phase.hpp"

#include <chrono>

#include "checks/registry.hpp"
#include "core/context.hpp"
#include "core/runner.hpp"
#include "dump/identity.hpp"
#include "evidence/baseline.hpp"
#include "evidence/manifest.hpp"
#include "exec/process.hpp"
#include "pg/run_connector.hpp"
#include "text/timestamp.hpp"

namespace pgverify {

namespace {

namespace fs = std::filesystem;

// What pre concluded, for the baseline: post tells a baseline of a run that
// passed from one that did not.
PreRecord pre_record(const RunReport& report) {
  PreRecord record;
  record.status = std::string(to_string(report.overall()));
  for (const auto& check : report.checks) record.checks.emplace_back(check.id, std::string(to_string(check.status)));
  return record;
}

void stage_done(const PhaseProgress& progress) {
  if (progress.stage_done) progress.stage_done();
}

// The dump pre checked, read once more for its SHA-256; nullopt when there is
// none to identify (dump.readable says why).
std::optional<dump::DumpIdentity> identify(const std::optional<fs::path>& dump_path, const PhaseProgress& progress) {
  if (!dump_path) return std::nullopt;
  std::optional<dump::DumpIdentity> identity;
  try {
    identity = dump::identify_dump(*dump_path, progress.dump_identifying);
  } catch (const std::exception&) {
  }
  stage_done(progress);
  return identity;
}

// pre: the source's baseline, written whatever the checks said (post needs it
// either way). When it cannot be, that is part of the run's result, in every
// report: a CI job reading the JSON must not see a pass without a baseline.
void record_baseline(pg::Connector& connector, const TenantConfig& tenant, const PhaseOptions& options,
                     Context& context, RunReport& report) {
  const auto started = std::chrono::steady_clock::now();
  try {
    if (tenant.source_dsn.empty()) throw std::runtime_error("source_dsn is not configured");
    Manifest manifest =
        capture_baseline(connector, tenant, options.progress.hashing, context.evidence.source_text_hash_taken());
    stage_done(options.progress);
    manifest.pre = pre_record(report);
    manifest.dump = identify(context.dump_path, options.progress);
    write_manifest(manifest, options.baseline);
    report.baseline_path = options.baseline.string();
  } catch (const std::exception& error) {
    stage_done(options.progress);
    const std::string summary = "cannot record the baseline in " + options.baseline.string() + ": " + error.what();
    CheckResult failed = make_result(Status::error, summary,
                                     {{options.baseline.string(), "the source's baseline", "not written", error.what(),
                                       "post has nothing to compare the target with until pre records a baseline: "
                                       "fix the cause above and run pre again."}});
    failed.id = "baseline.record";
    failed.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    report.checks.push_back(std::move(failed));
  }
}

}  // namespace

RunReport run_phase(const TenantConfig& tenant, Phase phase, const PhaseOptions& options) {
  const auto& registry = all_checks();
  const std::vector<const Check*> selected = select_checks(registry, phase, options.only, options.skip);

  std::optional<fs::path> dump_path;
  if (options.dump) {
    // Given by the caller, it must be there now (a tenant's dump_path may not be taken yet).
    if (auto wrong = dump::validate_dump_path(*options.dump)) throw PhaseInputError("--dump: " + *wrong);
    dump_path = *options.dump;
  } else if (!tenant.dump_path.empty()) {
    dump_path = fs::path(tenant.dump_path);
  }

  std::optional<Manifest> baseline;
  if (phase == Phase::post) {
    bool needed = false;
    for (const Check* check : selected) needed = needed || check->info().needs_baseline;
    if (needed) {
      try {
        baseline = read_manifest(options.baseline, tenant.name);
      } catch (const ManifestError& error) {
        throw PhaseInputError(error.what());
      }
    }
  }

  // Every check, and the baseline, connects through one RunConnector: an
  // unreachable server costs one connect timeout in the run, not one a check.
  pg::LibpqConnector libpq;
  pg::RunConnector connector(libpq);
  exec::SystemToolRunner tools;
  Context context{phase,     tenant, connector, tools, dump_path, baseline ? &*baseline : nullptr,
                  baseline ? options.baseline : fs::path()};
  context.strict = options.strict;
  context.config_path = options.config_path;
  context.evidence.on_hash_progress = options.progress.hashing;
  context.evidence.on_dump_progress = options.progress.dump_reading;

  RunReport report;
  report.tool_version = PGVERIFY_VERSION;
  report.phase = phase;
  report.tenant = tenant.name;
  report.config_path = options.config_path.string();
  if (baseline) report.baseline_path = options.baseline.string();
  report.started = utc_timestamp();
  report.checks = run_checks(selected, context);
  stage_done(options.progress);
  if (phase == Phase::pre && options.record_baseline) record_baseline(connector, tenant, options, context, report);
  report.finished = utc_timestamp();
  return report;
}

}  // namespace pgverify
