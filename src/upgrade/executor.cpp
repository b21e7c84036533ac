#include "upgrade/executor.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <system_error>
#include <thread>

#include "dump/identity.hpp"
#include "evidence/manifest.hpp"
#include "files/atomic_file.hpp"
#include "pg/dsn_edit.hpp"
#include "pg/client_version.hpp"
#include "pg/dsn_mask.hpp"
#include "pg/ident.hpp"
#include "pg/session.hpp"
#include "pg/version.hpp"
#include "platform/local.hpp"
#include "platform/programs.hpp"
#include "reports/reporter.hpp"
#include "reports/text.hpp"
#include "text/quote.hpp"
#include "text/shell.hpp"
#include "text/timestamp.hpp"
#include "upgrade/estimate.hpp"
#include "upgrade/gates.hpp"
#include "upgrade/journal.hpp"
#include "upgrade/steps.hpp"
#include "upgrade/write_mark.hpp"

namespace pgverify::upgrade {

namespace fs = std::filesystem;
using platform::Evidence;
using platform::PlatformError;

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// A text field of the journal's plan line; "" when it is missing or not text
// (a journal from elsewhere is an input error, never a JSON exception).
std::string plan_text(const Evidence& plan, const char* key) {
  return plan.contains(key) && plan.at(key).is_string() ? plan.at(key).get<std::string>() : std::string();
}

// "20261202T190102Z-3f9a": sorts by time, unique enough for one tenant's runs.
std::string new_run_id() {
  std::string stamp = utc_timestamp();  // 2026-12-02T19:01:02Z
  stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }), stamp.end());
  std::random_device random;
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%04x", static_cast<unsigned>(random() & 0xffff));
  return stamp + "-" + suffix;
}

// The line that finished the run (a purge may follow it), or nullptr.
const JournalEntry* finished_entry(const std::vector<JournalEntry>& entries) {
  for (const auto& entry : entries)
    if (entry.event == "finished") return &entry;
  return nullptr;
}

std::string sql_literal(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string shown(const fs::path& path) { return text::shell_word(path.string()); }

// The run stops here: a step could not run (exit 3) or a gate refused (4).
struct StopRun {
  ExitCode code;
};

// What a step did: done with its evidence, or refused by its gate.
struct StepOutcome {
  bool refused = false;
  std::string summary;
  Evidence evidence = Evidence::object();
  std::vector<Finding> findings;  // the gate's failures when refused
  std::string remedy;             // what to do, when refused
};

// step.restore's progress: the tables pg_restore has begun (the platform
// says) and the COPY bytes the target has loaded, polled from
// pg_stat_progress_copy twice a second; a COPY that leaves the view is done.
// Cosmetic: when it cannot connect or query, it stops and the restore goes on.
class RestoreWatch {
 public:
  using Callback = decltype(UpgradeOptions::restore_progress);
  RestoreWatch(std::string dsn, const Callback& callback, std::uint64_t estimated)
      : m_dsn(std::move(dsn)), m_callback(callback), m_estimated(estimated) {
    if (!m_callback) return;
    try {
      m_thread = std::thread([this] { poll(); });
    } catch (const std::system_error&) {
      // No thread, no progress line: the restore is the same.
    }
  }
  ~RestoreWatch() { stop(); }
  RestoreWatch(const RestoreWatch&) = delete;
  RestoreWatch& operator=(const RestoreWatch&) = delete;

  void stop() {
    {
      std::lock_guard lock(m_mutex);
      m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
  }
  // What the platform calls as pg_restore begins each table's data.
  const platform::ByteProgress& tables() const { return m_tables; }

 private:
  void poll() {
    try {
      pg::LibpqConnector connector;
      std::unique_ptr<pg::Session> session;
      std::map<std::string, std::uint64_t> running;
      std::uint64_t finished = 0;
      std::unique_lock lock(m_mutex);
      while (!m_stopping) {
        lock.unlock();
        if (!session) session = connector.connect(m_dsn);
        const auto copies = session->query(
            "SELECT relid::text, bytes_processed FROM pg_stat_progress_copy WHERE datname = current_database()");
        std::map<std::string, std::uint64_t> now;
        for (std::size_t i = 0; i < copies.rows.size(); ++i)
          now[copies.at(i, 0).value_or("")] = std::stoull(copies.at(i, 1).value_or("0"));
        for (const auto& [relid, bytes] : running)
          if (!now.count(relid)) finished += bytes;
        running = std::move(now);
        std::uint64_t bytes = finished;
        for (const auto& [relid, done] : running) bytes += done;
        m_callback(m_tables_done.load(), m_tables_total.load(), bytes, std::max(m_estimated, bytes));
        lock.lock();
        m_wake.wait_for(lock, std::chrono::milliseconds(500), [this] { return m_stopping; });
      }
    } catch (const std::exception&) {
      // The target is not there yet, or went: no more progress, the restore says how it ended.
    }
  }

  std::string m_dsn;
  const Callback& m_callback;
  std::uint64_t m_estimated;
  std::atomic<std::uint64_t> m_tables_done{0}, m_tables_total{0};
  platform::ByteProgress m_tables = [this](std::uint64_t done, std::uint64_t total) {
    m_tables_done = done;
    m_tables_total = total;
  };
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopping = false;
  std::thread m_thread;
};

Evidence results_json(const std::vector<CheckResult>& results) {
  Evidence out = Evidence::array();
  for (const auto& result : results)
    out.push_back({{"id", result.id}, {"status", std::string(to_string(result.status))}});
  return out;
}

// The tenant as the gates read it: during the downtime nothing but the
// upgrade uses the machine, so the hashing takes as many workers as the
// restore does unless [tenants.X.hash] jobs says otherwise.
TenantConfig as_gates_read(TenantConfig tenant) {
  if (!tenant.hash.jobs_configured) tenant.hash.jobs = std::max(tenant.hash.jobs, tenant.platform.jobs);
  return tenant;
}

class Run {
 public:
  Run(const TenantConfig& tenant, const PlatformFactory& platforms, const UpgradeOptions& options)
      : m_tenant(as_gates_read(tenant)), m_platforms(platforms), m_options(options) {}

  UpgradeOutcome execute();
  UpgradeOutcome dry_run();

 private:
  using StepFunction = StepOutcome (Run::*)(bool redo);

  void say(const std::string& line) const {
    if (m_options.say) m_options.say(line);
  }
  void open_journal();
  void read_back();
  void set_files();
  Evidence plan_fingerprint() const;
  void run_step(const StepInfo& step);
  void record(const StepInfo& step, Status status, std::string summary, std::chrono::milliseconds duration,
              std::vector<Finding> findings = {});
  void roll_back(const StepInfo& step, const std::string& outcome);
  [[noreturn]] void refuse(const StepInfo& step, const StepOutcome& outcome, std::chrono::milliseconds duration);
  std::string refusal_paragraph(const StepInfo& step, const StepOutcome& outcome) const;
  RunReport run_gate_phase(const std::string& step, const TenantConfig& tenant, Phase phase, PhaseOptions options);
  // The journal says the delete was done, or the volume was seen gone after
  // its intent (a kill or a failure between the move and the journal line).
  bool volume_gone() const { return last("step.delete-volume") == "done" || m_volume_seen_gone; }
  void look_at_volume();
  std::string last(const std::string& step) const {
    auto it = m_last.find(step);
    return it == m_last.end() ? "" : it->second;
  }
  std::string target_admin_dsn() const { return pg::with_dbname(m_tenant.target_dsn, "postgres"); }
  std::string database_name() const;
  std::optional<Measurements> take_measurements(platform::ProbeTarget& probe, std::chrono::milliseconds setup);
  void refuse_without_room(const Estimate& estimate, StepOutcome& outcome) const;
  std::string downtime_line() const;

  StepOutcome preflight(bool redo);
  StepOutcome take_inventory(bool redo);
  StepOutcome scale_down(bool redo);
  StepOutcome take_dump(bool redo);
  StepOutcome verify_dump(bool redo);
  StepOutcome delete_volume(bool redo);
  StepOutcome deploy_target(bool redo);
  StepOutcome start_target(bool redo);
  StepOutcome create_database(bool redo);
  StepOutcome create_extensions(bool redo);
  StepOutcome restore(bool redo);
  StepOutcome post(bool redo);
  StepOutcome scale_up(bool redo);
  StepOutcome health(bool redo);

  const TenantConfig m_tenant;  // as the gates read it (as_gates_read)
  const PlatformFactory& m_platforms;
  const UpgradeOptions& m_options;
  std::unique_ptr<platform::Platform> m_platform;
  std::optional<Journal> m_journal;
  std::optional<WriteMark> m_write_mark;  // the source as step.verify-dump left it
  bool m_volume_seen_gone = false;
  std::string m_run_id;
  platform::RunFiles m_files;
  fs::path m_baseline;
  std::map<std::string, std::string> m_last;  // step -> its last event in the journal
  std::map<std::string, Evidence> m_done;     // step -> the evidence of its done line
  std::optional<platform::Inventory> m_inventory;
  std::string m_dump_sha256;
  std::unique_ptr<const platform::Permit> m_permit;
  std::optional<Estimate> m_estimate;  // made by step.preflight, journaled with it
  RunReport m_report;
  std::string m_message;  // the paragraph the run ends with, once it stops
  exec::SystemToolRunner m_tools;
};

std::string Run::database_name() const {
  auto name = pg::dbname_of(m_tenant.source_dsn);
  if (!name) throw UpgradeInputError("tenant '" + m_tenant.name + "': source_dsn names no dbname; name the database");
  return *name;
}

Evidence Run::plan_fingerprint() const {
  Evidence steps = Evidence::array();
  for (const auto& step : standard_steps()) steps.push_back(step.id);
  return Evidence{{"tenant", m_tenant.name},
                  {"run_id", m_run_id},
                  {"config_sha256", m_options.config_digest},
                  {"target_major", m_tenant.target_major.value_or(0)},
                  {"platform", m_platform->identity()},
                  {"database", database_name()},
                  {"steps", steps}};
}

void Run::set_files() {
  m_files.dir = m_options.out_dir / ("upgrade-" + m_run_id);
  m_files.dump = m_files.dir / (database_name() + (m_tenant.platform.dump_format == "directory" ? ".dumpdir" : ".dump"));
  m_files.roles = m_files.dir / "roles.sql";
  m_baseline = m_files.dir / "manifest.json";
  std::error_code ec;
  fs::create_directories(m_files.dir, ec);
  if (ec) throw UpgradeInputError("cannot create " + shown(m_files.dir) + ": " + ec.message());
  fs::permissions(m_files.dir, fs::perms::owner_all, ec);
}

void Run::open_journal() {
  const fs::path path = journal_path(m_options.out_dir);
  std::error_code ec;
  fs::create_directories(m_options.out_dir, ec);
  if (ec) throw UpgradeInputError("cannot create " + shown(m_options.out_dir) + ": " + ec.message());
  const bool exists = fs::exists(fs::symlink_status(path, ec));
  if (exists) {
    std::vector<JournalEntry> entries;
    try {
      entries = Journal::read(path);
    } catch (const JournalError& error) {
      throw UpgradeInputError(error.what());
    }
    const bool finished = finished_entry(entries) != nullptr;
    if (!entries.empty() && !finished && !m_options.resume)
      throw UpgradeInputError("an upgrade of '" + m_tenant.name + "' is unfinished (journal " + shown(path) +
                              "): --resume goes on from where it stopped, --status shows where that is");
    if (m_options.resume && (entries.empty() || finished))
      throw UpgradeInputError("nothing to resume: the journal " + shown(path) + " holds " +
                              (entries.empty() ? std::string("no upgrade") : "an upgrade that finished"));
    if (finished) {
      // A finished run's journal is kept with its run, not overwritten.
      const std::string old_run = entries.front().evidence.value("run_id", std::string("unknown"));
      const fs::path kept = m_options.out_dir / ("upgrade-" + old_run) / "upgrade-journal.jsonl";
      fs::create_directories(kept.parent_path(), ec);
      if (fs::exists(kept, ec) || ::rename(path.c_str(), kept.c_str()) != 0)
        throw UpgradeInputError("cannot keep the finished journal " + shown(path) + " as " + shown(kept));
    }
  } else if (m_options.resume) {
    throw UpgradeInputError("nothing to resume: no journal at " + shown(path));
  }
  try {
    m_journal.emplace(Journal::open(path));
  } catch (const JournalError& error) {
    throw UpgradeInputError(error.what());
  }
  if (m_journal->entries().empty()) {
    m_run_id = new_run_id();
    m_platform = m_platforms(m_tenant, m_run_id);
    m_journal->append(kPlanStep, "plan", plan_fingerprint());
  } else {
    const Evidence& recorded = m_journal->entries().front().evidence;
    m_run_id = plan_text(recorded, "run_id");
    if (m_run_id.empty()) throw UpgradeInputError("the journal " + shown(path) + " names no run");
    m_platform = m_platforms(m_tenant, m_run_id);
    const Evidence now = plan_fingerprint();
    for (const auto& [key, value] : now.items())
      if (!recorded.contains(key) || recorded.at(key) != value)
        throw UpgradeInputError("the journal " + shown(path) + " was written for another plan: its " + key + " is " +
                                (recorded.contains(key) ? recorded.at(key).dump() : std::string("missing")) +
                                ", now " + value.dump() + "; --resume only goes on with the configuration it began with");
    try {
      read_back();
    } catch (const std::exception& error) {
      throw UpgradeInputError("the journal " + shown(path) + " cannot be resumed: " + text::printable(error.what()));
    }
    look_at_volume();
    // Where this process's lines begin: what it did is told from what an earlier one did.
    m_journal->append(kPlanStep, "intent", Evidence{{"resumed", true}, {"torn_line_cut", m_journal->torn_tail_cut()}});
  }
}

void Run::read_back() {
  for (const auto& entry : m_journal->entries()) {
    if (entry.step == kPlanStep) continue;
    m_last[entry.step] = entry.event;
    if (entry.event == "done") m_done[entry.step] = entry.evidence;
  }
  if (auto it = m_done.find("step.inventory"); it != m_done.end())
    m_inventory = platform::Inventory::from_json(it->second.at("inventory"));
  if (auto it = m_done.find("step.dump"); it != m_done.end()) m_dump_sha256 = it->second.value("sha256", "");
  if (auto it = m_done.find("step.preflight"); it != m_done.end() && it->second.contains("measurements")) {
    try {
      m_estimate = estimate_upgrade(Measurements::from_json(it->second.at("measurements")));
    } catch (const std::invalid_argument&) {
      // An estimate is advice: without it the steps are reported without one.
    }
  }
}

void Run::look_at_volume() {
  if (m_volume_seen_gone || !m_inventory || !m_platform || last("step.delete-volume").empty()) return;
  try {
    m_volume_seen_gone = m_platform->volume_deleted(*m_inventory);
  } catch (const std::exception&) {
    // Unknown: the journal's word stands.
  }
}

void Run::record(const StepInfo& step, Status status, std::string summary, std::chrono::milliseconds duration,
                 std::vector<Finding> findings) {
  CheckResult result;
  result.id = std::string(step.id);
  result.status = status;
  result.summary = std::move(summary);
  result.duration = duration;
  result.findings = std::move(findings);
  if (m_estimate)
    if (const StepEstimate* estimate = m_estimate->find(result.id)) result.estimate = estimate->time;
  m_report.checks.push_back(std::move(result));
}

std::string Run::refusal_paragraph(const StepInfo& step, const StepOutcome& outcome) const {
  std::string text = "pgverify refused to go on: the gate of " + std::string(step.id) + " did not pass";
  if (!outcome.findings.empty()) {
    text += " (";
    for (std::size_t i = 0; i < outcome.findings.size(); ++i) {
      if (i) text += "; ";
      text += outcome.findings[i].object + ": " + outcome.findings[i].actual;
      if (!outcome.findings[i].message.empty()) text += ", " + outcome.findings[i].message;
    }
    text += ")";
  }
  text += ". ";
  if (!outcome.remedy.empty()) text += outcome.remedy + " ";
  if (volume_gone()) {
    text += "The old data is kept, not purged, at " + m_platform->kept_volume(*m_inventory) +
            "; the dependents stay stopped. Fix the cause and run `pgverify upgrade --tenant " + m_tenant.name +
            " --gated --resume` to evaluate the gate again.";
  } else {
    text += "Nothing was destroyed: the source's volume is as it was, its server and dependents are running again.";
  }
  return text;
}

// Before the point of no return a run that stops puts everything back as it
// was (the source's server and its dependents running) and is finished: the
// next upgrade begins afresh.
void Run::roll_back(const StepInfo& step, const std::string& outcome) {
  Evidence restored = Evidence::object();
  try {
    restored["source"] = m_platform->start_source();
    if (m_inventory && m_last.count("step.scale-down")) restored["dependents"] = m_platform->scale_up(*m_inventory);
  } catch (const std::exception& error) {
    restored["error"] = text::printable(error.what());
    say("could not start everything again: " + text::printable(error.what()));
  }
  m_journal->append(kPlanStep, "finished", Evidence{{"outcome", outcome}, {"step", step.id}, {"restored", restored}});
}

void Run::refuse(const StepInfo& step, const StepOutcome& outcome, std::chrono::milliseconds duration) {
  Evidence failures = Evidence::array();
  for (const auto& finding : outcome.findings)
    failures.push_back({{"object", finding.object}, {"actual", finding.actual}, {"message", finding.message}});
  m_journal->append(step.id, "refused", Evidence{{"failures", failures}});
  m_last[std::string(step.id)] = "refused";
  record(step, Status::fail, outcome.summary, duration, outcome.findings);
  look_at_volume();
  m_message = refusal_paragraph(step, outcome);
  if (!volume_gone()) roll_back(step, "refused");
  throw StopRun{ExitCode::gate_refused};
}

void Run::run_step(const StepInfo& step) {
  static const std::map<std::string_view, StepFunction> functions{
      {"step.preflight", &Run::preflight},         {"step.inventory", &Run::take_inventory},
      {"step.scale-down", &Run::scale_down},       {"step.dump", &Run::take_dump},
      {"step.verify-dump", &Run::verify_dump},     {"step.delete-volume", &Run::delete_volume},
      {"step.deploy-target", &Run::deploy_target}, {"step.start-target", &Run::start_target},
      {"step.create-database", &Run::create_database}, {"step.create-extension", &Run::create_extensions},
      {"step.restore", &Run::restore},             {"step.post", &Run::post},
      {"step.scale-up", &Run::scale_up},           {"step.health", &Run::health}};
  const std::string id(step.id);
  const std::string previous = last(id);
  // The gate of the destructive step is evaluated again whenever the
  // destructive step is still to come, even when it passed before a kill.
  const bool gate_again = id == "step.verify-dump" && !volume_gone();
  if (previous == "done" && !gate_again) {
    record(step, Status::pass, "done earlier in this run (journal)", std::chrono::milliseconds(0));
    return;
  }
  const bool redo = !previous.empty();
  say(id + (redo ? ": again (" + previous + " in the journal)" : ""));
  m_journal->append(id, "intent", Evidence{{"redo", redo}});
  m_last[id] = "intent";
  const auto started = Clock::now();
  StepOutcome outcome;
  try {
    outcome = (this->*functions.at(step.id))(redo);
  } catch (const platform::PermitMismatch& error) {
    outcome.refused = true;
    outcome.summary = std::string("the permit does not cover the delete: ") + error.what();
    outcome.findings.push_back({"permit", "the dump and volume the gate saw", "changed", error.what(), ""});
    outcome.remedy = "Something changed between the gate and the delete; run the upgrade again from a fresh dump.";
  } catch (const StopRun&) {
    throw;
  } catch (const std::exception& error) {
    const std::string why = text::printable(error.what());
    m_journal->append(id, "failed", Evidence{{"error", why}});
    m_last[id] = "failed";
    record(step, Status::error, why, since(started));
    look_at_volume();
    if (volume_gone()) {
      m_message = id + " could not run: " + why + ". The journal " + shown(m_journal->path()) +
                  " says where it stopped; fix the cause and run `pgverify upgrade --tenant " + m_tenant.name +
                  " --gated --resume`. The old data is kept at " + m_platform->kept_volume(*m_inventory) + ".";
    } else {
      roll_back(step, "failed");
      m_message = id + " could not run: " + why + ". Nothing was destroyed: the source and its dependents are " +
                  "running again. Fix the cause and run the upgrade again.";
    }
    throw StopRun{ExitCode::check_error};
  }
  if (outcome.refused) refuse(step, outcome, since(started));
  m_journal->append(id, "done", outcome.evidence);
  m_last[id] = "done";
  m_done[id] = outcome.evidence;
  record(step, Status::pass, outcome.summary, since(started));
  const auto& estimate = m_report.checks.back().estimate;
  say(id + ": " + outcome.summary + " (" + reports::text::human_duration(since(started)) +
      (estimate ? ", estimated " + reports::text::human_duration(*estimate) : std::string()) + ")");
}

RunReport Run::run_gate_phase(const std::string& step, const TenantConfig& tenant, Phase phase, PhaseOptions options) {
  options.config_path = m_options.config_path;
  options.progress = m_options.phase_progress;
  RunReport report = run_phase(tenant, phase, options);
  // The gate's own report, whole, beside the journal: what each check found.
  std::ostringstream json;
  reports::render(report, reports::Format::json, json, {false});
  try {
    files::write_atomically(m_files.dir / (step + ".json"), json.str());
  } catch (const std::exception& error) {
    say("cannot keep the report of " + step + ": " + text::printable(error.what()));
  }
  return report;
}

StepOutcome gate_outcome(const RunReport& report, const GateVerdict& verdict, const std::string& passed_summary,
                         const std::string& remedy) {
  StepOutcome outcome;
  outcome.evidence = Evidence{{"checks", results_json(report.checks)}};
  if (verdict.passed) {
    outcome.summary = passed_summary;
    return outcome;
  }
  outcome.refused = true;
  outcome.findings = verdict.failures;
  outcome.summary = std::to_string(verdict.failures.size()) + " check(s) did not pass";
  outcome.remedy = remedy;
  return outcome;
}

std::optional<Measurements> Run::take_measurements(platform::ProbeTarget& probe, std::chrono::milliseconds setup) {
  try {
    std::string method = m_tenant.platform.dump_compression;
    try {
      method = platform::effective_dump_compression(method, pg::probe_client_version(m_tools, m_tenant.clients.pg_dump).major);
    } catch (const std::exception&) {
      // pg_dump's version is preflight's to judge; the estimate takes the configured method.
    }
    pg::LibpqConnector connector;
    auto source = connector.connect(m_tenant.source_dsn);
    auto target = connector.connect(probe.dsn());
    Measurements measured =
        measure(*source, *target, {.compression = method, .text_hash = m_tenant.hash.mode == "text"});
    measured.target_setup = setup;
    measured.hash_jobs = m_tenant.hash.jobs;
    measured.jobs = m_tenant.platform.jobs;
    measured.directory_dump = m_tenant.platform.dump_format == "directory";
    measured.dependents = m_platform->inventory().dependents.size();
    return measured;
  } catch (const std::exception& error) {
    say("no downtime estimate: " + text::printable(error.what()));
    return std::nullopt;
  }
}

StepOutcome Run::preflight(bool) {
  const auto probe_started = Clock::now();
  auto probe = m_platform->probe_target(m_files);
  const auto probe_setup = since(probe_started);
  TenantConfig tenant = m_tenant;
  tenant.target_dsn = probe->dsn();
  tenant.dump_path.clear();
  PhaseOptions options;
  options.skip.assign(std::begin(kDumpChecks), std::end(kDumpChecks));
  options.record_baseline = false;
  RunReport report = run_gate_phase("step.preflight", tenant, Phase::pre, options);
  GateVerdict verdict = GateEvaluator::judge(report.checks, {});
  StepOutcome outcome =
      gate_outcome(report, verdict, std::to_string(report.checks.size()) + " pre checks passed against a probe of the target",
                   "See " + shown(m_files.dir / "step.preflight.json") +
                       " for each check's findings, fix them, and run the upgrade again.");
  if (!outcome.refused) {
    if (auto measured = take_measurements(*probe, probe_setup)) {
      m_estimate = estimate_upgrade(*measured);
      outcome.evidence["measurements"] = measured->to_json();
      outcome.summary += "; downtime estimate " + reports::text::human_duration(m_estimate->downtime);
      refuse_without_room(*m_estimate, outcome);
    }
  }
  return outcome;
}

// Before anything stops: room in --out for the dump the estimate expects. It
// refuses only when even the expected size does not fit (a full disk midway
// would fail step.dump with the dependents already down); a tight fit warns.
void Run::refuse_without_room(const Estimate& estimate, StepOutcome& outcome) const {
  std::uint64_t free_bytes = 0;
  if (const char* fake = std::getenv("PGVERIFY_TEST_FREE_BYTES")) {  // the tests' full disk
    free_bytes = std::strtoull(fake, nullptr, 10);
  } else {
    std::error_code ec;
    const auto space = fs::space(m_files.dir, ec);
    if (ec) return;  // unknown: step.dump finds out
    free_bytes = space.available;
  }
  const auto mb = [](std::uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
    return std::string(text);
  };
  outcome.evidence["dump_space"] = Evidence{{"free_bytes", free_bytes}, {"expected_dump_bytes", estimate.dump_bytes}};
  if (free_bytes < estimate.dump_bytes) {
    outcome.refused = true;
    outcome.findings.push_back({"free space in " + m_files.dir.string(), "at least " + mb(estimate.dump_bytes),
                                mb(free_bytes), "the dump is expected to take about " + mb(estimate.dump_bytes), ""});
    outcome.summary = "not enough room for the dump: " + mb(free_bytes) + " free in " + m_files.dir.string() +
                      ", the dump is expected to take about " + mb(estimate.dump_bytes);
    outcome.remedy = "Free space there, or give --out a directory on a larger filesystem, and run the upgrade again.";
  } else if (free_bytes < estimate.dump_bytes + estimate.dump_bytes / 2) {
    say("warning: " + mb(free_bytes) + " free in " + m_files.dir.string() + " for a dump expected to take about " +
        mb(estimate.dump_bytes) + " (the estimate is within about 25%)");
  }
}

// "downtime 41.2 s (estimated 38.0 s)": from the journal, so a resumed run counts every process's part.
std::string Run::downtime_line() const {
  std::optional<std::int64_t> first, last;
  for (const auto& entry : m_journal->entries()) {
    const auto at = parse_utc_timestamp(entry.at);
    if (!at) continue;
    if (entry.step == kDowntimeFirst && entry.event == "intent" && !first) first = at;
    if (entry.step == kDowntimeLast && entry.event == "done") last = at;
  }
  if (!first || !last) return "";
  std::string line = "Downtime " + reports::text::human_duration(std::chrono::milliseconds(*last - *first));
  if (m_estimate) line += " (estimated " + reports::text::human_duration(m_estimate->downtime) + ")";
  return line + ".";
}

StepOutcome Run::take_inventory(bool) {
  platform::Inventory inventory = m_platform->inventory();
  // The database as the source created it: the target's is created alike.
  pg::LibpqConnector connector;
  auto session = connector.connect(m_tenant.source_dsn);
  const int major = pg::major_of(session->server_version_num());
  // datlocprovider is PostgreSQL 15's; the ICU locale was daticulocale in 15 and 16, datlocale since 17.
  const std::string locale_columns = major >= 17   ? "datlocprovider::text, coalesce(datlocale, '')"
                                     : major >= 15 ? "datlocprovider::text, coalesce(daticulocale, '')"
                                                   : "'c', ''";
  const auto row = session->query(
      "SELECT current_database(), pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datcollate, datctype, " +
      locale_columns + " FROM pg_database WHERE datname = current_database()");
  if (row.rows.size() != 1) throw PlatformError("the source does not describe its own database");
  const auto cell = [&](std::size_t column) { return row.at(0, column).value_or(""); };
  inventory.details["database"] = Evidence{{"name", cell(0)},       {"owner", cell(1)}, {"encoding", cell(2)},
                                           {"collate", cell(3)},    {"ctype", cell(4)}, {"locale_provider", cell(5)},
                                           {"locale", cell(6)}};
  const auto extensions = session->query(
      "SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace ORDER BY 1");
  Evidence extension_list = Evidence::array();
  for (std::size_t i = 0; i < extensions.rows.size(); ++i)
    extension_list.push_back({{"name", extensions.at(i, 0).value_or("")}, {"schema", extensions.at(i, 1).value_or("")}});
  inventory.details["extensions"] = extension_list;
  m_inventory = inventory;
  std::string counts;
  for (const auto& dependent : inventory.dependents)
    counts += (counts.empty() ? "" : ", ") + dependent.name + " x" + std::to_string(dependent.replicas);
  StepOutcome outcome;
  outcome.evidence = Evidence{{"inventory", inventory.to_json()}};
  outcome.summary = "volume " + inventory.volume_id + "; dependents: " + (counts.empty() ? "none" : counts);
  return outcome;
}

StepOutcome Run::scale_down(bool) {
  StepOutcome outcome;
  outcome.evidence["platform"] = m_platform->scale_down(*m_inventory);
  // Then: no client of the source left, or a row could still arrive after the dump.
  pg::LibpqConnector connector;
  auto session = connector.connect(m_tenant.source_dsn);
  const auto deadline = Clock::now() + m_options.session_drain_timeout;
  pg::QueryResult sessions;
  for (;;) {
    sessions = session->query(
        "SELECT pid::text, coalesce(usename::text, ''), coalesce(application_name, ''), "
        "coalesce(client_addr::text, 'local'), coalesce(datname::text, '') FROM pg_stat_activity "
        "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() ORDER BY pid");
    if (sessions.rows.empty() || Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  if (!sessions.rows.empty()) {
    outcome.refused = true;
    for (std::size_t i = 0; i < sessions.rows.size(); ++i)
      outcome.findings.push_back({"session " + sessions.at(i, 0).value_or(""), "no application session",
                                  "connected",
                                  "user " + sessions.at(i, 1).value_or("") + ", application '" +
                                      sessions.at(i, 2).value_or("") + "', from " + sessions.at(i, 3).value_or("") +
                                      ", database " + sessions.at(i, 4).value_or(""),
                                  ""});
    outcome.summary = std::to_string(sessions.rows.size()) + " client session(s) still on the source after the "
                      "dependents were stopped";
    outcome.remedy = "Something not in the platform's dependents still talks to the database: stop it (or list it "
                     "as a dependent), then run the upgrade again.";
    return outcome;
  }
  outcome.summary = std::to_string(m_inventory->dependents.size()) + " dependent(s) stopped; no client session left";
  return outcome;
}

StepOutcome Run::take_dump(bool) {
  platform::DumpResult dumped = m_platform->dump(m_files, m_options.dump_progress);
  m_dump_sha256 = dumped.sha256;
  StepOutcome outcome;
  outcome.evidence = dumped.evidence;
  outcome.evidence["sha256"] = dumped.sha256;
  outcome.evidence["size"] = dumped.size;
  outcome.summary = std::to_string(dumped.size) + " bytes, SHA-256 " + dumped.sha256.substr(0, 16) + "...";
  if (dumped.evidence.contains("note")) outcome.summary += "; " + dumped.evidence["note"].get<std::string>();
  return outcome;
}

StepOutcome Run::verify_dump(bool) {
  // After a kill between the stop and the move, the source is down: the dump
  // is compared with the live source, so it runs again first.
  if (last("step.delete-volume").size()) m_platform->start_source();
  TenantConfig tenant = m_tenant;
  tenant.dump_path = m_files.dump.string();
  PhaseOptions options;
  options.dump = m_files.dump;
  options.only.assign(std::begin(kDumpChecks), std::end(kDumpChecks));
  options.baseline = m_baseline;
  options.record_baseline = true;
  RunReport report = run_gate_phase("step.verify-dump", tenant, Phase::pre, options);
  std::string checked_sha;
  try {
    const Manifest baseline = read_manifest(m_baseline, m_tenant.name);
    if (baseline.dump) checked_sha = baseline.dump->sha256;
  } catch (const std::exception&) {
    // No baseline: baseline.record says why, as an error the gate counts.
  }
  GateVerdict verdict;
  m_permit = GateEvaluator::permit_delete(
      report.checks, checked_sha,
      {.step = "", .tenant = m_tenant.name, .run_id = m_run_id, .dump_sha256 = m_dump_sha256,
       .volume_id = m_inventory->volume_id},
      verdict);
  StepOutcome outcome = gate_outcome(report, verdict, "the dump is readable to its last byte and holds what the source holds",
                                     "The dump is not a copy to delete the volume for: see " +
                                         shown(m_files.dir / "step.verify-dump.json") + ".");
  outcome.evidence["dump_sha256"] = checked_sha;
  outcome.evidence["baseline"] = m_baseline.string();
  outcome.evidence["permit"] = m_permit != nullptr;
  if (m_permit) {
    // What the source looks like now: the delete goes ahead only if it still does.
    pg::LibpqConnector connector;
    auto session = connector.connect(m_tenant.source_dsn);
    m_write_mark = read_write_mark(*session, false);
    outcome.evidence["write_mark"] = m_write_mark->describe();
    if (!m_write_mark->counted)
      say("warning: track_counts is off on the source: only a TRUNCATE, CREATE or DROP after the dump gate would be "
          "seen before the delete, not a row written");
  }
  return outcome;
}

StepOutcome Run::delete_volume(bool redo) {
  StepOutcome outcome;
  if (redo && m_platform->volume_deleted(*m_inventory)) {
    outcome.evidence = Evidence{{"observed", "the recorded volume is gone already"},
                                {"kept_at", m_platform->kept_volume(*m_inventory)}};
    outcome.summary = "done before the interruption; the old data is at " + m_platform->kept_volume(*m_inventory);
    return outcome;
  }
  if (!m_permit) throw PlatformError("no permit: step.verify-dump did not pass in this run");  // unreachable by the plan
  if (!m_options.yes) {
    const std::string question = "Delete the volume of '" + m_tenant.name + "' (" + m_platform->identity() +
                                 ")? The verified dump " + m_files.dump.string() + " will be the only copy.";
    if (!m_options.confirm || !m_options.confirm(question)) {
      outcome.refused = true;
      outcome.findings.push_back({"confirmation", "yes", m_options.confirm ? "declined" : "nobody to ask",
                                  m_options.confirm ? "the operator did not confirm the delete"
                                                    : "no terminal to confirm the delete and no --yes",
                                  ""});
      outcome.summary = "the delete was not confirmed";
      outcome.remedy = "Run again with --yes, or from a terminal, to confirm.";
      return outcome;
    }
  }
  // The last look before the source stops: nothing written since the gate.
  const auto unchanged = [this] {
    pg::LibpqConnector connector;
    auto session = connector.connect(m_tenant.source_dsn);
    const WriteMark now = read_write_mark(*session, true);
    if (!m_write_mark || now != *m_write_mark)
      throw platform::PermitMismatch("the source was written after step.verify-dump passed (" +
                                     (m_write_mark ? m_write_mark->describe() : std::string("no mark")) + " then, " +
                                     now.describe() + " now): the dump no longer holds everything");
  };
  outcome.evidence = m_platform->delete_volume(*m_permit, m_files, *m_inventory, unchanged);
  m_permit.reset();  // one permit, one delete
  outcome.summary = "the old data is kept at " + m_platform->kept_volume(*m_inventory) + " until a purge";
  return outcome;
}

StepOutcome Run::deploy_target(bool) {
  StepOutcome outcome;
  outcome.evidence = m_platform->deploy_target(*m_inventory);
  outcome.summary = "PostgreSQL " + std::to_string(*m_tenant.target_major) + " deployed on a fresh volume";
  return outcome;
}

StepOutcome Run::start_target(bool) {
  StepOutcome outcome;
  outcome.evidence["platform"] = m_platform->start_target();
  pg::LibpqConnector connector;
  auto session = connector.connect(target_admin_dsn());
  const int major = pg::major_of(session->server_version_num());
  outcome.evidence["server_version_num"] = session->server_version_num();
  if (major != *m_tenant.target_major) {
    outcome.refused = true;
    outcome.findings.push_back({"target", std::to_string(*m_tenant.target_major), std::to_string(major),
                                "the server that started is not of the target major", ""});
    outcome.summary = "the target answers as PostgreSQL " + std::to_string(major);
    outcome.remedy = "Check the platform's target binaries or image.";
    return outcome;
  }
  outcome.summary = "PostgreSQL " + std::to_string(major) + " accepts connections";
  return outcome;
}

StepOutcome Run::create_database(bool) {
  StepOutcome outcome;
  const int existing = platform::apply_roles(m_tools, m_tenant.clients.psql,
                                             target_admin_dsn(), m_files.roles.string());
  const Evidence& db = m_inventory->details.at("database");
  const std::string name = db.at("name").get<std::string>();
  pg::LibpqConnector connector;
  auto session = connector.connect(target_admin_dsn());
  const bool there = !session->query("SELECT 1 FROM pg_database WHERE datname = $1", {name}).rows.empty();
  if (!there) {
    std::string sql = "CREATE DATABASE " + pg::quote_always(name) + " WITH TEMPLATE template0 OWNER " +
                      pg::quote_always(db.at("owner").get<std::string>()) + " ENCODING " +
                      sql_literal(db.at("encoding").get<std::string>()) + " LC_COLLATE " +
                      sql_literal(db.at("collate").get<std::string>()) + " LC_CTYPE " +
                      sql_literal(db.at("ctype").get<std::string>());
    const std::string provider = db.at("locale_provider").get<std::string>();
    const std::string locale = db.at("locale").get<std::string>();
    if (provider == "i") sql += " LOCALE_PROVIDER icu ICU_LOCALE " + sql_literal(locale);
    if (provider == "b") sql += " LOCALE_PROVIDER builtin BUILTIN_LOCALE " + sql_literal(locale);
    session->execute(sql);
  }
  outcome.evidence = Evidence{{"database", name}, {"created", !there}, {"roles_already_there", existing}};
  outcome.summary = "roles applied (" + std::to_string(existing) + " there already); database " + name +
                    (there ? " was there" : " created");
  return outcome;
}

StepOutcome Run::create_extensions(bool) {
  StepOutcome outcome;
  pg::LibpqConnector connector;
  auto session = connector.connect(m_tenant.target_dsn);
  std::vector<std::pair<std::string, std::string>> wanted;  // name, schema: vector first
  for (const auto& extension : m_inventory->details.at("extensions")) {
    std::pair<std::string, std::string> item{extension.at("name").get<std::string>(),
                                             extension.at("schema").get<std::string>()};
    if (item.first == "plpgsql") continue;
    if (item.first == "vector")
      wanted.insert(wanted.begin(), item);
    else
      wanted.push_back(item);
  }
  Evidence created = Evidence::array(), left = Evidence::array();
  for (const auto& [name, schema] : wanted) {
    const bool offered = !session->query("SELECT 1 FROM pg_available_extensions WHERE name = $1", {name}).rows.empty();
    const bool schema_there = !session->query("SELECT 1 FROM pg_namespace WHERE nspname = $1", {schema}).rows.empty();
    if (!offered || !schema_there) {
      // Not offered: post's ext.available says so. In a schema the restore
      // creates: the restore's own CREATE EXTENSION IF NOT EXISTS does it.
      left.push_back({{"name", name}, {"why", offered ? "schema " + schema + " comes with the restore" : "not offered"}});
      continue;
    }
    session->execute("CREATE EXTENSION IF NOT EXISTS " + pg::quote_always(name) + " WITH SCHEMA " +
                     pg::quote_always(schema));
    created.push_back(name);
  }
  outcome.evidence = Evidence{{"created", created}, {"left_to_restore", left}};
  outcome.summary = std::to_string(created.size()) + " extension(s) created" +
                    (left.empty() ? "" : ", " + std::to_string(left.size()) + " left to the restore");
  return outcome;
}

StepOutcome Run::restore(bool redo) {
  if (redo) {
    // Half a restore is not restored again on top of itself: the database starts afresh.
    const std::string name = m_inventory->details.at("database").at("name").get<std::string>();
    {
      pg::LibpqConnector connector;
      auto session = connector.connect(target_admin_dsn());
      session->execute("DROP DATABASE IF EXISTS " + pg::quote_always(name) + " WITH (FORCE)");
    }
    create_database(true);
    create_extensions(true);
  }
  StepOutcome outcome;
  RestoreWatch watch(m_tenant.target_dsn, m_options.restore_progress,
                     m_estimate ? m_estimate->copy_bytes : 0);
  outcome.evidence = m_platform->restore(m_files, watch.tables());
  watch.stop();
  const int code = outcome.evidence.value("exit_code", 0);
  outcome.summary = code == 0 ? "pg_restore finished without errors"
                              : "pg_restore reported " + std::to_string(outcome.evidence.value("error_count", 0)) +
                                    " error(s) (the first kept in the journal); step.post finds what they cost";
  return outcome;
}

StepOutcome Run::post(bool) {
  PhaseOptions options;
  options.baseline = m_baseline;
  options.skip.assign(std::begin(kHealthChecks), std::end(kHealthChecks));
  RunReport report = run_gate_phase("step.post", m_tenant, Phase::post, options);
  GateVerdict verdict = GateEvaluator::judge(report.checks, {});
  return gate_outcome(report, verdict, std::to_string(report.checks.size()) + " post checks passed",
                      "The target does not hold what the source held: see " + shown(m_files.dir / "step.post.json") +
                          ".");
}

StepOutcome Run::scale_up(bool) {
  StepOutcome outcome;
  outcome.evidence = m_platform->scale_up(*m_inventory);
  outcome.summary = std::to_string(outcome.evidence.value("started", Evidence::array()).size()) +
                    " dependent(s) started with their recorded counts";
  return outcome;
}

StepOutcome Run::health(bool) {
  if (m_tenant.app.health_url.empty()) {
    StepOutcome outcome;
    outcome.summary = "no health_url configured: nothing to ask";
    outcome.evidence = Evidence{{"skipped", "no health_url"}};
    return outcome;
  }
  PhaseOptions options;
  options.baseline = m_baseline;
  options.only.assign(std::begin(kHealthChecks), std::end(kHealthChecks));
  RunReport report = run_gate_phase("step.health", m_tenant, Phase::post, options);
  GateVerdict verdict = GateEvaluator::judge(report.checks, {std::begin(kHealthChecks), std::end(kHealthChecks)});
  return gate_outcome(report, verdict, "the health URL answers 200",
                      "The application does not answer as healthy on the new major: see " +
                          shown(m_files.dir / "step.health.json") + ".");
}

UpgradeOutcome Run::execute() {
  if (!m_tenant.target_major) throw UpgradeInputError("tenant '" + m_tenant.name + "': upgrade needs target_major");
  if (auto problem = platform::out_dir_problem(m_tenant, m_options.out_dir)) throw UpgradeInputError(*problem);
  database_name();
  open_journal();
  set_files();
  UpgradeOutcome result;
  result.journal = m_journal->path();
  result.run_dir = m_files.dir;
  m_report.tool_version = PGVERIFY_VERSION;
  m_report.phase = Phase::upgrade;
  m_report.tenant = m_tenant.name;
  m_report.config_path = m_options.config_path.string();
  m_report.started = utc_timestamp();
  const auto& steps = standard_steps();
  try {
    // Without --yes and nobody to ask, it never gets as far as stopping
    // anything; a resumed run may have stopped things already, and is left to
    // be resumed again with --yes rather than finished here.
    if (!m_options.yes && !m_options.confirm && !volume_gone() && !m_last.empty())
      throw UpgradeInputError("--resume of '" + m_tenant.name + "' needs --yes or a terminal to confirm the delete; the "
                              "journal " + shown(m_journal->path()) + " is left as it was, to be resumed with them");
    if (!m_options.yes && !m_options.confirm && !volume_gone()) {
      StepOutcome outcome;
      outcome.refused = true;
      outcome.findings.push_back({"confirmation", "--yes or a terminal", "neither",
                                  "step.delete-volume needs a confirmation and there is nobody to ask", ""});
      outcome.summary = "no terminal to confirm the delete and no --yes";
      outcome.remedy = "Run again with --yes (it skips the question, never a gate), or from a terminal.";
      m_journal->append("step.delete-volume", "refused", Evidence{{"failures", Evidence::array({"no confirmation"})}});
      m_journal->append(kPlanStep, "finished", Evidence{{"outcome", "refused"}, {"step", "step.delete-volume"}});
      record(*find_step("step.delete-volume"), Status::fail, outcome.summary, std::chrono::milliseconds(0),
             outcome.findings);
      m_message = refusal_paragraph(*find_step("step.delete-volume"), outcome);
      throw StopRun{ExitCode::gate_refused};
    }
    for (const auto& step : steps) run_step(step);
    m_journal->append(kPlanStep, "finished", Evidence{{"outcome", "upgraded"}});
    result.exit_code = ExitCode::ok;
    result.message = "the upgrade of '" + m_tenant.name + "' finished: every gate passed. The old data is kept at " +
                     m_platform->kept_volume(*m_inventory) + " until `pgverify upgrade --tenant " + m_tenant.name + " --purge`; journal " +
                     shown(m_journal->path()) + ".";
    if (const std::string downtime = downtime_line(); !downtime.empty()) result.message += " " + downtime;
  } catch (const StopRun& stop) {
    result.exit_code = stop.code;
    result.message = m_message;
  } catch (const JournalError& error) {
    // The journal can no longer be written (a full disk, a failed fsync):
    // nothing more is done, and the report still says how far it went.
    look_at_volume();
    result.exit_code = ExitCode::check_error;
    result.message = (m_message.empty() ? std::string() : m_message + " ") + "The journal could not be written: " +
                     text::printable(error.what()) + ". Nothing more was done; " +
                     (volume_gone() ? "the old data is kept at " + m_platform->kept_volume(*m_inventory) + ". "
                                    : std::string("the source's volume is in place. ")) +
                     "Free the space (or fix the cause), then `pgverify upgrade --tenant " + m_tenant.name +
                     " --status` says where it stopped and --resume goes on.";
  }
  m_report.finished = utc_timestamp();
  result.report = std::move(m_report);
  return result;
}

UpgradeOutcome Run::dry_run() {
  if (!m_tenant.target_major) throw UpgradeInputError("tenant '" + m_tenant.name + "': upgrade needs target_major");
  if (auto problem = platform::out_dir_problem(m_tenant, m_options.out_dir)) throw UpgradeInputError(*problem);
  m_run_id = "dry-run-" + new_run_id();  // its own probe and gate reports: two dry runs never share them
  m_platform = m_platforms(m_tenant, m_run_id);
  set_files();
  UpgradeOutcome result;
  result.run_dir = m_files.dir;
  m_report.tool_version = PGVERIFY_VERSION;
  m_report.phase = Phase::upgrade;
  m_report.tenant = m_tenant.name;
  m_report.config_path = m_options.config_path.string();
  m_report.started = utc_timestamp();
  const StepInfo& step = *find_step("step.preflight");
  const auto started = Clock::now();
  try {
    StepOutcome outcome = preflight(false);
    if (outcome.refused) {
      record(step, Status::fail, outcome.summary, since(started), outcome.findings);
      result.exit_code = ExitCode::gate_refused;
      result.message = "dry run: the upgrade would stop at step.preflight: " + outcome.remedy;
    } else {
      record(step, Status::pass, outcome.summary, since(started));
      result.message = "dry run: nothing was changed; step.preflight passes, the other steps would run as shown.";
    }
  } catch (const std::exception& error) {
    record(step, Status::error, text::printable(error.what()), since(started));
    result.exit_code = ExitCode::check_error;
    result.message = "dry run: step.preflight could not run: " + text::printable(error.what());
  }
  for (const auto& other : standard_steps())
    if (other.id != step.id) record(other, Status::skip, "dry run: not run", std::chrono::milliseconds(0));
  // The plan, with the estimate preflight measured for it.
  const auto commands = m_platform->commands(m_files);
  int number = 0;
  for (const auto& planned : standard_steps()) {
    std::string line =
        std::to_string(++number) + ". " + std::string(planned.id) + (planned.destructive ? "  [DESTRUCTIVE]" : "");
    result.plan.push_back(line);
    result.plan.push_back("     " + std::string(planned.operation));
    if (!planned.gate.empty()) result.plan.push_back("     gate: " + std::string(planned.gate));
    for (const auto& command : commands)
      if (command.step == planned.id) result.plan.push_back("     $ " + command.command);
    if (m_estimate)
      if (const StepEstimate* estimate = m_estimate->find(std::string(planned.id)))
        result.plan.push_back("     estimate: " + reports::text::human_duration(estimate->time) + " (" + estimate->basis + ")");
  }
  result.plan.push_back("");
  if (m_estimate) {
    result.plan.push_back("Downtime estimate: " + reports::text::human_duration(m_estimate->downtime) + ", from " +
                          kDowntimeFirst + " to " + kDowntimeLast +
                          ", from what this dry run measured (the runbook plans 30-60 minutes).");
    if (!m_estimate->caveat.empty()) result.plan.push_back("Not in it: " + m_estimate->caveat + ".");
  } else {
    result.plan.push_back("Downtime estimate: none (step.preflight did not pass or could not measure).");
  }
  m_report.finished = utc_timestamp();
  result.report = std::move(m_report);
  return result;
}

}  // namespace

fs::path journal_path(const fs::path& out_dir) { return out_dir / "upgrade-journal.jsonl"; }

PlatformFactory default_platforms(exec::ToolRunner& runner) {
  return [&runner](const TenantConfig& tenant, const std::string& run_id) -> std::unique_ptr<platform::Platform> {
    if (tenant.platform.kind == "local")
      return std::make_unique<platform::LocalPlatform>(tenant, run_id, runner);
    if (tenant.platform.kind.empty())
      throw UpgradeInputError("tenant '" + tenant.name + "' has no [tenants." + tenant.name +
                              ".platform]: upgrade needs to know where the database lives");
    throw UpgradeInputError("platform '" + tenant.platform.kind + "' is not available in this version of pgverify");
  };
}

UpgradeOutcome run_upgrade(const TenantConfig& tenant, const PlatformFactory& platforms, const UpgradeOptions& options) {
  if (tenant.platform.kind.empty())
    throw UpgradeInputError("tenant '" + tenant.name + "' has no [tenants." + tenant.name +
                            ".platform]: upgrade needs to know where the database lives");
  Run run(tenant, platforms, options);
  return options.dry_run ? run.dry_run() : run.execute();
}

std::string purge_upgrade(const TenantConfig& tenant, const PlatformFactory& platforms, const fs::path& out_dir,
                          bool yes, const std::function<bool(const std::string&)>& confirm) {
  const fs::path path = journal_path(out_dir);
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec)))
    throw UpgradeInputError("nothing to purge: no journal at " + shown(path));
  std::optional<Journal> journal;
  try {
    journal.emplace(Journal::open(path));
  } catch (const JournalError& error) {
    throw UpgradeInputError(error.what());
  }
  const auto& entries = journal->entries();
  const JournalEntry* finished = finished_entry(entries);
  if (!finished || finished->evidence.value("outcome", std::string()) != "upgraded")
    throw UpgradeInputError("nothing to purge: the journal " + shown(path) +
                            " holds no finished upgrade (the old data is what a rollback needs)");
  for (const auto& entry : entries)
    if (entry.step == kPlanStep && entry.event == "done" && entry.evidence.contains("purged"))
      throw UpgradeInputError("the old data of this upgrade was purged already (" + entry.at + ")");
  const JournalEntry* inventory_entry = nullptr;
  for (const auto& entry : entries)
    if (entry.step == "step.inventory" && entry.event == "done") inventory_entry = &entry;
  if (!inventory_entry) throw UpgradeInputError("the journal " + shown(path) + " has no inventory");
  const platform::Inventory inventory = platform::Inventory::from_json(inventory_entry->evidence.at("inventory"));
  const std::string run_id = entries.front().evidence.value("run_id", std::string());
  auto platform = platforms(tenant, run_id);
  const std::string kept = platform->kept_volume(inventory);
  if (!yes) {
    if (!confirm) throw UpgradeInputError("purge removes " + kept + " for good: confirm from a terminal or pass --yes");
    if (!confirm("Remove the old data of '" + tenant.name + "' at " + kept + " for good?"))
      throw UpgradeInputError("purge: not confirmed; nothing was removed");
  }
  Evidence evidence;
  try {
    evidence = platform->purge(inventory);
  } catch (const std::exception& error) {
    throw UpgradeInputError(std::string("purge: ") + text::printable(error.what()) + "; nothing was removed");
  }
  journal->append(kPlanStep, "done", Evidence{{"purged", kept}, {"platform", evidence}});
  return "the old data of '" + tenant.name + "' at " + kept + " is removed";
}

std::string upgrade_status(const TenantConfig& tenant, const fs::path& out_dir) {
  const fs::path path = journal_path(out_dir);
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec)))
    throw UpgradeInputError("no upgrade of '" + tenant.name + "' has begun: no journal at " + shown(path));
  std::vector<JournalEntry> entries;
  try {
    entries = Journal::read(path);
  } catch (const JournalError& error) {
    throw UpgradeInputError(error.what());
  }
  // Whether a pgverify holds the journal's lock now.
  bool running = false;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd >= 0) {
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) running = true;
    ::close(fd);
  }
  std::ostringstream out;
  if (entries.empty()) {
    out << "upgrade of " << tenant.name << ": the journal " << shown(path) << " is empty\n";
    return out.str();
  }
  const Evidence& plan = entries.front().evidence;
  if (plan_text(plan, "tenant") != tenant.name)
    throw UpgradeInputError("the journal " + shown(path) + " is of tenant '" + text::printable(plan_text(plan, "tenant")) +
                            "', not '" + tenant.name + "': give --tenant and --out of one tenant");
  const std::string run = plan_text(plan, "run_id");
  out << "upgrade of " << tenant.name << ", run " << (run.empty() ? "?" : run) << ", begun "
      << entries.front().at << " (journal " << shown(path) << ")\n";
  std::map<std::string, const JournalEntry*> last;
  for (const auto& entry : entries)
    if (entry.step != kPlanStep) last[entry.step] = &entry;
  std::string next;
  for (const auto& step : standard_steps()) {
    const auto it = last.find(std::string(step.id));
    std::string state = "to do";
    if (it != last.end()) {
      const JournalEntry& entry = *it->second;
      if (entry.event == "done")
        state = "done " + entry.at;
      else if (entry.event == "intent")
        state = running ? "running since " + entry.at : "interrupted (began " + entry.at + ")";
      else if (entry.event == "failed")
        state = "failed " + entry.at + ": " + entry.evidence.value("error", std::string());
      else if (entry.event == "refused")
        state = "refused " + entry.at;
      else
        state = entry.event + " " + entry.at;
    }
    if (next.empty() && (it == last.end() || it->second->event != "done")) next = std::string(step.id);
    out << "  " << step.id << (step.destructive ? " [destructive]" : "") << ": " << text::printable(state) << '\n';
  }
  if (const JournalEntry* final_entry = finished_entry(entries)) {
    out << "finished " << final_entry->at << ": " << final_entry->evidence.value("outcome", std::string("?")) << '\n';
    for (const auto& entry : entries)
      if (entry.step == kPlanStep && entry.event == "done" && entry.evidence.contains("purged"))
        out << "purged " << entry.at << ": " << entry.evidence.at("purged").get<std::string>() << '\n';
  } else if (running) {
    out << "running now: " << next << '\n';
  } else {
    out << "next: " << next << " (pgverify upgrade --tenant " << tenant.name << " --gated --resume)\n";
  }
  return out.str();
}

}  // namespace pgverify::upgrade
