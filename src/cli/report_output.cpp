#include "cli/report_output.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli/usage_error.hpp"
#include "files/atomic_file.hpp"

namespace pgverify::cli {

namespace fs = std::filesystem;

namespace {

bool console_colour() {
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour && *no_colour) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string_view(term) == "dumb") return false;
  return isatty(STDOUT_FILENO) != 0;
}

// Whether writing `report` would replace `kept` or, when `kept` is a
// directory (a directory-format dump), one of the files in it.
bool same_file(const fs::path& report, const fs::path& kept) {
  const fs::path resolved = files::resolved_path(report);
  const fs::path kept_resolved = files::resolved_path(kept);
  if (resolved == kept_resolved) return true;
  std::error_code ec;
  if (fs::is_directory(kept_resolved, ec)) {
    const auto rel = resolved.lexically_relative(kept_resolved);
    if (!rel.empty() && *rel.begin() != "..") return true;
  }
  return fs::equivalent(report, kept, ec);  // hard links; false when either is missing
}

// A report is a file of its own: not a device, pipe or descriptor (/dev/stdout
// would be renamed over whatever standard output is; a FIFO blocks).
std::optional<std::string> not_a_report_file(const fs::path& path) {
  const fs::path resolved = files::resolved_path(path);
  const std::string lexical = fs::absolute(path).lexically_normal().string();
  for (const char* root : {"/dev/", "/proc/"})
    if (lexical.starts_with(root) || resolved.string().starts_with(root))
      return "is not a file of its own; write a report to standard output as FMT or FMT:-";
  struct stat link_info {};
  if (::stat(path.c_str(), &link_info) != 0 && errno == ELOOP) return "is a loop of symbolic links";
  std::error_code ec;
  const auto status = fs::status(resolved, ec);
  if (fs::exists(status) && !fs::is_regular_file(status))
    return fs::is_directory(status) ? "is a directory" : "is not a regular file (a FIFO, socket or device)";
  return std::nullopt;
}

}  // namespace

// The reports to write. At most one goes to standard output (two would
// interleave into something no parser reads); when none does, the console
// report does, so a CI log always shows the result.
std::vector<reports::ReportTarget> parse_reports(const std::vector<std::string>& specs) {
  std::vector<reports::ReportTarget> targets;
  std::string on_stdout;
  for (const auto& spec : specs) {
    std::string error;
    auto target = reports::parse_report_spec(spec, error);
    if (!target) throw UsageError("--report: " + error);
    if (target->path.empty()) {
      if (!on_stdout.empty())
        throw UsageError("--report: '" + on_stdout + "' and '" + spec +
                         "' both write to standard output; give all but one a file (FMT:PATH)");
      on_stdout = spec;
    }
    targets.push_back(*target);
  }
  if (on_stdout.empty()) targets.insert(targets.begin(), {reports::Format::console, ""});
  return targets;
}

std::vector<KeptFile> tenant_inputs(const TenantConfig& tenant) {
  std::vector<KeptFile> kept;
  if (!tenant.dump_path.empty()) kept.push_back({tenant.dump_path, "the tenant's dump"});
  if (!tenant.app.python_requirements.empty())
    kept.push_back({tenant.app.python_requirements, "the tenant's python_requirements"});
  if (!tenant.fernet.secret_file.empty()) kept.push_back({tenant.fernet.secret_file, "the tenant's secret_file"});
  return kept;
}

// Refuses, before any check runs, a report path named twice or naming a file
// the user needs: the baseline, the configuration, the dump, an input.
void refuse_overwrites(const std::vector<reports::ReportTarget>& targets, const std::vector<KeptFile>& kept) {
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (targets[i].path.empty()) continue;
    const fs::path path(targets[i].path);
    if (auto why = not_a_report_file(path)) throw UsageError("--report: " + targets[i].path + " " + *why);
    for (std::size_t j = 0; j < i; ++j)
      if (!targets[j].path.empty() && same_file(path, targets[j].path))
        throw UsageError("--report: two reports name one file, " + targets[i].path + "; give each its own path");
    for (const KeptFile& file : kept)
      if (!file.path.empty() && same_file(path, file.path))
        throw UsageError("--report: " + targets[i].path + " is " + file.what +
                         "; a report there would overwrite it: choose another path");
  }
}

// Writes every report (files atomically: a kill leaves the old file or the
// whole new one); a report that cannot be written is a usage error (a wrong
// path), reported after the others are written.
void write_reports(const RunReport& report, const std::vector<reports::ReportTarget>& targets) {
  std::string failed;
  for (const auto& target : targets) {
    if (target.path.empty()) {
      reports::render(report, target.format, std::cout, {console_colour()});
      std::cout.flush();
      continue;
    }
    std::ostringstream out;
    reports::render(report, target.format, out, {false});
    try {
      files::write_atomically(target.path, out.str());
    } catch (const files::WriteError& error) {
      failed = error.what();
    }
  }
  if (!failed.empty()) throw UsageError("--report: " + failed);
}

}  // namespace pgverify::cli
