#include "cli/app.hpp"

#include <chrono>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "checks/registry.hpp"
#include "cli/catalog.hpp"
#include "cli/dump_command.hpp"
#include "cli/hash_command.hpp"
#include "cli/interrupt.hpp"
#include "cli/progress.hpp"
#include "cli/report_output.hpp"
#include "cli/upgrade_command.hpp"
#include "cli/usage_error.hpp"
#include "config/config.hpp"
#include "core/exit_codes.hpp"
#include "core/runner.hpp"
#include "files/atomic_file.hpp"
#include "phases/run_phase.hpp"
#include "reports/reporter.hpp"
#include "text/quote.hpp"

namespace pgverify::cli {

namespace {

namespace fs = std::filesystem;

struct GlobalOptions {
  std::optional<std::string> config;
};

struct PhaseArgs {
  std::string tenant;
  std::optional<std::string> dump;
  std::optional<std::string> baseline;
  std::optional<std::string> out;
  std::vector<std::string> reports;
  std::vector<std::string> only;
  std::vector<std::string> skip;
  bool strict = false;
};

Config load_config(const GlobalOptions& global) {
  auto path = locate_config(global.config);
  if (!path)
    throw UsageError(
        "no configuration: pass --config FILE, set PGVERIFY_CONFIG or create ./pgverify.toml");
  return load_config_file(*path);
}

std::function<void(const hash::Progress&)> progress_callback(ProgressLine& line) {
  if (!line.enabled()) return {};
  return [&line](const hash::Progress& p) {
    line.update(p.tables_done, p.tables_total, "tables hashed", p.bytes_read, p.bytes_estimated);
  };
}

fs::path default_out_dir(const std::string& tenant) { return fs::path("pgverify-out") / tenant; }

// --tenant, or the only tenant of the configuration.
const TenantConfig& chosen_tenant(const Config& config, const std::string& name) {
  if (!name.empty() || config.tenants.size() != 1) {
    if (name.empty()) {
      std::string known;
      for (const auto& [tenant_name, _] : config.tenants) known += (known.empty() ? "" : ", ") + tenant_name;
      throw UsageError("--tenant is required: " + config.path.string() +
                       (known.empty() ? std::string(" configures no tenant") : " configures " + known));
    }
    return config.tenant(name);
  }
  // Through tenant(), which checks the tenant's files, as with --tenant.
  return config.tenant(config.tenants.begin()->first);
}

int run_phase_command(const GlobalOptions& global, const PhaseArgs& args, Phase phase) {
  Config config = load_config(global);
  const TenantConfig& tenant = chosen_tenant(config, args.tenant);
  auto targets = parse_reports(args.reports);
  const fs::path out_dir = args.out ? fs::path(*args.out) : default_out_dir(tenant.name);
  PhaseOptions options;
  options.baseline = phase == Phase::post && args.baseline ? fs::path(*args.baseline) : out_dir / "manifest.json";
  if (args.dump) options.dump = fs::path(*args.dump);
  options.strict = args.strict;
  options.only = args.only;
  options.skip = args.skip;
  options.config_path = config.path;

  std::vector<KeptFile> kept{{options.baseline, phase == Phase::pre ? "where pre writes the baseline" : "the baseline"},
                             {config.path, "the configuration file"}};
  if (args.dump) kept.push_back({*args.dump, "the dump"});
  for (auto& input : tenant_inputs(tenant)) kept.push_back(std::move(input));
  refuse_overwrites(targets, kept);
  // pre writes its baseline at the end: a directory it cannot write is the
  // user's mistake, said before any check runs rather than after all of them.
  if (phase == Phase::pre) {
    const fs::path dir = options.baseline.parent_path().empty() ? fs::path(".") : options.baseline.parent_path();
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || ::access(dir.c_str(), W_OK | X_OK) != 0)
      throw UsageError("--out: cannot write the baseline in " + dir.string() + ": " +
                       (ec ? ec.message() : std::string(std::strerror(errno))));
  }

  ProgressLine line;
  options.progress.hashing = progress_callback(line);
  if (line.enabled()) {
    options.progress.dump_reading = [&line](const dump::ReadProgress& p) {
      line.update(p.tables_done, p.tables_total, "dump tables read", p.bytes_read, p.bytes_total);
    };
    options.progress.dump_identifying = [&line](std::uint64_t done, std::uint64_t total) {
      line.update(0, 0, "dump SHA-256", done, total);
    };
  }
  options.progress.stage_done = [&line] { line.finish(); };

  RunReport report;
  try {
    report = run_phase(tenant, phase, options);
  } catch (const PhaseInputError& error) {
    throw UsageError(error.what());
  }
  for (const auto& check : report.checks)
    if (check.id == "baseline.record" && check.status == Status::error)
      std::cerr << "pgverify: error: " << text::printable(check.summary) << '\n';
  write_reports(report, targets);
  return to_int(exit_code_for(report.checks));
}

void add_phase_options(CLI::App& command, PhaseArgs& options, Phase phase) {
  command.add_option("--tenant", options.tenant,
                     "Tenant from the configuration (default: its only tenant, when it has one)");
  if (phase == Phase::pre) {
    command.add_option("--dump", options.dump, "The dump to verify (default: the tenant's dump_path)");
  } else {
    command.add_option("--baseline", options.baseline,
                       "The manifest pre wrote (default: OUT/manifest.json)");
    command.add_flag("--strict", options.strict,
                     "Fail (not warn) when the baseline's pre did not pass or checked no dump");
  }
  command.add_option("--out", options.out, "Output directory (default: ./pgverify-out/TENANT)");
  command.add_option("--report", options.reports,
                     "FMT[:PATH]: console, json, junit or markdown; repeatable (default: console)");
  command.add_option("--only", options.only, "Run only these check ids (comma-separated, repeatable)");
  command.add_option("--skip", options.skip, "Skip these check ids (comma-separated, repeatable)");
}

// The one line an error ends in: whatever it quotes (a path, a name, a
// value from a file) kept to that line, controls spelled out.
int fail(const std::exception& error, ExitCode code) {
  std::cerr << "pgverify: error: " << text::printable(error.what()) << '\n';
  return to_int(code);
}

int run_command(int argc, char** argv) {
  CLI::App app{
      "pgverify: proves a PostgreSQL major-version upgrade by dump and restore kept every row, "
      "and refuses to go on when it did not.",
      "pgverify"};
  app.set_version_flag("--version", std::string("pgverify ") + PGVERIFY_VERSION);
  app.require_subcommand(1);
  app.fallthrough();

  GlobalOptions global;
  app.add_option("--config", global.config,
                 "Configuration file (default: $PGVERIFY_CONFIG, then ./pgverify.toml)");

  bool markdown = false;
  CLI::App* checks = app.add_subcommand("checks", "List every check: id, phase, summary");
  checks->add_flag("--markdown", markdown, "Print the list as a Markdown table");

  std::string explain_id;
  CLI::App* explain = app.add_subcommand("explain", "What a check checks, why, and what to do when it fails");
  explain->add_option("CHECK-ID", explain_id, "A check id from 'pgverify checks', or an upgrade step id (step.delete-volume)")->required();

  HashCommandOptions hash_options;
  CLI::App* hash = app.add_subcommand("hash", "Per-table row count and content hash of a live database");
  CLI::Option* hash_dsn = hash->add_option("--dsn", hash_options.dsn, "libpq connection string or URI");
  std::string hash_tenant, hash_side;
  CLI::Option* hash_tenant_option =
      hash->add_option("--tenant", hash_tenant, "Read this tenant's server from the configuration (instead of --dsn)")
          ->excludes(hash_dsn);
  hash->add_option("--side", hash_side, "With --tenant: source (source_dsn) or target (target_dsn)")
      ->check(CLI::IsMember({"source", "target"}))
      ->needs(hash_tenant_option);
  hash->add_option("--table", hash_options.tables, "Only tables matching this schema.table glob (repeatable)");
  CLI::Option* hash_mode = hash->add_option("--mode", hash_options.mode, "text (as pg_dump reads rows) or binary (faster)")
      ->check(CLI::IsMember({"text", "binary"}));
  hash->add_option("--baseline", hash_options.baseline,
                   "Read tables as post does, with this manifest's mode, settings and columns by name")
      ->excludes(hash_mode);
  hash->add_option("--jobs", hash_options.jobs, "Connections reading in parallel, sharing one snapshot")
      ->check(CLI::Range(1, 64));
  hash->add_flag("--json", hash_options.json, "Print JSON");

  DumpVerifyOptions dump_options;
  CLI::App* dump = app.add_subcommand("dump", "pg_dump archives");
  dump->require_subcommand(1);
  CLI::App* verify = dump->add_subcommand(
      "verify", "Read an archive to its end; per-table rows and text hashes; compare with a live database");
  verify->add_option("PATH", dump_options.path, "The archive: a file (custom, tar, plain, .gz) or a directory")
      ->required();
  verify->add_option("--against", dump_options.against,
                     "A libpq connection string or URI of the live source to compare with");
  verify->add_option("--jobs", dump_options.jobs, "Tables read in parallel (custom with offsets, directory, tar)")
      ->check(CLI::Range(1, 64));
  verify->add_flag("--json", dump_options.json, "Print JSON");

  PhaseArgs pre_options, post_options;
  CLI::App* pre = app.add_subcommand("pre", "Before the upgrade: clients, dump and source; records the baseline");
  add_phase_options(*pre, pre_options, Phase::pre);
  CLI::App* post = app.add_subcommand("post", "After the restore: the target against the baseline");
  add_phase_options(*post, post_options, Phase::post);

  UpgradeArgs upgrade_args;
  CLI::App* upgrade = app.add_subcommand(
      "upgrade", "The runbook as a journaled, resumable plan whose destructive step needs a passed gate");
  upgrade->add_option("--tenant", upgrade_args.tenant, "Tenant from the configuration (default: its only tenant)");
  upgrade->add_flag("--gated", upgrade_args.gated, "Required: every destructive step needs its gate to pass");
  upgrade->add_flag("--dry-run", upgrade_args.dry_run,
                    "Show the plan with the exact commands and the downtime estimate, run the read-only preflight; change nothing");
  upgrade->add_flag("--resume", upgrade_args.resume, "Go on from where the journal says the upgrade stopped");
  upgrade->add_flag("--yes", upgrade_args.yes, "Do not ask before the destructive step (never skips a gate)");
  upgrade->add_flag("--status", upgrade_args.status, "Show the journal in words: done, running, next");
  upgrade->add_flag("--purge", upgrade_args.purge,
                    "After a finished upgrade: remove the old data it kept (asks, or --yes)");
  upgrade->add_option("--out", upgrade_args.out, "Output directory (default: ./pgverify-out/TENANT)");
  upgrade->add_option("--report", upgrade_args.reports,
                      "FMT[:PATH]: console, json, junit or markdown; repeatable (default: console)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "pgverify: error: " << text::printable(e.what()) << " (see pgverify --help)\n";
    return to_int(ExitCode::usage);
  }

  try {
    if (*checks) {
      print_catalog(std::cout, markdown ? CatalogFormat::markdown : CatalogFormat::text);
      return to_int(ExitCode::ok);
    }
    if (*explain) {
      if (const upgrade::StepInfo* step = upgrade::find_step(explain_id)) {
        print_step_explanation(std::cout, *step);
        return to_int(ExitCode::ok);
      }
      const Check* check = find_check(explain_id);
      if (!check)
        throw UsageError("explain: unknown check id '" + explain_id +
                         "' (run 'pgverify checks' for the checks; the upgrade's steps are step.preflight ... step.health)");
      print_explanation(std::cout, check->info());
      return to_int(ExitCode::ok);
    }
    if (*hash) {
      if (hash_tenant.empty() && hash_options.dsn.empty())
        throw UsageError("hash: give --dsn DSN, or --tenant NAME --side source|target");
      if (!hash_tenant.empty()) {
        if (hash_side.empty()) throw UsageError("hash --tenant: give --side source or --side target");
        const Config config = load_config(global);
        const TenantConfig& tenant = config.tenant(hash_tenant);
        hash_options.dsn = hash_side == "source" ? tenant.source_dsn : tenant.target_dsn;
        if (hash_options.dsn.empty())
          throw UsageError(config.path.string() + ": tenant '" + tenant.name + "' has no " + hash_side + "_dsn");
      }
      return run_hash_command(hash_options);
    }
    if (*verify) return run_dump_verify(dump_options);
    if (*pre) return run_phase_command(global, pre_options, Phase::pre);
    if (*post) return run_phase_command(global, post_options, Phase::post);
    if (*upgrade) {
      Config config = load_config(global);
      return run_upgrade_command(config, chosen_tenant(config, upgrade_args.tenant), upgrade_args);
    }
  } catch (const UsageError& e) {
    return fail(e, ExitCode::usage);
  } catch (const ConfigError& e) {
    return fail(e, ExitCode::usage);
  } catch (const SelectionError& e) {
    return fail(e, ExitCode::usage);
  } catch (const pg::InvalidDsn& e) {
    return fail(e, ExitCode::usage);
  } catch (const std::exception& e) {
    return fail(e, ExitCode::check_error);
  }
  return to_int(ExitCode::usage);
}

}  // namespace

int run(int argc, char** argv) {
  // First: before any thread starts, so that every thread inherits its signal mask.
  InterruptHandling interrupts;
  return run_command(argc, argv);
}

}  // namespace pgverify::cli
