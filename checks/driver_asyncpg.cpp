#include "checks/driver_asyncpg.hpp"

#include "checks/common.hpp"
#include "pydeps/admitted.hpp"
#include "pydeps/find_package.hpp"

namespace pgverify::checks {

const CheckInfo& DriverAsyncpg::info() const {
  static const CheckInfo info{
      .id = "driver.asyncpg",
      .phases = {Phase::pre},
      .summary = "asyncpg >= 0.31.0 when target >= 18 (data-driven matrix; psycopg too)",
      .rationale =
          "The database can come back whole and the application still fail against it: asyncpg "
          "before 0.31.0 does not work with PostgreSQL 18, and psycopg2/psycopg have minimum "
          "versions of their own. The rule table (config/drivers.toml) names each library's "
          "oldest working version for a target major; the version the application will run "
          "with is read from its requirements file, lock file or site-packages.",
      .remediation =
          "Upgrade the named driver in the application (requirements/lock file), deploy it, and "
          "only then upgrade the database.",
      .options = "[tenants.X.app] python_requirements; target_major or target_dsn",
      .applies_to =
          "requirements.txt (with -r/-c includes, extras, markers, hashes), poetry.lock, uv.lock, "
          "Pipfile.lock, pip freeze output, a site-packages directory; PEP 440 versions. A pinned or "
          "installed version fails below the minimum; a range fails when no version it lets pip install "
          "(PEP 440 specifier semantics: exclusions, ~=, ===, pre-releases only where a clause names one "
          "or nothing final matches) reaches the minimum, warns when some do and some do not, and passes "
          "when all do",
  };
  return info;
}

CheckResult DriverAsyncpg::run(Context& context) const {
  const std::string& path = context.tenant.app.python_requirements;
  if (path.empty())
    return make_result(Status::skip, "no python_requirements configured (tenants." + context.tenant.name +
                                         ".app.python_requirements)");
  const KnownMajor target = target_major(context);

  std::vector<Finding> findings;
  std::vector<std::string> passed;
  bool failed = false, applicable = false;
  for (const pydeps::DriverRule& rule : m_rules) {
    if (target.major < rule.target_major) continue;
    applicable = true;
    const auto found = pydeps::find_package(path, rule.package);
    const std::string wanted = ">= " + rule.min_version.to_string();
    if (!found) continue;  // the application does not use this driver
    const std::string object = rule.package + " (" + found->source + ")";
    if (found->pinned) {
      if (*found->pinned >= rule.min_version) {
        passed.push_back(rule.package + " " + found->pinned->to_string());
        continue;
      }
      failed = true;
      findings.push_back({object, wanted, found->pinned->to_string(),
                          rule.reason + " (PostgreSQL " + std::to_string(target.major) + " target)",
                          "Pin " + rule.package + ">=" + rule.min_version.to_string() +
                              " in the application and deploy it before the database upgrade."});
    } else if (found->range) {
      // Judged over every version the range lets pip install, not its bounds
      // alone: <0.31, ~=0.30.0 and ==0.30.* admit no good version at all.
      const std::string minimum = rule.min_version.to_string();
      const std::string range = found->range->to_string();
      const pydeps::AdmittedSides sides = pydeps::admitted_around(*found->range, rule.min_version);
      if (!sides.decidable) {
        findings.push_back({object, wanted, range,
                            "the range names a version pgverify cannot place in PEP 440's order (=== with "
                            "another spelling), so whether it admits versions older than " +
                                minimum + " cannot be told: " + rule.reason,
                            "Require " + rule.package + ">=" + minimum + " with a PEP 440 version."});
      } else if (!sides.at_or_above) {
        failed = true;
        const std::string admits = sides.below ? "the range admits only versions older than " + minimum
                                               : std::string("the range admits no version at all");
        findings.push_back({object, wanted, range,
                            admits + ": " + rule.reason + " (PostgreSQL " + std::to_string(target.major) + " target)",
                            "Require " + rule.package + ">=" + minimum +
                                " in the application and deploy it before the database upgrade."});
      } else if (sides.below) {
        findings.push_back({object, wanted, range,
                            "the range allows versions older than " + minimum + ": " + rule.reason,
                            "Raise the lower bound to " + rule.package + ">=" + minimum + "."});
      } else {
        passed.push_back(rule.package + " " + range);
      }
    } else {
      findings.push_back({object, wanted, "any version", "the package is required without a version, so an old one may be installed",
                          "Pin " + rule.package + ">=" + rule.min_version.to_string() + "."});
    }
  }
  if (!applicable)
    return make_result(Status::skip, "no driver rule applies to a PostgreSQL " + std::to_string(target.major) + " target");
  if (passed.empty() && findings.empty())
    return make_result(Status::skip, "none of the drivers with rules for PostgreSQL " + std::to_string(target.major) +
                                         " is in " + path);
  const std::string target_text = "PostgreSQL " + std::to_string(target.major);
  if (findings.empty()) {
    std::string list;
    for (const auto& p : passed) list += (list.empty() ? "" : ", ") + p;
    return make_result(Status::pass, list + (passed.size() == 1 ? " suits " : " suit ") + target_text);
  }
  const std::string summary = std::to_string(findings.size()) + " of " + std::to_string(passed.size() + findings.size()) +
                              " drivers the application uses may not work with " + target_text;
  return make_result(failed ? Status::fail : Status::warn, summary, std::move(findings));
}

}  // namespace pgverify::checks
