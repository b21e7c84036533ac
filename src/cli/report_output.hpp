#pragma once

// Where a run's reports go: parsing --report, refusing a path that would
// replace a file the user needs, writing them (files atomically).

#include <filesystem>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/result.hpp"
#include "reports/reporter.hpp"

namespace pgverify::cli {

// A file the run must not write a report over, and what it is to the user.
struct KeptFile {
  std::filesystem::path path;
  std::string what;
};

// What a tenant's configuration names as inputs (its dump, python_requirements, secret_file).
std::vector<KeptFile> tenant_inputs(const TenantConfig& tenant);

// The reports to write; UsageError when a spec is wrong.
std::vector<reports::ReportTarget> parse_reports(const std::vector<std::string>& specs);
// UsageError, before anything runs, for a report path named twice, that is not a file, or that is one of `kept`.
void refuse_overwrites(const std::vector<reports::ReportTarget>& targets, const std::vector<KeptFile>& kept);
// Writes every report; UsageError after the others when one cannot be written.
void write_reports(const RunReport& report, const std::vector<reports::ReportTarget>& targets);

}  // namespace pgverify::cli
