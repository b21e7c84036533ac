#include "checks/ext_available.hpp"

#include <map>

#include "checks/common.hpp"

namespace pgverify::checks {

const CheckInfo& ExtAvailable::info() const {
  static const CheckInfo info{
      .id = "ext.available",
      .phases = {Phase::pre},
      .summary = "every extension installed in the source is offered by the target, at its version or later",
      .rationale =
          "A dump holds CREATE EXTENSION, not the extension: pg_restore fails on it when the new "
          "server's image lacks the package, and then on every table, index and function that "
          "uses its types. Discovering that after the old volume is gone leaves the data "
          "without a home.",
      .remediation =
          "Use a target image that ships the named extensions (for the new major), or install "
          "their postgresql-MAJOR-NAME packages, before taking the destructive steps.",
      .options = "source_dsn, target_dsn",
      .applies_to = "every extension in the source database's pg_extension; plpgsql comes with every server",
  };
  return info;
}

CheckResult ExtAvailable::run(Context& context) const {
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
