#pragma once

// Real PostgreSQL servers for [server] tests, as `scripts/pg-env up 15 16 17 18`
// announces them (PG15_DSN, PG15_BIN, …). A test that needs them fails with
// a message saying how to start them; it never passes without them.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

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
