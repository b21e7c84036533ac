#include "support/servers.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <libpq-fe.h>
#include <unistd.h>

#include "core/runner.hpp"

namespace pgverify::testing {

namespace {

std::string env_or_empty(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value ? value : "";
}

// Statements with several commands need the simple query protocol.
void exec_simple(const std::string& dsn, const std::string& sql) {
  PGconn* conn = PQconnectdb(dsn.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    FAIL("cannot connect to " << dsn << ": " << message);
  }
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  PGresult* result = PQexec(conn, sql.c_str());
  ExecStatusType status = PQresultStatus(result);
  std::string message = PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(conn);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    FAIL("SQL failed on " << dsn << ": " << message << "\n" << sql);
}

}  // namespace

std::string RealServer::dsn_for(const std::string& dbname) const {
  return dsn + " dbname=" + dbname;
}

const RealServer& real_server(int major) {
  constexpr int kOldest = 15, kNewest = 18;  // the majors scripts/pg-env provides
  static RealServer servers[kNewest - kOldest + 1];
  if (major < kOldest || major > kNewest)
    FAIL("scripts/pg-env provides PostgreSQL " << kOldest << " to " << kNewest << ", not " << major);
  RealServer& server = servers[major - kOldest];
  if (server.major == 0) {
    const std::string suffix = std::to_string(major);
    server.dsn = env_or_empty("PG" + suffix + "_DSN");
    server.bin = env_or_empty("PG" + suffix + "_BIN");
    if (server.dsn.empty() || server.bin.empty())
      FAIL("PG" << suffix << "_DSN and PG" << suffix
                << "_BIN are not set: start the servers with eval \"$(scripts/pg-env up 15 16 17 18)\"");
    server.major = major;
  }
  return server;
}

ScratchDatabase::ScratchDatabase(const RealServer& server, const std::string& name)
    : m_server(server), m_name(name + "_" + std::to_string(::getpid())), m_dsn(server.dsn_for(m_name)) {
  exec_simple(server.dsn, "DROP DATABASE IF EXISTS " + m_name);
  exec_simple(server.dsn, "CREATE DATABASE " + m_name + " TEMPLATE template0 ENCODING 'UTF8'");
}

ScratchDatabase::~ScratchDatabase() {
  PGconn* conn = PQconnectdb(m_server.dsn.c_str());
  if (PQstatus(conn) == CONNECTION_OK)
    PQclear(PQexec(conn, ("DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)").c_str()));
  PQfinish(conn);
}

void ScratchDatabase::exec(const std::string& sql) const { exec_simple(m_dsn, sql); }

ScratchRoles::ScratchRoles(const RealServer& server, std::vector<std::string> names, const std::string& options)
    : m_server(server), m_names(std::move(names)) {
  drop();
  for (const auto& name : m_names) admin("CREATE ROLE " + name + " " + options);
}

ScratchRoles::~ScratchRoles() {
  try {
    drop();
  } catch (...) {
  }
}

void ScratchRoles::admin(const std::string& sql) const {
  run_ok({m_server.tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", m_server.dsn, "-c", sql});
}

void ScratchRoles::drop() const {
  for (const auto& name : m_names) admin("DROP ROLE IF EXISTS " + name);
}

RealTenant::RealTenant(const std::string& source_dsn, const std::string& target_dsn) {
  tenant.name = "demo";
  tenant.source_dsn = source_dsn;
  tenant.target_dsn = target_dsn;
}

CheckResult RealTenant::run(const Check& check, Phase phase) {
  Context context{phase, tenant, connector, tools, std::nullopt, nullptr};
  // As the runner does: outside its versions a check is skipped, not run.
  if (auto skipped = outside_versions(check.info(), context.evidence)) return *skipped;
  return check.run(context);
}

std::string finding_lines(const CheckResult& result) {
  std::string out;
  for (const auto& f : result.findings) out += f.object + " | " + f.actual + "\n";
  return out;
}

TempDir::TempDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  m_path = std::filesystem::temp_directory_path() /
           ("pgverify-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(m_path);
  std::filesystem::create_directories(m_path);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

exec::ProcessResult run_ok(const std::vector<std::string>& argv) {
  auto result = exec::run_process(argv, std::chrono::minutes(5));
  std::string command;
  for (const auto& a : argv) command += a + " ";
  INFO("command: " << command << "\nstderr: " << result.err);
  REQUIRE(result.exit_code == 0);
  return result;
}

void write_tenant_config(const std::filesystem::path& file, const std::string& tenant, const std::string& source_dsn,
                         const std::string& target_dsn, const TenantClients& clients, const std::string& tenant_keys) {
  std::ofstream out(file);
  out << "[tenants." << tenant << "]\nsource_dsn = \"" << source_dsn << "\"\ntarget_dsn = \"" << target_dsn << "\"\n"
      << tenant_keys << "[tenants." << tenant << ".clients]\npg_dump = \"" << clients.pg_dump << "\"\npg_restore = \""
      << clients.pg_restore << "\"\npsql = \"" << clients.psql << "\"\n";
  REQUIRE(out.good());
}

exec::ProcessResult run_pgverify(std::vector<std::string> args) {
  args.insert(args.begin(), PGVERIFY_BINARY);
  return exec::run_process(args, std::chrono::minutes(5));
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace pgverify::testing
