// The runbook as the server tests take a small database through it: a source
// of some major, pg_dump of that major, pgverify pre, pg_restore 18 into a
// fresh database, pgverify post; and the pieces around it (scratch databases,
// superuser SQL). Databases are named pgv_rv_*; all are dropped at the end.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "exec/process.hpp"
#include "pg/session.hpp"
#include "support/corpus.hpp"
#include "support/servers.hpp"

namespace pgverify::testing {

inline std::string toml(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Runs SQL on a server (several statements, simple protocol) as the superuser.
inline void admin_sql(const std::string& dsn, const std::string& sql) {
  pg::LibpqConnector connector;
  auto session = connector.connect(dsn);
  session->execute(sql);
}

// A database with a chosen encoding, dropped at the end.
class TestDatabase {
 public:
  // Named PREFIX_TAG_PID (prefix "pgv_rv", "pgv_adv").
  TestDatabase(const RealServer& server, const std::string& tag, const std::string& create_options = "ENCODING 'UTF8'")
      : m_server(server), m_name("pgv_rv_" + tag + "_" + std::to_string(::getpid())), m_dsn(server.dsn_for(m_name)) {
    admin_sql(server.dsn, "DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
    admin_sql(server.dsn, "CREATE DATABASE " + m_name + " TEMPLATE template0 " + create_options);
  }
  ~TestDatabase() {
    try {
      admin_sql(m_server.dsn, "DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
    } catch (...) {
    }
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  // A copy of another database of the same server (CREATE DATABASE ... TEMPLATE).
  TestDatabase(const RealServer& server, const std::string& tag, const TestDatabase& original)
      : m_server(server), m_name("pgv_rv_" + tag + "_" + std::to_string(::getpid())), m_dsn(server.dsn_for(m_name)) {
    admin_sql(server.dsn, "DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
    admin_sql(server.dsn, "CREATE DATABASE " + m_name + " TEMPLATE " + original.name());
  }
  const std::string& dsn() const { return m_dsn; }
  const std::string& name() const { return m_name; }
  // SQL through psql with PGCLIENTENCODING=UTF8, so literals are read as UTF-8 whatever the database's encoding.
  void exec(const std::string& sql) const {
    testing::run_ok({"/usr/bin/env", "PGCLIENTENCODING=UTF8", m_server.tool("psql"), "-X", "-q", "-v",
                     "ON_ERROR_STOP=1", "-d", m_dsn, "-c", sql});
  }

 private:
  const RealServer& m_server;
  std::string m_name;
  std::string m_dsn;
};

// The runbook on one small database: source of `major`, pg_dump of that major,
// pgverify pre, pg_restore 18 into an empty database, pgverify post.
class Runbook {
 public:
  Runbook(int major, const std::string& tag, const std::string& sql, const std::string& source_options = "ENCODING 'UTF8'",
          const std::string& target_options = "ENCODING 'UTF8'")
      : m_source_server(testing::real_server(major)),
        m_target_server(testing::real_server(18)),
        m_dir("runbook-" + tag),
        m_source(m_source_server, tag + "_src", source_options),
        m_target(m_target_server, tag + "_dst", target_options),
        m_tag(tag) {
    m_source.exec(sql);
  }

  const TestDatabase& source() const { return m_source; }
  const TestDatabase& target() const { return m_target; }
  const RealServer& source_server() const { return m_source_server; }
  const RealServer& target_server() const { return m_target_server; }
  const std::filesystem::path& dir() const { return m_dir.path(); }

  std::filesystem::path dump(const std::vector<std::string>& options = {"-Fc"}, const std::string& name = "db.dump") {
    m_dump = dir() / name;
    std::vector<std::string> argv{m_source_server.tool("pg_dump")};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), {"-f", m_dump.string(), "-d", m_source.dsn()});
    testing::run_ok(argv);
    return m_dump;
  }

  std::filesystem::path config(const std::string& mode, const std::string& target_dsn) const {
    const auto path = dir() / ("pgverify-" + mode + ".toml");
    std::ofstream out(path);
    out << "[tenants.rv]\nsource_dsn = " << toml(m_source.dsn()) << "\ntarget_dsn = " << toml(target_dsn)
        << "\ntarget_major = 18\ndump_path = " << toml(m_dump.string()) << "\n[tenants.rv.clients]\npg_dump = "
        << toml(m_source_server.tool("pg_dump")) << "\npg_restore = " << toml(m_target_server.tool("pg_restore"))
        << "\npsql = " << toml(m_target_server.tool("psql")) << "\n[tenants.rv.hash]\nmode = " << toml(mode) << "\n"
        << m_hash_extra << "\n";
    out.close();
    REQUIRE(out.good());
    return path;
  }

  PgverifyRun pre(const std::string& mode = "binary") {
    if (m_dump.empty()) dump();
    const auto out = dir() / ("out-" + mode);
    std::filesystem::create_directories(out);
    return testing::run_pgverify_with_report({"--config", config(mode, m_target.dsn()).string(), "pre", "--tenant",
                                              "rv", "--dump", m_dump.string(), "--out", out.string()},
                                             out / "pre.json");
  }

  int restore(const std::vector<std::string>& options = {}) const {
    std::vector<std::string> argv{m_target_server.tool("pg_restore"), "-d", m_target.dsn()};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.push_back(m_dump.string());
    return exec::run_process(argv, std::chrono::minutes(5)).exit_code;
  }

  PgverifyRun post(const std::string& mode = "binary", const std::vector<std::string>& extra = {}) const {
    const auto out = dir() / ("out-" + mode);
    std::vector<std::string> args{"--config",   config(mode, m_target.dsn()).string(),
                                  "post",       "--tenant",
                                  "rv",         "--baseline",
                                  (out / "manifest.json").string(), "--out",
                                  (out / "post").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::run_pgverify_with_report(args, out / "post.json");
  }

  // dump verify takes no --report: its JSON is on standard output.
  exec::ProcessResult dump_verify_against() const {
    return testing::run_pgverify({"dump", "verify", m_dump.string(), "--against", m_source.dsn(), "--json"});
  }

  // More lines of [tenants.rv.hash] for every configuration written from now on
  // (include = [...], exclude = [...]).
  void set_hash_options(std::string lines) { m_hash_extra = std::move(lines); }

  // The baseline pre(mode) wrote.
  std::filesystem::path manifest(const std::string& mode = "binary") const {
    return dir() / ("out-" + mode) / "manifest.json";
  }

  // post in binary mode against another target (a damaged copy), its
  // configuration, output and report under `label`.
  PgverifyRun post_on(const std::string& target_dsn, const std::string& label) const {
    return testing::run_pgverify_with_report({"--config", config("binary", target_dsn).string(), "post", "--tenant",
                                              "rv", "--baseline", manifest().string(), "--out",
                                              (dir() / label).string()},
                                             dir() / (label + ".json"));
  }

 private:
  const RealServer& m_source_server;
  const RealServer& m_target_server;
  testing::TempDir m_dir;
  TestDatabase m_source;
  TestDatabase m_target;
  std::string m_tag;
  std::string m_hash_extra;
  std::filesystem::path m_dump;
};

// The full runbook; the restore itself must succeed.
inline void pre_restore(Runbook& runbook, const std::string& mode = "binary") {
  auto pre = runbook.pre(mode);
  INFO("pre: " << pre.transcript());
  REQUIRE(pre.report);
  runbook.restore();
}

inline std::string findings_of(const PgverifyRun& run, const std::string& check) {
  std::string out;
  for (const auto& f : run.findings())
    if (f.check == check) out += f.text() + "\n";
  return out;
}


}  // namespace pgverify::testing
