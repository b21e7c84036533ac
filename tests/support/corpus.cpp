#include "support/corpus.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <libpq-fe.h>
#include <unistd.h>

#include "pg/session.hpp"

namespace pgverify::testing {

namespace {

// A TOML basic string holding text (paths and DSNs: quotes and backslashes escaped).
std::string toml_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string command_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

// Runs one statement on the server's maintenance database; "" on success, else the error.
std::string exec_on(const std::string& dsn, const std::string& sql) {
  PGconn* conn = PQconnectdb(dsn.c_str());
  std::string problem;
  if (PQstatus(conn) != CONNECTION_OK) {
    problem = PQerrorMessage(conn);
  } else {
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    PGresult* result = PQexec(conn, sql.c_str());
    if (PQresultStatus(result) != PGRES_COMMAND_OK && PQresultStatus(result) != PGRES_TUPLES_OK)
      problem = PQresultErrorMessage(result);
    PQclear(result);
  }
  PQfinish(conn);
  return problem;
}

std::string string_member(const nlohmann::ordered_json& object, std::string_view key) {
  if (!object.is_object()) return "";
  const auto value = object.find(key);
  return value != object.end() && value->is_string() ? value->get<std::string>() : "";
}

// The array member of a report object; nullptr when it is not there or not an array.
const nlohmann::ordered_json* array_member(const nlohmann::ordered_json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto value = object.find(key);
  return value != object.end() && value->is_array() ? &*value : nullptr;
}

}  // namespace

std::vector<int> corpus_source_majors() {
  // Every major an upgrade to 18 starts from: a Catch2 FAIL when one is not configured.
  for (int major : {15, 16, 17, 18}) real_server(major);
  return {15, 16, 17};
}

const RealServer& corpus_source_server(int major) { return real_server(major); }

std::filesystem::path corpus_file(const std::string& name) {
  return std::filesystem::path(PGVERIFY_SOURCE_DIR) / "tests" / "corpus" / name;
}

void run_sql_file(const RealServer& server, const std::string& dsn, const std::filesystem::path& file) {
  run_ok({server.tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-f", file.string()});
}

std::string ReportFinding::text() const {
  return object + " | expected: " + expected + " | actual: " + actual + " | " + message;
}

std::string PgverifyRun::status_of(const std::string& check) const {
  if (!report) return "";
  const nlohmann::ordered_json* checks = array_member(*report, "checks");
  if (!checks) return "";
  for (const auto& c : *checks)
    if (string_member(c, "id") == check) return string_member(c, "status");
  return "";
}

std::vector<ReportFinding> PgverifyRun::findings() const {
  std::vector<ReportFinding> out;
  if (!report) return out;
  const nlohmann::ordered_json* checks = array_member(*report, "checks");
  if (!checks) return out;
  for (const auto& c : *checks) {
    const nlohmann::ordered_json* list = array_member(c, "findings");
    if (!list) continue;
    for (const auto& f : *list)
      out.push_back({string_member(c, "id"), string_member(c, "status"), string_member(f, "object"),
                     string_member(f, "expected"), string_member(f, "actual"), string_member(f, "message"),
                     string_member(f, "hint")});
  }
  return out;
}

std::string PgverifyRun::transcript() const {
  std::ostringstream out;
  out << "exit " << process.exit_code << (process.timed_out ? " (timed out)" : "") << "\n";
  if (!report) {
    out << "no JSON report: " << report_problem << "\nstdout:\n" << process.out << "\n";
  } else if (const nlohmann::ordered_json* checks = array_member(*report, "checks")) {
    for (const auto& c : *checks) {
      const std::string status = string_member(c, "status");
      if (status == "pass" || status == "skip") continue;
      out << status << " " << string_member(c, "id") << ": " << string_member(c, "summary") << "\n";
      if (const nlohmann::ordered_json* list = array_member(c, "findings"))
        for (const auto& f : *list)
          out << "  - " << string_member(f, "object") << ": " << string_member(f, "message")
              << " (expected: " << string_member(f, "expected") << "; actual: " << string_member(f, "actual") << ")\n";
    }
  }
  if (!process.err.empty()) out << "stderr:\n" << process.err;
  return out.str();
}

PgverifyRun run_pgverify_with_report(std::vector<std::string> args, const std::filesystem::path& report) {
  std::error_code ec;
  std::filesystem::remove(report, ec);
  args.push_back("--report");
  args.push_back("json:" + report.string());
  PgverifyRun run;
  run.process = run_pgverify(args);
  const std::string text = read_file(report);
  if (text.empty()) {
    run.report_problem = report.string() + " was not written";
    return run;
  }
  try {
    run.report = json::parse(text);
  } catch (const std::exception& error) {
    run.report_problem = report.string() + " does not parse: " + error.what();
  }
  return run;
}

DatabaseCopy::DatabaseCopy(const RealServer& server, const std::string& template_name, const std::string& tag)
    : m_server(server) {
  static std::atomic<int> counter{0};
  m_name = "pgv_ks_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  m_dsn = server.dsn_for(m_name);
  exec_on(server.dsn, "DROP DATABASE IF EXISTS " + m_name);
  const std::string problem = exec_on(server.dsn, "CREATE DATABASE " + m_name + " TEMPLATE " + template_name);
  if (!problem.empty()) FAIL("cannot copy database " << template_name << ": " << problem);
}

DatabaseCopy::~DatabaseCopy() { exec_on(m_server.dsn, "DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)"); }

KitchenSink::KitchenSink(int source_major, const std::string& tag)
    : m_source_major(source_major),
      m_source_server(corpus_source_server(source_major)),
      m_target_server(real_server(18)),
      m_dir("corpus-" + tag),
      m_source(m_source_server, "pgv_ks_" + tag + "_src"),
      m_target(m_target_server, "pgv_ks_" + tag + "_dst") {
  // Roles first, on both clusters, as pg_dumpall --roles-only would bring them.
  run_sql_file(m_source_server, m_source_server.dsn, corpus_file("kitchen_sink_roles.sql"));
  run_sql_file(m_target_server, m_target_server.dsn, corpus_file("kitchen_sink_roles.sql"));
  run_sql_file(m_source_server, m_source.dsn(), corpus_file("kitchen_sink.sql"));

  pg::LibpqConnector connector;
  auto source = connector.connect(m_source.dsn());
  m_has_vector =
      source->query("SELECT count(*) FROM pg_catalog.pg_extension WHERE extname = 'vector'").at(0, 0).value_or("0") !=
      "0";
  // The runbook's step 6, before the restore.
  if (m_has_vector) m_target.exec("CREATE EXTENSION IF NOT EXISTS vector");

  m_dump = dump_as({"-Fc"}, "kitchen_sink.dump");
}

std::filesystem::path KitchenSink::dump_as(const std::vector<std::string>& options, const std::string& name) const {
  const auto path = dir() / name;
  std::vector<std::string> argv{m_source_server.tool("pg_dump")};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.insert(argv.end(), {"-f", path.string(), "-d", m_source.dsn()});
  run_ok(argv);
  return path;
}

std::filesystem::path KitchenSink::write_config(const std::string& label, const std::string& target_dsn,
                                                const std::string& mode) const {
  const auto path = dir() / ("pgverify-" + label + ".toml");
  std::ofstream config(path);
  config << "[tenants." << tenant << "]\n"
         << "source_dsn = " << toml_string(m_source.dsn()) << "\n"
         << "target_dsn = " << toml_string(target_dsn) << "\n"
         << "target_major = 18\n"
         << "dump_path = " << toml_string(m_dump.string()) << "\n"
         << "[tenants." << tenant << ".clients]\n"
         << "pg_dump = " << toml_string(m_source_server.tool("pg_dump")) << "\n"
         << "pg_restore = " << toml_string(m_target_server.tool("pg_restore")) << "\n"
         << "psql = " << toml_string(m_target_server.tool("psql")) << "\n";
  if (mode == "text") config << "[tenants." << tenant << ".hash]\nmode = \"text\"\n";
  config.close();
  REQUIRE(config.good());
  return path;
}

std::filesystem::path KitchenSink::baseline(const std::string& mode) const {
  return dir() / ("out-" + mode) / "manifest.json";
}

PgverifyRun KitchenSink::pre(const std::string& mode) const {
  const auto out = baseline(mode).parent_path();
  std::filesystem::create_directories(out);
  const auto config = write_config("pre-" + mode, m_target.dsn(), mode);
  return run_pgverify_with_report(
      {"--config", config.string(), "pre", "--tenant", tenant, "--dump", m_dump.string(), "--out", out.string()},
      out / "pre.json");
}

KitchenSink::Restore KitchenSink::restore_into(const std::string& target_dsn) const {
  const std::vector<std::string> argv{m_target_server.tool("pg_restore"), "-d", target_dsn, m_dump.string()};
  auto result = exec::run_process(argv, std::chrono::minutes(5));
  INFO("command: " << command_line(argv));
  REQUIRE_FALSE(result.timed_out);
  return {result.exit_code, result.err};
}

PgverifyRun KitchenSink::post(const std::string& mode, const std::string& target_dsn, const std::string& label,
                              const std::vector<std::string>& extra) const {
  const auto out = dir() / ("post-" + label + "-" + mode);
  std::filesystem::create_directories(out);
  const auto config = write_config("post-" + label + "-" + mode, target_dsn, mode);
  std::vector<std::string> args{"--config",   config.string(),         "post",  "--tenant",  tenant,
                                "--baseline", baseline(mode).string(), "--out", out.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_pgverify_with_report(args, out / "post.json");
}

}  // namespace pgverify::testing
