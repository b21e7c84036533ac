#pragma once

// Real PostgreSQL servers for [server] tests, as `scripts/pg-env up 15 16 17 18`
// announces them (PG15_DSN, PG15_BIN, …). A test that needs them fails with
// a message saying how to start them; it never passes without them.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/check.hpp"
#include "exec/process.hpp"
#include "pg/session.hpp"

namespace pgverify::testing {

struct RealServer {
  int major = 0;
  std::string dsn;  // superuser postgres, dbname postgres
  std::string bin;  // directory with pg_dump, pg_restore, psql of this major

  std::string tool(const std::string& name) const { return bin + "/" + name; }
  // The same server, another database.
  std::string dsn_for(const std::string& dbname) const;
};

// The server of that major; a Catch2 FAIL naming the variables when not configured.
const RealServer& real_server(int major);

// A database created fresh on a server for one test and dropped afterwards.
class ScratchDatabase {
 public:
  ScratchDatabase(const RealServer& server, const std::string& name);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& dsn() const { return m_dsn; }
  const std::string& name() const { return m_name; }
  // Runs SQL (several statements allowed) in this database.
  void exec(const std::string& sql) const;

 private:
  const RealServer& m_server;
  std::string m_name;
  std::string m_dsn;
};

// Cluster-wide roles made for a test, dropped at its end. Roles are shared by
// everyone using the servers, so their names need a prefix of the test's own.
// Declare it before the databases whose objects use the roles, so it is
// destroyed after them.
class ScratchRoles {
 public:
  ScratchRoles(const RealServer& server, std::vector<std::string> names, const std::string& options = "");
  ~ScratchRoles();
  ScratchRoles(const ScratchRoles&) = delete;
  ScratchRoles& operator=(const ScratchRoles&) = delete;

  // Runs SQL as the superuser on the roles' server (GRANT role TO member, ...).
  void admin(const std::string& sql) const;

 private:
  void drop() const;
  const RealServer& m_server;
  std::vector<std::string> m_names;
};

// A tenant whose source and target are real servers, to run a check against.
struct RealTenant {
  TenantConfig tenant;
  pg::LibpqConnector connector;
  exec::SystemToolRunner tools;

  RealTenant(const std::string& source_dsn, const std::string& target_dsn);
  CheckResult run(const Check& check, Phase phase = Phase::pre);
};

// "object | actual" a line for each finding, for comparing and for INFO.
std::string finding_lines(const CheckResult& result);

// A temporary directory removed at the end of the test.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

// The client programs a tenant's procedure uses ([tenants.NAME.clients]).
struct TenantClients {
  std::string pg_dump;
  std::string pg_restore;
  std::string psql;
};

// Writes a pgverify configuration with one tenant: its DSNs, `tenant_keys` (more
// lines of the tenant's own table, such as dump_path = "…") and its clients.
void write_tenant_config(const std::filesystem::path& file, const std::string& tenant, const std::string& source_dsn,
                         const std::string& target_dsn, const TenantClients& clients,
                         const std::string& tenant_keys = "");

// The pgverify binary of this build, run with these arguments.
exec::ProcessResult run_pgverify(std::vector<std::string> args);

// A whole file's bytes ("" when it cannot be read).
std::string read_file(const std::filesystem::path& path);

// Runs a command and REQUIREs it to exit 0, showing its stderr otherwise.
exec::ProcessResult run_ok(const std::vector<std::string>& argv);

}  // namespace pgverify::testing
