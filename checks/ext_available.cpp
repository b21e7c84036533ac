#include "checks/checks.hpp"

#include <map>

#include "checks/common.hpp"

namespace pgverify::checks {

const CheckInfo& ExtAvailable::info() const {
  static const CheckInfo info{
      .id = "ext.available",
      .phases = {Phase::pre, Phase::post},
      .summary = "every extension of the source is offered by the target (pre) and installed there (post), at its "
                 "version or later",
      .rationale =
          "A dump holds CREATE EXTENSION, not the extension: pg_restore fails on it when the new "
          "server's image lacks the package, and then on every table, index and function that "
          "uses its types. Discovering that after the old volume is gone leaves the data "
          "without a home.",
      .remediation =
          "Use a target image that ships the named extensions (for the new major), or install "
          "their postgresql-MAJOR-NAME packages, before taking the destructive steps. After the "
          "restore, an extension that is missing or older (it was in the target database before "
          "the restore, so the dump's CREATE EXTENSION IF NOT EXISTS did nothing) is brought up "
          "with CREATE EXTENSION NAME or ALTER EXTENSION NAME UPDATE on the target.",
      .options = "source_dsn, target_dsn; in post the baseline manifest",
      .applies_to = "every extension in the source database's pg_extension (in post, as the baseline recorded "
                    "them); plpgsql comes with every server",
      .needs_baseline = true,
  };
  return info;
}

namespace {

// After the restore: each extension the baseline recorded is installed in the
// target database at the source's version or later.
CheckResult installed_on_target(Context& context) {
  const Manifest& baseline = *context.baseline;
  auto target = connect_target(context);
  std::map<std::string, std::string> installed;
  for (const auto& row :
       target->query("/* pgverify extensions installed */ SELECT extname, extversion FROM pg_catalog.pg_extension")
           .rows)
    installed[row.at(0).value_or("")] = row.at(1).value_or("");
  std::vector<Finding> findings;
  for (const ExtensionVersion& expected : baseline.extensions) {
    auto found = installed.find(expected.name);
    if (found == installed.end()) {
      findings.push_back({"extension " + expected.name, expected.version + " or later", "not installed",
                          "the extension is not installed in the target database",
                          "See pg_restore's output for its CREATE EXTENSION error; run CREATE EXTENSION " +
                              expected.name + " on the target and restore the objects that use it."});
    } else if (compare_dotted_versions(found->second, expected.version) < 0) {
      findings.push_back({"extension " + expected.name, expected.version + " or later", found->second,
                          "the target database has an older version than the source had (it was there before the "
                          "restore, so CREATE EXTENSION did nothing)",
                          "Run ALTER EXTENSION " + expected.name + " UPDATE on the target, then check what the restore "
                          "could not create."});
    }
  }
  const std::string counted = std::to_string(baseline.extensions.size() - findings.size()) + " of " +
                              std::to_string(baseline.extensions.size()) +
                              " extensions of the baseline are installed on the target at its version or later";
  if (!findings.empty()) return make_result(Status::fail, counted, std::move(findings));
  return make_result(Status::pass, counted);
}

}  // namespace

CheckResult ExtAvailable::run(Context& context) const {
  if (context.phase == Phase::post) return installed_on_target(context);
  auto source = connect_source(context);
  auto installed = source->query(
      "/* pgverify extensions installed */ SELECT extname, extversion FROM pg_catalog.pg_extension ORDER BY extname");
  auto target = connect_target(context);
  std::map<std::string, std::string> offered;  // name -> newest version offered
  for (const auto& row : target->query("/* pgverify extensions offered */ SELECT name, version "
                                       "FROM pg_catalog.pg_available_extension_versions")
                             .rows) {
    std::string& newest = offered[row.at(0).value_or("")];
    const std::string version = row.at(1).value_or("");
    if (newest.empty() || compare_dotted_versions(version, newest) > 0) newest = version;
  }

  std::vector<Finding> findings;
  const std::string target_name = describe_server("the target", *target);
  for (const auto& row : installed.rows) {
    const std::string name = row.at(0).value_or(""), version = row.at(1).value_or("");
    auto found = offered.find(name);
    if (found == offered.end()) {
      findings.push_back({"extension " + name, version + " or later", "not available",
                          target_name + " does not offer the extension",
                          "Install postgresql-MAJOR-" + name + " (or use an image that has it) on the target."});
    } else if (compare_dotted_versions(found->second, version) < 0) {
      findings.push_back({"extension " + name, version + " or later", found->second,
                          target_name + " offers only an older version than the source has installed",
                          "Install a newer " + name + " on the target; objects using newer features will not restore."});
    }
  }
  const std::string counted = std::to_string(installed.rows.size() - findings.size()) + " of " +
                              std::to_string(installed.rows.size()) + " extensions of the source are offered by the target";
  if (!findings.empty()) return make_result(Status::fail, counted, std::move(findings));
  return make_result(Status::pass, counted);
}

}  // namespace pgverify::checks
