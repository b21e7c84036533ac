#pragma once

// The kitchen sink corpus (tests/corpus/) taken through the upgrade procedure
// the way a team runs it, against real servers: the corpus loaded into a source
// major, dumped with that major's pg_dump, pgverify pre, the roles created on
// the PG18 target, pg_restore 18, pgverify post. [server] tests build on it.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "json/json.hpp"
#include "exec/process.hpp"
#include "support/servers.hpp"

namespace pgverify::testing {

// The source majors the corpus is taken from: 15, 16 and 17 (a Catch2 FAIL
// when a server, 18's included, is not configured).
std::vector<int> corpus_source_majors();
// The server of a source major.
const RealServer& corpus_source_server(int major);

std::filesystem::path corpus_file(const std::string& name);

// Runs an SQL file with this server's psql, stopping at the first error; REQUIREs success.
void run_sql_file(const RealServer& server, const std::string& dsn, const std::filesystem::path& file);

// One finding of a pgverify JSON report, with the check it belongs to.
struct ReportFinding {
  std::string check;
  std::string status;  // the check's
  std::string object, expected, actual, message, hint;

  // object, expected, actual and message on one line: what a needle is looked for in.
  std::string text() const;
  bool operator==(const ReportFinding&) const = default;
};

// A run of the pgverify binary and the JSON report it wrote.
struct PgverifyRun {
  exec::ProcessResult process;
  std::optional<json::Value> report;  // nullopt when it was not written or did not parse
  std::string report_problem;         // why report is nullopt

  // The status of a check in the report; "" when the check is not in it.
  std::string status_of(const std::string& check) const;
  std::vector<ReportFinding> findings() const;
  // Exit code, every check that did not pass with its findings, and stderr: for INFO.
  std::string transcript() const;
};

PgverifyRun run_pgverify_with_report(std::vector<std::string> args, const std::filesystem::path& report);

// A database created as a copy of another (CREATE DATABASE ... TEMPLATE) and
// dropped afterwards: a restored target damaged without restoring again.
class DatabaseCopy {
 public:
  DatabaseCopy(const RealServer& server, const std::string& template_name, const std::string& tag);
  ~DatabaseCopy();
  DatabaseCopy(const DatabaseCopy&) = delete;
  DatabaseCopy& operator=(const DatabaseCopy&) = delete;
  const std::string& dsn() const { return m_dsn; }
  const std::string& name() const { return m_name; }

 private:
  const RealServer& m_server;
  std::string m_name;
  std::string m_dsn;
};

// The corpus in a fresh source database of one major, dumped (-Fc) with that
// major's pg_dump, and an empty target database on PG18 with the corpus's
// roles created on its cluster (and vector when the source has it), as the
// runbook prepares the target before pg_restore.
class KitchenSink {
 public:
  static constexpr const char* tenant = "ks";

  // tag keeps the databases of different users of the corpus apart (pgv_ks_TAG...).
  KitchenSink(int source_major, const std::string& tag);

  int source_major() const { return m_source_major; }
  const RealServer& source_server() const { return m_source_server; }
  const RealServer& target_server() const { return m_target_server; }
  const ScratchDatabase& source() const { return m_source; }
  const ScratchDatabase& target() const { return m_target; }
  bool has_vector() const { return m_has_vector; }
  const std::filesystem::path& dump() const { return m_dump; }
  const std::filesystem::path& dir() const { return m_dir.path(); }

  // pg_dump of the source with these options (e.g. {"-Fd", "-j", "2"}) into dir()/name.
  std::filesystem::path dump_as(const std::vector<std::string>& options, const std::string& name) const;

  // pgverify pre with the tenant's configuration; mode "binary" is the default
  // configuration (no hash key), "text" sets [tenants.ks.hash] mode = "text".
  // The baseline goes to baseline(mode).
  PgverifyRun pre(const std::string& mode) const;
  std::filesystem::path baseline(const std::string& mode) const;

  struct Restore {
    int exit_code = -1;
    std::string err;
  };
  // pg_restore 18 of dump() into a database of the target server.
  Restore restore_into(const std::string& target_dsn) const;

  // pgverify post against target_dsn with the baseline of that mode; label
  // names the run's files; extra are further options (--only ...).
  PgverifyRun post(const std::string& mode, const std::string& target_dsn, const std::string& label,
                   const std::vector<std::string>& extra = {}) const;

 private:
  std::filesystem::path write_config(const std::string& label, const std::string& target_dsn,
                                     const std::string& mode) const;

  int m_source_major;
  const RealServer& m_source_server;
  const RealServer& m_target_server;
  TempDir m_dir;
  ScratchDatabase m_source;
  ScratchDatabase m_target;
  bool m_has_vector = false;
  std::filesystem::path m_dump;
};

}  // namespace pgverify::testing
