#include "cli/upgrade_command.hpp"

#include <unistd.h>

#include <iostream>

#include "cli/progress.hpp"
#include "cli/report_output.hpp"
#include "cli/usage_error.hpp"
#include "core/exit_codes.hpp"
#include "dump/sha256.hpp"
#include "files/readable_file.hpp"
#include "text/quote.hpp"
#include "upgrade/executor.hpp"

namespace pgverify::cli {

namespace fs = std::filesystem;

namespace {

std::string config_digest(const fs::path& path) {
  if (path.empty()) return "";
  dump::Sha256 sha;
  sha.update(files::read_whole_file(path, 16u << 20));
  return sha.hex();
}

// The operator types the tenant's name: a reflex "y" is not enough to delete a volume.
bool ask(const std::string& tenant, const std::string& question) {
  std::cerr << question << "\nType the tenant's name (" << tenant << ") to go on, anything else to stop: "
            << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == tenant;
}

}  // namespace

void print_step_explanation(std::ostream& out, const upgrade::StepInfo& step) {
  out << step.id << (step.destructive ? "  (destructive: takes a permit)" : "") << "\n\n";
  out << "What it does:\n  " << step.operation << "\n\n";
  if (!step.gate.empty()) out << "Gate:\n  " << step.gate << "\n\n";
  out << "Why:\n  " << step.rationale << "\n\n";
  out << "On --resume after an interruption:\n  " << step.resume << "\n";
}

int run_upgrade_command(const Config& config, const TenantConfig& tenant, const UpgradeArgs& args) {
  const fs::path out_dir = args.out ? fs::path(*args.out) : fs::path("pgverify-out") / tenant.name;
  if (args.status) {
    try {
      std::cout << upgrade::upgrade_status(tenant, out_dir);
    } catch (const upgrade::UpgradeInputError& error) {
      throw UsageError(error.what());
    }
    return to_int(ExitCode::ok);
  }
  if (args.purge) {
    exec::SystemToolRunner runner;
    std::function<bool(const std::string&)> confirm;
    if (isatty(STDIN_FILENO) && isatty(STDERR_FILENO))
      confirm = [name = tenant.name](const std::string& question) { return ask(name, question); };
    try {
      std::cerr << "pgverify: "
                << text::printable(upgrade::purge_upgrade(tenant, upgrade::default_platforms(runner), out_dir, args.yes,
                                                          confirm))
                << '\n';
    } catch (const upgrade::UpgradeInputError& error) {
      throw UsageError(error.what());
    }
    return to_int(ExitCode::ok);
  }
  if (!args.gated)
    throw UsageError("upgrade: --gated is required (there is no ungated upgrade: the flag states what you ask for)");
  if (args.dry_run && args.resume) throw UsageError("upgrade: --dry-run and --resume cannot be combined");
  auto targets = parse_reports(args.reports);
  std::vector<KeptFile> kept{{config.path, "the configuration file"},
                             {upgrade::journal_path(out_dir), "the upgrade's journal"}};
  for (auto& input : tenant_inputs(tenant)) kept.push_back(std::move(input));
  refuse_overwrites(targets, kept);

  upgrade::UpgradeOptions options;
  options.out_dir = out_dir;
  options.config_path = config.path;
  options.config_digest = config_digest(config.path);
  options.dry_run = args.dry_run;
  options.resume = args.resume;
  options.yes = args.yes;
  if (isatty(STDIN_FILENO) && isatty(STDERR_FILENO))
    options.confirm = [name = tenant.name](const std::string& question) { return ask(name, question); };
  ProgressLine line;
  options.say = [&line](const std::string& text) {
    line.finish();
    std::cerr << "pgverify: " << text::printable(text) << '\n';
  };
  if (line.enabled()) {
    options.dump_progress = [&line](std::uint64_t done, std::uint64_t total) {
      line.update(0, 0, "dumped", done, total);
    };
    options.restore_progress = [&line](std::uint64_t done, std::uint64_t total, std::uint64_t bytes,
                                       std::uint64_t estimated) {
      line.update(done, total, "tables restored", bytes, estimated);
    };
    options.phase_progress.hashing = [&line](const hash::Progress& p) {
      line.update(p.tables_done, p.tables_total, "tables hashed", p.bytes_read, p.bytes_estimated);
    };
    options.phase_progress.dump_reading = [&line](const dump::ReadProgress& p) {
      line.update(p.tables_done, p.tables_total, "dump tables read", p.bytes_read, p.bytes_total);
    };
  }
  options.phase_progress.stage_done = [&line] { line.finish(); };

  exec::SystemToolRunner runner;
  upgrade::UpgradeOutcome outcome;
  try {
    outcome = upgrade::run_upgrade(tenant, upgrade::default_platforms(runner), options);
  } catch (const upgrade::UpgradeInputError& error) {
    throw UsageError(error.what());
  }
  line.finish();
  for (const auto& plan_line : outcome.plan) std::cout << plan_line << '\n';
  if (!outcome.plan.empty()) std::cout << '\n';
  write_reports(outcome.report, targets);
  if (!outcome.message.empty()) std::cerr << "pgverify: " << text::printable(outcome.message) << '\n';
  if (!outcome.journal.empty())
    std::cerr << "pgverify: journal " << outcome.journal.string() << "; gate reports in " << outcome.run_dir.string()
              << '\n';
  else if (!outcome.run_dir.empty())
    std::cerr << "pgverify: gate reports in " << outcome.run_dir.string() << '\n';
  return to_int(outcome.exit_code);
}

}  // namespace pgverify::cli
