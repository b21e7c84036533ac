#include "checks/checks.hpp"

#include "checks/common.hpp"

namespace pgverify::checks {

namespace {

std::optional<std::string> installed_vector(pg::Session& session) {
  auto result = session.query("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'vector'");
  if (result.empty()) return std::nullopt;
  return result.at(0, 0);
}

CheckResult run_pre(Context& context) {
  auto target = connect_target(context);
  const std::string target_name = describe_server("the target server", *target);
  auto offered = target->query(
      "SELECT default_version FROM pg_catalog.pg_available_extensions WHERE name = 'vector'");

  // The source decides whether vector matters; when it cannot be reached the
  // check assumes it does (the runbook always creates the extension).
  std::optional<std::string> source_version;
  bool source_known = false;
  std::string source_note;
  if (!context.tenant.source_dsn.empty()) {
    try {
      auto source = context.connector.connect(context.tenant.source_dsn);
      source_version = installed_vector(*source);
      source_known = true;
    } catch (const pg::PgError& error) {
      source_note = " (source not reachable: " + std::string(error.what()) + ")";
    }
  }

  if (offered.empty() || !offered.at(0, 0)) {
    if (source_known && !source_version)
      return make_result(Status::skip,
                         "the source does not use the vector extension and the target does not offer it");
    Finding finding;
    finding.object = "extension vector";
    finding.expected = source_version ? "available, version >= " + *source_version : "available";
    finding.actual = "not available";
    finding.message = target_name + " does not offer the vector extension" + source_note;
    finding.hint =
        "Run the target on an image with pgvector (pgvector/pgvector:pg18) or install the "
        "postgresql-<major>-pgvector package; restoring vector columns fails without it.";
    return make_result(Status::fail, "the target does not offer the vector extension", {finding});
  }

  const std::string target_version = *offered.at(0, 0);
  if (source_version && compare_dotted_versions(target_version, *source_version) < 0) {
    Finding finding;
    finding.object = "extension vector";
    finding.expected = ">= " + *source_version + " (installed on the source)";
    finding.actual = target_version;
    finding.message = target_name + " offers vector " + target_version +
                      ", older than the source's " + *source_version;
    finding.hint = "Upgrade pgvector on the target to " + *source_version +
                   " or later; objects using newer vector features will not restore.";
    return make_result(Status::fail, "the target offers an older vector than the source uses",
                       {finding});
  }
  return make_result(Status::pass,
                     "the target offers vector " + target_version +
                         (source_version ? " (source uses " + *source_version + ")" : std::string()) +
                         source_note);
}

CheckResult run_post(Context& context) {
  const ExtensionVersion* baseline = context.baseline ? context.baseline->extension("vector") : nullptr;
  if (!baseline)
    return make_result(Status::skip, "the baseline records no vector extension on the source");

  auto target = connect_target(context);
  const std::string target_name = describe_server("the target server", *target);
  auto installed = installed_vector(*target);
  Finding finding;
  finding.object = "extension vector";
  finding.expected = ">= " + baseline->version + " (the source's, from the baseline)";
  if (!installed) {
    finding.actual = "not installed";
    finding.message = "vector is not installed in " + target_name;
    finding.hint =
        "Run CREATE EXTENSION IF NOT EXISTS vector; on the target, then restore again: tables "
        "with vector columns did not restore without it.";
    return make_result(Status::fail, "the vector extension is not installed on the target", {finding});
  }
  if (compare_dotted_versions(*installed, baseline->version) < 0) {
    finding.actual = *installed;
    finding.message = "vector " + *installed + " in " + target_name + " is older than the source's " +
                      baseline->version;
    finding.hint = "Run ALTER EXTENSION vector UPDATE; on the target after installing a newer pgvector.";
    return make_result(Status::fail, "the target's vector is older than the source's", {finding});
  }
  return make_result(Status::pass, "vector " + *installed + " is installed (source had " +
                                       baseline->version + ")");
}

}  // namespace

const CheckInfo& ExtVector::info() const {
  static const CheckInfo info{
      .id = "ext.vector",
      .phases = {Phase::pre, Phase::post},
      .summary = "pre: the target offers pgvector; post: it is installed, version >= the source's",
      .rationale =
          "Tables with vector columns cannot be restored without the extension; the runbook "
          "creates it on the fresh volume before pg_restore. A target image without pgvector "
          "turns the restore into a partial one.",
      .remediation =
          "Use an image with pgvector (pgvector/pgvector:pg18), run CREATE EXTENSION IF NOT EXISTS "
          "vector on the target, and restore again.",
      .options = "target_dsn, source_dsn (pre); the baseline manifest (post)",
      .applies_to = "any major with pgvector",
      .needs_baseline = true,
  };
  return info;
}

CheckResult ExtVector::run(Context& context) const {
  if (context.tenant.target_dsn.empty())
    return make_result(Status::error,
                       "target_dsn is not configured for tenant '" + context.tenant.name + "'");
  return context.phase == Phase::post ? run_post(context) : run_pre(context);
}

}  // namespace pgverify::checks
