#include "core/check.hpp"

#include <algorithm>

namespace pgverify {

namespace {

// 9.6 (906) before 10: each major as the server_version_num it starts at.
int first_version_num(int major) { return major >= 100 ? major * 100 : major * 10000; }

}  // namespace

bool VersionRange::contains(int major) const {
  if (min && first_version_num(major) < first_version_num(*min)) return false;
  if (max && first_version_num(major) > first_version_num(*max)) return false;
  return true;
}

std::string format_major(int major) {
  if (major >= 100) return std::to_string(major / 100) + "." + std::to_string(major % 100);
  return std::to_string(major);
}

std::string describe_range(const VersionRange& range, std::string_view servers) {
  const std::string on = std::string(servers) + " on PostgreSQL ";
  if (range.min && range.max) {
    if (*range.min == *range.max) return on + format_major(*range.min);
    return on + format_major(*range.min) + " to " + format_major(*range.max);
  }
  if (range.min) return on + format_major(*range.min) + " and later";
  if (range.max) return std::string(servers) + " up to PostgreSQL " + format_major(*range.max);
  return "every " + std::string(servers.substr(0, servers.size() - 1)) + " major";
}

std::string abbreviate_range(const VersionRange& range, std::string_view server) {
  const std::string name(server);
  if (range.min && range.max) {
    if (*range.min == *range.max) return name + " " + format_major(*range.min);
    return name + " " + format_major(*range.min) + "-" + format_major(*range.max);
  }
  if (range.min) return name + " >= " + format_major(*range.min);
  if (range.max) return name + " <= " + format_major(*range.max);
  return "any " + name;
}

bool CheckInfo::runs_in(Phase phase) const {
  return std::find(phases.begin(), phases.end(), phase) != phases.end();
}

CheckResult make_result(Status status, std::string summary, std::vector<Finding> findings) {
  CheckResult result;
  result.status = status;
  result.summary = std::move(summary);
  result.findings = std::move(findings);
  return result;
}

}  // namespace pgverify
