// `pgverify upgrade --gated` on the local platform, end to end, against real
// servers: a PostgreSQL 16 or 17 tenant (scripts/local-tenant: seeded like the
// demo, two dependents running that answer /health/ready from the database)
// upgraded to PostgreSQL 18 in place; the refusals, each leaving the old data
// intact and startable; and the kill matrix: SIGKILL at every journal point,
// then --resume.

#include <sys/wait.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>

#include "json/strict.hpp"
#include "support/servers.hpp"
#include "upgrade/journal.hpp"
#include "upgrade/steps.hpp"

namespace fs = std::filesystem;
using namespace pgverify;
using namespace pgverify::testing;

namespace {

std::string env_or_fail(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) FAIL(name << " is not set: run the server tests under scripts/pg-env up 15 16 17 18");
  return value;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::string describe(const exec::ProcessResult& result);

// A tenant of scripts/local-tenant, destroyed with the object.
class LocalTenant {
 public:
  LocalTenant(int source_major, int target_major, int rows = 200)
      : m_dir("upgrade"), m_rows(rows) {
    static std::atomic<int> counter{0};
    env_or_fail("PGVERIFY_VOLUMES_DIR");
    m_name = "up" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    try {
      run_ok({"bash", std::string(PGVERIFY_SOURCE_DIR) + "/scripts/local-tenant", "create", m_name,
              std::to_string(source_major), std::to_string(target_major), m_dir.path().string(), std::to_string(rows)});
    } catch (...) {
      destroy();  // half a tenant (a server started, a volume made) must not outlive the test
      throw;
    }
    std::ifstream env(m_dir.path() / "tenant.env");
    std::string line;
    while (std::getline(env, line))
      if (auto eq = line.find('='); eq != std::string::npos) m_env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  ~LocalTenant() { destroy(); }
  void destroy() const {
    exec::run_process({"bash", std::string(PGVERIFY_SOURCE_DIR) + "/scripts/local-tenant", "destroy", m_name,
                       m_dir.path().string()},
                      std::chrono::minutes(2));
  }
  LocalTenant(const LocalTenant&) = delete;
  LocalTenant& operator=(const LocalTenant&) = delete;

  const std::string& name() const { return m_name; }
  fs::path config() const { return m_dir.path() / "pgverify.toml"; }
  fs::path out() const { return m_dir.path() / "out"; }
  fs::path dir() const { return m_dir.path(); }
  std::string data_dir() const { return m_env.at("DATA_DIR"); }
  int rows() const { return m_rows; }
  std::string value(const std::string& key) const { return m_env.at(key); }
  std::string dsn(int port = 0) const {
    return "host=127.0.0.1 port=" + (port ? std::to_string(port) : m_env.at("PORT")) + " user=postgres dbname=qrydb";
  }

  // Edits the tenant's configuration (a fault injected through its own keys).
  void edit_config(const std::string& from, const std::string& to) const {
    const std::string text = read_file(config());
    REQUIRE(text.find(from) != std::string::npos);
    std::ofstream(config()) << replace_all(text, from, to);
  }

  exec::ProcessResult upgrade(std::vector<std::string> extra, const std::string& kill_after = "",
                              const std::map<std::string, std::string>& env = {}) const {
    exec::ProcessRequest request;
    request.argv = {PGVERIFY_BINARY, "--config", config().string(), "upgrade", "--tenant", m_name, "--out",
                    out().string()};
    request.argv.insert(request.argv.end(), extra.begin(), extra.end());
    request.timeout = std::chrono::minutes(5);
    if (!kill_after.empty()) request.set_env("PGVERIFY_TEST_KILL_AFTER", kill_after);
    for (const auto& [name, value] : env) request.set_env(name, value);
    return exec::run_process(request);
  }

  // A gated upgrade SIGKILLed by the kill hook right after the journal line `point`.
  void upgrade_killed_at(const std::string& point) const {
    auto killed = upgrade({"--gated", "--yes"}, point);
    INFO(describe(killed));
    REQUIRE(killed.end == exec::ProcessEnd::killed);
    REQUIRE(killed.signal == SIGKILL);
  }

  // The run id the journal's plan line names.
  std::string run_id() const { return journal().front().evidence.at("run_id").get<std::string>(); }

  // A command that writes one row into the source's messages, by its own psql.
  std::string insert_command(const std::string& body) const {
    return "'" + m_env.at("SOURCE_BIN") + "/psql' -X -q -d '" + dsn() +
           "' -c \"INSERT INTO messages (conversation_id, role, body) VALUES (1, 'user', '" + body + "')\"";
  }

  // One value from the database a DSN names, by the target's psql.
  std::string query(const std::string& sql, int port = 0) const {
    return trimmed(run_ok({m_env.at("TARGET_BIN") + "/psql", "-X", "-A", "-t", "-q", "-d", dsn(port), "-c", sql}).out);
  }

  std::string health() const {
    auto result = exec::run_process(
        {"/usr/bin/python3", "-c",
         "import sys, urllib.request\ntry:\n  r = urllib.request.urlopen(sys.argv[1], timeout=10)\n  "
         "print(r.status, r.read().decode())\nexcept Exception as e:\n  print('error', e)",
         "http://127.0.0.1:" + m_env.at("HEALTH_PORT") + "/health/ready"},
        std::chrono::seconds(30));
    return trimmed(result.out);
  }

  std::vector<upgrade::JournalEntry> journal() const { return upgrade::Journal::read(out() / "upgrade-journal.jsonl"); }

  // The folder the delete moved the source's data directory to.
  fs::path trash() const {
    for (const auto& entry : fs::directory_iterator(fs::path(data_dir()).parent_path()))
      if (entry.path().filename().string().find(".pgverify-trash-") != std::string::npos) return entry.path();
    return {};
  }

  // Starts a copy of the kept old data directory with the source's own server
  // on a free port and counts its messages: the old data is intact and startable.
  std::string count_in_kept_data(int source_major) const {
    const fs::path kept = trash();
    REQUIRE(!kept.empty());
    const std::string wrapper = (dir() / "server-wrapper").string();
    const std::string bindir = env_or_fail(("PG" + std::to_string(source_major) + "_SERVER_BIN").c_str());
    const int port = 20000 + (::getpid() % 20000);
    run_ok({wrapper, bindir + "/pg_ctl", "-D", kept.string(), "-l", (kept / "pgverify-server.log").string(), "-w",
            "-o", "-p " + std::to_string(port) + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=/tmp",
            "start"});
    const std::string count = query("SELECT count(*) FROM messages", port);
    run_ok({wrapper, bindir + "/pg_ctl", "-D", kept.string(), "-m", "fast", "-w", "stop"});
    return count;
  }

  // The source data directory is still the one in place (never moved) and its server answers with every row.
  void expect_source_untouched() const {
    CHECK(trash().empty());
    CHECK(query("SELECT count(*) FROM messages") == std::to_string(m_rows));
    CHECK(query("SELECT current_setting('server_version_num')::int / 10000") != "18");
  }

  static std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
  }

 private:
  TempDir m_dir;
  int m_rows;
  std::string m_name;
  std::map<std::string, std::string> m_env;
};

// A script standing in for one of the tenant's client programs, in a folder
// of its own beside the real programs it does not replace (pg_dumpall).
fs::path write_script(const fs::path& path, const std::string& body, const std::string& real_bin = "") {
  fs::create_directories(path.parent_path());
  if (!real_bin.empty()) fs::create_symlink(real_bin + "/pg_dumpall", path.parent_path() / "pg_dumpall");
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);
  return path;
}

std::string describe(const exec::ProcessResult& result) {
  return "exit " + std::to_string(result.exit_code) + " signal " + std::to_string(result.signal) + "\nstdout:\n" +
         result.out + "\nstderr:\n" + result.err;
}

void expect_upgraded(const LocalTenant& tenant) {
  CHECK(tenant.query("SELECT current_setting('server_version_num')::int / 10000") == "18");
  CHECK(tenant.query("SELECT count(*) FROM messages") == std::to_string(tenant.rows()));
  CHECK(tenant.query("SELECT extversion IS NOT NULL FROM pg_extension WHERE extname = 'vector'") == "t");
  CHECK(tenant.query("SELECT relrowsecurity FROM pg_class WHERE relname = 'conversations'") == "t");
  CHECK(tenant.query("SELECT count(*) FROM pg_largeobject_metadata") == "3");
  CHECK(tenant.health() == "200 {\"status\": \"ready\", \"messages\": " + std::to_string(tenant.rows()) + "}");
}

}  // namespace

TEST_CASE("a local tenant upgrades in place to PostgreSQL 18, every gate passing", "[server][upgrade]") {
  const int source_major = GENERATE(16, 17);
  LocalTenant tenant(source_major, 18);
  REQUIRE(tenant.health().starts_with("200 "));
  const fs::path junit = tenant.dir() / "upgrade.junit.xml";
  const fs::path json_report = tenant.dir() / "upgrade.json";
  auto result = tenant.upgrade({"--gated", "--yes", "--report", "console", "--report", "junit:" + junit.string(),
                                "--report", "json:" + json_report.string()});
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  expect_upgraded(tenant);
  // Each downtime step's estimate beside its time; the downtime measured from the journal beside its estimate.
  const auto report = json::parse(read_file(json_report));
  std::size_t estimated = 0;
  for (const auto& step : report.at("checks")) {
    if (step.contains("estimate_ms")) {
      ++estimated;
      CHECK(step.at("estimate_ms").get<std::int64_t>() >= 0);
    }
    if (step.at("id") == "step.preflight") CHECK_THAT(step.at("summary").get<std::string>(), Catch::Contains("downtime estimate"));
  }
  CHECK(estimated == 12);  // step.scale-down to step.health
  CHECK(result.err.find("Downtime ") != std::string::npos);
  CHECK(result.err.find("(estimated ") != std::string::npos);
  CHECK(result.out.find(", estimated ") != std::string::npos);
  // Every step is a result, in the reports too.
  const std::string xml = read_file(junit);
  for (const auto& step : upgrade::standard_steps()) CHECK(xml.find(std::string(step.id)) != std::string::npos);
  CHECK(result.out.find("PASS   step.delete-volume") != std::string::npos);
  // The old data directory is kept (never removed) and starts with every row.
  CHECK(tenant.count_in_kept_data(source_major) == std::to_string(tenant.rows()));
  // The journal: finished, chained (read verifies), the dump gate before the delete.
  const auto entries = tenant.journal();
  REQUIRE(entries.size() > 2);
  CHECK(entries.back().event == "finished");
  CHECK(entries.back().evidence.at("outcome") == "upgraded");
  for (const auto& entry : entries) {
    if (entry.step == "step.restore" && entry.event == "done") {
      CHECK(entry.evidence.at("tables") == 4);  // conversations, messages, integrations, attachments
      CHECK(entry.evidence.at("error_count") == 0);
    }
    // The configuration sets no [hash] jobs: the gates hash with the restore's 2 jobs,
    // and the estimate knows it; the probe loaded the sample into the real columns.
    if (entry.step == "step.preflight" && entry.event == "done") {
      CHECK(entry.evidence.at("measurements").at("hash_jobs") == 2);
      CHECK(entry.evidence.at("measurements").at("restore_copy_bytes_per_s").get<double>() > 0);
    }
  }
  auto status = tenant.upgrade({"--status"});
  CHECK(status.exit_code == 0);
  CHECK(status.out.find("finished") != std::string::npos);
  CHECK(status.out.find("step.delete-volume [destructive]: done") != std::string::npos);
  // A second upgrade of the same tenant keeps the finished journal with its run.
  const std::string run_id = entries.front().evidence.at("run_id").get<std::string>();
  auto again = tenant.upgrade({"--gated", "--resume", "--yes"});
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("nothing to resume") != std::string::npos);
  CHECK(fs::exists(tenant.out() / ("upgrade-" + run_id) / "qrydb.dump"));
  // The kept old data goes only when asked, and once.
  const fs::path kept = tenant.trash();
  auto unconfirmed = tenant.upgrade({"--purge"});
  CHECK(unconfirmed.exit_code == 2);
  CHECK(unconfirmed.err.find("--yes") != std::string::npos);
  CHECK(fs::exists(kept));
  auto purged = tenant.upgrade({"--purge", "--yes"});
  INFO(describe(purged));
  CHECK(purged.exit_code == 0);
  CHECK(!fs::exists(kept));
  CHECK(tenant.query("SELECT count(*) FROM messages") == std::to_string(tenant.rows()));
  CHECK(tenant.upgrade({"--purge", "--yes"}).err.find("purged already") != std::string::npos);
  CHECK(tenant.upgrade({"--status"}).out.find("purged ") != std::string::npos);
}

TEST_CASE("upgrade --dry-run shows the plan with its commands and changes nothing", "[server][upgrade]") {
  LocalTenant tenant(16, 18);
  auto result = tenant.upgrade({"--gated", "--dry-run"});
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  for (const auto& step : upgrade::standard_steps()) CHECK(result.out.find(std::string(step.id)) != std::string::npos);
  CHECK(result.out.find("[DESTRUCTIVE]") != std::string::npos);
  CHECK(result.out.find("/pg_dump -Fc") != std::string::npos);
  CHECK(result.out.find("initdb -D") != std::string::npos);
  CHECK(result.out.find("pgverify-trash-") != std::string::npos);
  // The downtime estimate, from what the dry run measured: each downtime step with its basis, and the sum.
  CHECK(result.out.find("estimate: ") != std::string::npos);
  // step.restore's basis: the probe loaded the sample into the largest table's columns (vector among them).
  CHECK(result.out.find("of COPY text loaded at ") != std::string::npos);
  CHECK(result.out.find("(the probe's, in the largest table's columns)") != std::string::npos);
  CHECK(result.out.find(" of COPY text at ") != std::string::npos);
  CHECK(result.out.find("Downtime estimate: ") != std::string::npos);
  CHECK(result.out.find("Downtime estimate: none") == std::string::npos);
  CHECK(result.out.find("the runbook plans 30-60 minutes") != std::string::npos);
  CHECK(!fs::exists(tenant.out() / "upgrade-journal.jsonl"));
  tenant.expect_source_untouched();
  CHECK(tenant.health().starts_with("200 "));
  // A report never goes over an input the tenant names (its secret_file here).
  const fs::path secret = tenant.dir() / "jwt_secret";
  const std::string before = read_file(secret);
  auto over = tenant.upgrade({"--gated", "--dry-run", "--report", "json:" + secret.string()});
  CHECK(over.exit_code == 2);
  CHECK(over.err.find("the tenant's secret_file") != std::string::npos);
  CHECK(read_file(secret) == before);
}

TEST_CASE("upgrade refuses without --yes when nobody can confirm, before stopping anything", "[server][upgrade]") {
  LocalTenant tenant(16, 18);
  auto result = tenant.upgrade({"--gated"});
  INFO(describe(result));
  CHECK(result.exit_code == 4);
  CHECK(result.err.find("--yes") != std::string::npos);
  CHECK(result.err.find("Nothing was destroyed") != std::string::npos);
  tenant.expect_source_untouched();
  CHECK(tenant.health().starts_with("200 "));
  auto plain = tenant.upgrade({});
  CHECK(plain.exit_code == 2);
  CHECK(plain.err.find("--gated is required") != std::string::npos);
}

TEST_CASE("upgrade refuses a dump truncated on its way, and the source stays as it was", "[server][upgrade]") {
  LocalTenant tenant(16, 18);
  const std::string pg_dump = tenant.value("SOURCE_BIN") + "/pg_dump";
  const fs::path cut = write_script(tenant.dir() / "fault" / "pg_dump",
                                    "[ \"$1\" = --version ] && exec " + pg_dump + " --version\n" + pg_dump +
                                        " \"$@\" | head -c 30000",
                                    tenant.value("SOURCE_BIN"));
  tenant.edit_config("pg_dump    = \"" + pg_dump + "\"", "pg_dump    = \"" + cut.string() + "\"");
  auto result = tenant.upgrade({"--gated", "--yes"});
  INFO(describe(result));
  CHECK(result.exit_code == 4);
  CHECK(result.err.find("step.verify-dump") != std::string::npos);
  CHECK(result.err.find("dump.readable") != std::string::npos);
  CHECK(result.err.find("Nothing was destroyed") != std::string::npos);
  tenant.expect_source_untouched();
  // The dependents were started again.
  CHECK(tenant.health() == "200 {\"status\": \"ready\", \"messages\": " + std::to_string(tenant.rows()) + "}");
  const auto entries = tenant.journal();
  CHECK(entries.back().event == "finished");
  CHECK(entries.back().evidence.at("outcome") == "refused");
  for (const auto& entry : entries) CHECK(entry.step != "step.delete-volume");
  auto purge = tenant.upgrade({"--purge", "--yes"});
  CHECK(purge.exit_code == 2);
  CHECK(purge.err.find("nothing to purge") != std::string::npos);
}

TEST_CASE("a pg_dump that fails part-way leaves no partial dump and the source running; a new run finishes", "[server][upgrade]") {
  LocalTenant tenant(16, 18);
  const std::string pg_dump = tenant.value("SOURCE_BIN") + "/pg_dump";
  // It fails while the flag file is there (the configuration stays the same: the resumed plan's fingerprint).
  const fs::path flag = tenant.dir() / "fault" / "fail";
  const fs::path failing = write_script(
      tenant.dir() / "fault" / "pg_dump",
      "[ \"$1\" = --version ] && exec " + pg_dump + " --version\n[ -e '" + flag.string() + "' ] || exec " + pg_dump +
          " \"$@\"\n" + pg_dump + " \"$@\" | head -c 30000\necho 'pg_dump: error: disk full' >&2\nexit 1",
      tenant.value("SOURCE_BIN"));
  std::ofstream(flag) << "fail\n";
  tenant.edit_config("pg_dump    = \"" + pg_dump + "\"", "pg_dump    = \"" + failing.string() + "\"");
  auto failed = tenant.upgrade({"--gated", "--yes"});
  INFO(describe(failed));
  CHECK(failed.exit_code == 3);
  CHECK(failed.err.find("step.dump") != std::string::npos);
  std::vector<std::string> partial;
  for (const auto& entry : fs::recursive_directory_iterator(tenant.out()))
    if (entry.path().string().find(".partial") != std::string::npos) partial.push_back(entry.path().string());
  CHECK(partial.empty());
  tenant.expect_source_untouched();
  // Before the delete a failed step puts everything back and ends the run: once mended, a new run finishes.
  CHECK(failed.err.find("the source and its dependents are running again") != std::string::npos);
  CHECK(tenant.health().starts_with("200 "));
  fs::remove(flag);
  auto resumed = tenant.upgrade({"--gated", "--yes"});
  INFO(describe(resumed));
  CHECK(resumed.exit_code == 0);
  CHECK(tenant.health() == "200 {\"status\": \"ready\", \"messages\": " + std::to_string(tenant.rows()) + "}");
}

TEST_CASE("upgrade refuses a dump missing a row written to the source after it", "[server][upgrade]") {
  LocalTenant tenant(16, 18);
  const std::string pg_dump = tenant.value("SOURCE_BIN") + "/pg_dump";
  const std::string psql = tenant.value("SOURCE_BIN") + "/psql";
  // A writer nobody stopped: its row lands once the dump is taken.
  const fs::path late = write_script(
      tenant.dir() / "fault" / "pg_dump",
      "[ \"$1\" = --version ] && exec " + pg_dump + " --version\n" + pg_dump + " \"$@\" || exit $?\n" + psql +
          " -X -q -d '" + tenant.dsn() +
          "' -c \"INSERT INTO messages (conversation_id, role, body) VALUES (1, 'user', 'written after the dump')\"",
      tenant.value("SOURCE_BIN"));
  tenant.edit_config("pg_dump    = \"" + pg_dump + "\"", "pg_dump    = \"" + late.string() + "\"");
  auto result = tenant.upgrade({"--gated", "--yes"});
  INFO(describe(result));
  CHECK(result.exit_code == 4);
  CHECK(result.err.find("dump.matches-source") != std::string::npos);
  CHECK(tenant.trash().empty());
  CHECK(tenant.query("SELECT count(*) FROM messages") == std::to_string(tenant.rows() + 1));
}

TEST_CASE("upgrade refuses at step.post when pg_restore fails part-way; the old data is kept and starts",
          "[server][upgrade]") {
  LocalTenant tenant(16, 18);
  const std::string pg_restore = tenant.value("TARGET_BIN") + "/pg_restore";
  // The schema, then a failure before any row.
  const fs::path broken = write_script(tenant.dir() / "pg_restore", "[ \"$1\" = --version ] && exec " + pg_restore +
                                                                        " --version\n" + pg_restore +
                                                                        " --section=pre-data \"$@\"\nexit 1");
  tenant.edit_config("pg_restore = \"" + pg_restore + "\"", "pg_restore = \"" + broken.string() + "\"");
  auto result = tenant.upgrade({"--gated", "--yes"});
  INFO(describe(result));
  CHECK(result.exit_code == 4);
  CHECK(result.err.find("step.post") != std::string::npos);
  CHECK(result.err.find("data.row-counts") != std::string::npos);
  CHECK(result.err.find("kept, not purged") != std::string::npos);
  // The dependents stay stopped on a target that lost rows.
  CHECK(!tenant.health().starts_with("200 "));
  CHECK(tenant.count_in_kept_data(16) == std::to_string(tenant.rows()));
  auto status = tenant.upgrade({"--status"});
  CHECK(status.out.find("step.post: refused") != std::string::npos);
}

TEST_CASE("upgrade refuses at preflight when --out has no room for the dump, before stopping anything",
          "[server][upgrade]") {
  LocalTenant tenant(16, 18);
  // The filesystem as full as the hook says: 1000 bytes free for a dump of about 100 kB.
  auto result = tenant.upgrade({"--gated", "--yes"}, "", {{"PGVERIFY_TEST_FREE_BYTES", "1000"}});
  INFO(describe(result));
  CHECK(result.exit_code == 4);
  CHECK(result.err.find("step.preflight") != std::string::npos);
  CHECK(result.out.find("not enough room for the dump: 0.0 MB free") != std::string::npos);
  CHECK(result.err.find("give --out a directory on a larger filesystem") != std::string::npos);
  const auto journal = tenant.journal();
  for (const auto& entry : journal) CHECK(entry.step != "step.scale-down");
  tenant.expect_source_untouched();
  CHECK(tenant.health().starts_with("200 "));
  // With room, the same dry run passes preflight (the check is no false alarm).
  auto dry = tenant.upgrade({"--gated", "--dry-run"});
  INFO(describe(dry));
  CHECK(dry.exit_code == 0);
}

TEST_CASE("upgrade refuses at preflight a target that lacks pgvector, before stopping anything", "[server][upgrade]") {
  LocalTenant tenant(16, 18);
  // The target's server sees an extension directory without vector (a private mount namespace).
  const std::string root = env_or_fail("PG18_SERVER_WRAPPER");
  // pg-env quotes the chroot's path only when it needs quoting.
  const std::regex chroot_root("chroot (?:'([^']+)'|([^' ]+))");
  std::smatch match;
  REQUIRE(std::regex_search(root, match, chroot_root));
  const fs::path sid = match[1].matched ? match[1].str() : match[2].str();
  const fs::path extensions = sid / "usr/share/postgresql/18/extension";
  const fs::path without = tenant.dir() / "extension-without-vector";
  fs::create_directories(without);
  for (const auto& entry : fs::directory_iterator(extensions))
    if (entry.path().filename().string().rfind("vector", 0) != 0) fs::copy(entry.path(), without / entry.path().filename());
  const std::string wrapper = read_file(tenant.dir() / "server-wrapper");
  const std::string target_bin = env_or_fail("PG18_SERVER_BIN");
  const std::string plain_wrapper = env_or_fail("PG18_SERVER_WRAPPER");
  std::ofstream(tenant.dir() / "server-wrapper")
      << replace_all(wrapper, "exec " + plain_wrapper,
                     "exec unshare --mount sh -c 'mount --bind \"$0\" \"$1\" && shift && exec \"$@\"' " +
                         without.string() + " " + extensions.string() + " " + plain_wrapper);
  auto result = tenant.upgrade({"--gated", "--yes"});
  INFO(describe(result));
  INFO(read_file(tenant.dir() / "server-wrapper"));
  CHECK(result.exit_code == 4);
  CHECK(result.err.find("step.preflight") != std::string::npos);
  CHECK(result.err.find("ext.") != std::string::npos);
  tenant.expect_source_untouched();
  CHECK(tenant.health().starts_with("200 "));
}

// Every point the journal can be at when pgverify dies: each step's intent
// and done, the plan and the finish.
std::vector<std::string> journal_points() {
  std::vector<std::string> points{"upgrade:plan"};
  for (const auto& step : upgrade::standard_steps()) {
    points.push_back(std::string(step.id) + ":intent");
    points.push_back(std::string(step.id) + ":done");
  }
  points.push_back("upgrade:finished");
  return points;
}

// After a finished resume: the target holds everything, the old data is kept,
// and the delete ran once, after a dump gate passed in the same process (a
// plan or a resume begins a process's lines).
void expect_resumed_to_the_end(const LocalTenant& tenant) {
  expect_upgraded(tenant);
  CHECK(tenant.count_in_kept_data(16) == std::to_string(tenant.rows()));
  const auto entries = tenant.journal();
  bool gate_passed_here = false;
  int deletes = 0;
  for (const auto& entry : entries) {
    if (entry.step == upgrade::kPlanStep) gate_passed_here = false;
    if (entry.step == "step.verify-dump" && entry.event == "done") gate_passed_here = entry.evidence.value("permit", false);
    if (entry.step == "step.delete-volume" && entry.event == "done" && !entry.evidence.contains("observed")) {
      ++deletes;
      CHECK(gate_passed_here);
    }
  }
  CHECK(deletes == 1);
  CHECK(entries.back().event == "finished");
}

// One upgrade killed after every journal point in turn: each --resume is
// itself killed at the next point, so every point is a state some resume
// starts from; the last resume finishes.
TEST_CASE("upgrade --resume after a SIGKILL at every journal point in turn finishes with nothing lost",
          "[server][upgrade][kill]") {
  LocalTenant tenant(16, 18, 100);
  const auto points = journal_points();
  for (std::size_t i = 0; i + 1 < points.size(); ++i) {
    INFO("killed after " << points[i]);
    auto killed = tenant.upgrade(i == 0 ? std::vector<std::string>{"--gated", "--yes"}
                                        : std::vector<std::string>{"--gated", "--yes", "--resume"},
                                 points[i]);
    INFO(describe(killed));
    REQUIRE(killed.end == exec::ProcessEnd::killed);
    REQUIRE(killed.signal == SIGKILL);
    const auto status = tenant.upgrade({"--status"});
    CHECK(status.exit_code == 0);
  }
  auto last = tenant.upgrade({"--gated", "--yes", "--resume"}, points.back());
  INFO(describe(last));
  REQUIRE(last.end == exec::ProcessEnd::killed);
  CHECK(tenant.upgrade({"--gated", "--yes", "--resume"}).exit_code == 2);  // nothing to resume: it finished
  expect_resumed_to_the_end(tenant);
}

// The points around the point of no return, each on a fresh tenant: killed
// once there, resumed once.
TEST_CASE("upgrade --resume after a SIGKILL around the delete finishes with nothing lost", "[server][upgrade][kill]") {
  const std::string point = GENERATE(as<std::string>{}, "step.verify-dump:done", "step.delete-volume:intent",
                                     "step.delete-volume:done", "step.deploy-target:intent", "step.restore:intent");
  DYNAMIC_SECTION("killed after " << point) {
    LocalTenant tenant(16, 18, 100);
    tenant.upgrade_killed_at(point);
    auto resumed = tenant.upgrade({"--gated", "--yes", "--resume"});
    INFO(describe(resumed));
    REQUIRE(resumed.exit_code == 0);
    expect_resumed_to_the_end(tenant);
  }
}

// What changes while pgverify is down between the dump gate and the delete
// is caught by the gate evaluated again on --resume: a dump cut to half its
// size, a row written to the source after its dump.
TEST_CASE("upgrade --resume evaluates the dump gate again: a dump or source changed while it was down is refused",
          "[server][upgrade][kill]") {
  const std::string change = GENERATE(as<std::string>{}, "dump truncated", "row written");
  DYNAMIC_SECTION(change) {
    LocalTenant tenant(16, 18, 100);
    tenant.upgrade_killed_at("step.verify-dump:done");
    const std::string run_id = tenant.run_id();
    const fs::path dump = tenant.out() / ("upgrade-" + run_id) / "qrydb.dump";
    REQUIRE(fs::exists(dump));
    if (change == "dump truncated") {
      fs::resize_file(dump, fs::file_size(dump) / 2);
    } else {
      tenant.query("INSERT INTO messages (conversation_id, role, body) VALUES (1, 'user', 'written while pgverify was down')");
    }
    auto resumed = tenant.upgrade({"--gated", "--yes", "--resume"});
    INFO(describe(resumed));
    CHECK(resumed.exit_code == 4);
    CHECK(resumed.err.find("step.verify-dump") != std::string::npos);
    CHECK(resumed.err.find("Nothing was destroyed") != std::string::npos);
    CHECK(tenant.trash().empty());
    const int rows = tenant.rows() + (change == "row written" ? 1 : 0);
    CHECK(tenant.query("SELECT count(*) FROM messages") == std::to_string(rows));
    CHECK(tenant.query("SELECT current_setting('server_version_num')::int / 10000") == "16");
    CHECK(tenant.health().starts_with("200 "));
    for (const auto& entry : tenant.journal()) CHECK_FALSE((entry.step == "step.delete-volume" && entry.event == "done"));
  }
}

// Between the dump gate and the stop of the source (the operator at the
// prompt, the dump hashed again), nothing else may write: a row written there
// would be in neither the dump nor the baseline, and every later gate would
// pass without it. The delete looks again right before the stop.
TEST_CASE("upgrade refuses the delete when the source was written after the dump gate passed", "[server][upgrade]") {
  LocalTenant tenant(16, 18, 100);
  auto result = tenant.upgrade({"--gated", "--yes"}, "",
                               {{"PGVERIFY_TEST_RUN_AFTER", "step.delete-volume:intent"},
                                {"PGVERIFY_TEST_RUN_COMMAND", tenant.insert_command("written after the gate")}});
  INFO(describe(result));
  CHECK(result.exit_code == 4);
  CHECK(result.err.find("written after step.verify-dump passed") != std::string::npos);
  CHECK(result.err.find("Nothing was destroyed") != std::string::npos);
  CHECK(tenant.trash().empty());
  CHECK(tenant.query("SELECT count(*) FROM messages") == std::to_string(tenant.rows() + 1));
  CHECK(tenant.query("SELECT current_setting('server_version_num')::int / 10000") == "16");
  CHECK(tenant.health().starts_with("200 "));
  for (const auto& entry : tenant.journal()) CHECK_FALSE((entry.step == "step.delete-volume" && entry.event == "done"));
  // Nothing wrote in a run without the writer: the same tenant upgrades.
  auto again = tenant.upgrade({"--gated", "--yes"});
  INFO(describe(again));
  CHECK(again.exit_code == 0);
  CHECK(tenant.query("SELECT count(*) FROM messages") == std::to_string(tenant.rows() + 1));
}

TEST_CASE("upgrade refuses a data_dir that is not the source server's, and an --out inside data_dir", "[server][upgrade]") {
  LocalTenant tenant(16, 18, 50);
  // Another cluster's data directory (its own system identifier), not running.
  const fs::path other = fs::path(tenant.data_dir()).parent_path() / "other-cluster";
  run_ok({(tenant.dir() / "server-wrapper").string(), env_or_fail("PG16_SERVER_BIN") + "/initdb", "-D",
          other.string(), "-U", "postgres", "--auth=trust"});
  tenant.edit_config("data_dir       = \"" + tenant.data_dir() + "\"", "data_dir       = \"" + other.string() + "\"");
  auto result = tenant.upgrade({"--gated", "--yes"});
  INFO(describe(result));
  CHECK(result.exit_code != 0);
  CHECK(result.err.find("is not the one of data_dir") != std::string::npos);
  CHECK(fs::exists(other / "PG_VERSION"));
  CHECK(tenant.trash().empty());
  tenant.expect_source_untouched();
  CHECK(tenant.health().starts_with("200 "));
  tenant.edit_config("data_dir       = \"" + other.string() + "\"", "data_dir       = \"" + tenant.data_dir() + "\"");
  // The journal and the dump must not go where the delete moves things.
  fs::remove_all(tenant.out());
  auto inside = exec::run_process({PGVERIFY_BINARY, "--config", tenant.config().string(), "upgrade", "--tenant",
                                   tenant.name(), "--gated", "--yes", "--out", tenant.data_dir() + "/pgverify-out"},
                                  std::chrono::minutes(1));
  INFO(describe(inside));
  CHECK(inside.exit_code == 2);
  CHECK(inside.err.find("is inside the data directory") != std::string::npos);
  CHECK_FALSE(fs::exists(tenant.data_dir() + "/pgverify-out"));
  tenant.expect_source_untouched();
}

// A kill (or a power cut) after the move and before its journal line: the
// resumed run sees the volume gone, records the delete as done and goes on
// (no confirmation needed: nothing destructive is left to do).
TEST_CASE("upgrade --resume after the volume moved but before the journal said so finishes", "[server][upgrade][kill]") {
  LocalTenant tenant(16, 18, 100);
  // The kill, then the move done by hand as the delete would have done it.
  tenant.upgrade_killed_at("step.delete-volume:intent");
  const std::string run_id = tenant.run_id();
  run_ok({(tenant.dir() / "server-wrapper").string(), env_or_fail("PG16_SERVER_BIN") + "/pg_ctl", "-D",
          tenant.data_dir(), "-m", "fast", "-w", "stop"});
  fs::rename(tenant.data_dir(), tenant.data_dir() + ".pgverify-trash-" + run_id);
  auto resumed = tenant.upgrade({"--gated", "--resume"});
  INFO(describe(resumed));
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.err.find("step.verify-dump: again") == std::string::npos);  // the gate is not evaluated on a moved source
  expect_upgraded(tenant);
  CHECK(tenant.count_in_kept_data(16) == std::to_string(tenant.rows()));
}

// A resume that would reach the delete needs its confirmation: without --yes
// and a terminal it leaves the journal to be resumed, it does not finish it.
TEST_CASE("upgrade --resume without --yes or a terminal leaves the run resumable", "[server][upgrade][kill]") {
  LocalTenant tenant(16, 18, 100);
  tenant.upgrade_killed_at("step.dump:done");
  auto unconfirmed = tenant.upgrade({"--gated", "--resume"});
  INFO(describe(unconfirmed));
  CHECK(unconfirmed.exit_code == 2);
  CHECK(unconfirmed.err.find("needs --yes or a terminal") != std::string::npos);
  CHECK(tenant.journal().back().event != "finished");
  auto resumed = tenant.upgrade({"--gated", "--yes", "--resume"});
  INFO(describe(resumed));
  REQUIRE(resumed.exit_code == 0);
  expect_upgraded(tenant);
}

// A DSN's password never reaches a program's command line (/proc/PID/cmdline
// is every local user's to read): pg_dump gets it in PGPASSWORD, and nothing
// pgverify prints or writes holds it.
TEST_CASE("upgrade gives the programs it runs the DSN's password in their environment, never on argv",
          "[server][upgrade]") {
  LocalTenant tenant(16, 18, 50);
  const std::string marker = "pgv-marker-pw-7731";
  const std::string pg_dump = tenant.value("SOURCE_BIN") + "/pg_dump";
  const fs::path seen = tenant.dir() / "pg_dump-saw";
  const fs::path spy = write_script(tenant.dir() / "fault" / "pg_dump",
                                    "[ \"$1\" = --version ] && exec " + pg_dump + " --version\necho \"$@\" > '" +
                                        seen.string() + ".argv'\necho \"$PGPASSWORD\" > '" + seen.string() +
                                        ".env'\nexec " + pg_dump + " \"$@\"",
                                    tenant.value("SOURCE_BIN"));
  tenant.edit_config("pg_dump    = \"" + pg_dump + "\"", "pg_dump    = \"" + spy.string() + "\"");
  tenant.edit_config("dbname=qrydb\"", "dbname=qrydb password=" + marker + "\"");
  auto result = tenant.upgrade({"--gated", "--yes", "--report", "json:" + (tenant.dir() / "r.json").string()});
  INFO(describe(result));
  REQUIRE(result.exit_code == 0);
  CHECK(read_file(seen.string() + ".argv").find(marker) == std::string::npos);
  CHECK(read_file(seen.string() + ".argv").find("dbname='qrydb'") != std::string::npos);
  CHECK(read_file(seen.string() + ".env").find(marker) != std::string::npos);
  CHECK(result.out.find(marker) == std::string::npos);
  CHECK(result.err.find(marker) == std::string::npos);
  CHECK(read_file(tenant.dir() / "r.json").find(marker) == std::string::npos);
  CHECK(read_file(tenant.out() / "upgrade-journal.jsonl").find(marker) == std::string::npos);
}
