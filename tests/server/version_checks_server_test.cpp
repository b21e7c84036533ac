// The version and vector checks against real PG15, PG17 and PG18 servers and
// their real client programs (scripts/pg-env).

#include <catch2/catch.hpp>

#include "checks/ext_vector.hpp"
#include "checks/version_pg_dump.hpp"
#include "checks/version_pg_restore.hpp"
#include "checks/version_psql.hpp"
#include "core/baseline.hpp"
#include "support/servers.hpp"

using namespace pgverify;
using testing::real_server;

namespace {

struct RealContext {
  TenantConfig tenant;
  pg::LibpqConnector connector;
  exec::SystemToolRunner tools;
  std::optional<std::filesystem::path> dump_path;
  std::optional<Manifest> baseline;

  RealContext() { tenant.name = "demo"; }
  CheckResult run(const Check& check, Phase phase = Phase::pre) {
    Context context{phase, tenant, connector, tools, dump_path, baseline ? &*baseline : nullptr};
    return check.run(context);
  }
};

std::string everything(const CheckResult& result) {
  std::string text = result.summary;
  for (const auto& f : result.findings) text += "\n" + f.message + "\n" + f.hint;
  return text;
}

}  // namespace

TEST_CASE("version.pg-dump: pg_dump 15 against the PG17 server fails, pg_dump 17 passes", "[server][version.pg-dump]") {
  const auto& pg15 = real_server(15);
  const auto& pg17 = real_server(17);
  RealContext c;
  c.tenant.source_dsn = pg17.dsn;

  // What the check predicts is what the real pg_dump does.
  auto real = exec::run_process({pg15.tool("pg_dump"), "--schema-only", "-d", pg17.dsn});
  CHECK(real.exit_code != 0);
  CHECK_THAT(real.err, Catch::Contains("server version mismatch"));

  c.tenant.clients.pg_dump = pg15.tool("pg_dump");
  auto bad = c.run(checks::VersionPgDump());
  INFO(everything(bad));
  CHECK(bad.status == Status::fail);
  CHECK_THAT(everything(bad), Catch::Contains("pg_dump 15.") && Catch::Contains("cannot dump the source server (PostgreSQL 17.") &&
                                  Catch::Contains("Use pg_dump 17"));

  c.tenant.clients.pg_dump = pg17.tool("pg_dump");
  auto good = c.run(checks::VersionPgDump());
  INFO(everything(good));
  CHECK(good.status == Status::pass);

  c.tenant.clients.pg_dump = pg17.bin + "/no-such-pg_dump";
  CHECK(c.run(checks::VersionPgDump()).status == Status::fail);
}

TEST_CASE("version.pg-restore: pg_restore 15 on a pg_dump 17 archive fails, pg_restore 18 passes", "[server][version.pg-restore]") {
  const auto& pg15 = real_server(15);
  const auto& pg17 = real_server(17);
  const auto& pg18 = real_server(18);
  testing::TempDir dir("pgrestore");
  testing::ScratchDatabase source(pg17, "pgv_restore_src");
  source.exec("CREATE TABLE t (id int PRIMARY KEY, note text); INSERT INTO t VALUES (1, 'a'), (2, 'b');");
  const auto dump = dir.path() / "src.dump";
  testing::run_ok({pg17.tool("pg_dump"), "-Fc", "-f", dump.string(), "-d", source.dsn()});

  // The real pg_restore 15 refuses it, as the check predicts.
  auto real = exec::run_process({pg15.tool("pg_restore"), "-l", dump.string()});
  CHECK(real.exit_code != 0);
  CHECK_THAT(real.err, Catch::Contains("unsupported version (1.16) in file header"));

  RealContext c;
  c.tenant.target_dsn = pg18.dsn;
  c.dump_path = dump;
  c.tenant.clients.pg_restore = pg15.tool("pg_restore");
  auto bad = c.run(checks::VersionPgRestore());
  INFO(everything(bad));
  CHECK(bad.status == Status::fail);
  CHECK_THAT(everything(bad), Catch::Contains("unsupported version (1.16) in file header") &&
                                  Catch::Contains("older than the target major 18") &&
                                  Catch::Contains("Restore with pg_restore 18"));

  c.tenant.clients.pg_restore = pg18.tool("pg_restore");
  auto good = c.run(checks::VersionPgRestore());
  INFO(everything(good));
  CHECK(good.status == Status::pass);
  CHECK_THAT(good.summary, Catch::Contains("archive version 1.16"));

  // pg_restore 17 reads the archive but is older than the PG18 target.
  c.tenant.clients.pg_restore = pg17.tool("pg_restore");
  auto older = c.run(checks::VersionPgRestore());
  CHECK(older.status == Status::fail);
  REQUIRE(older.findings.size() == 1);
  CHECK(older.findings[0].expected == "pg_restore >= 18");
}

TEST_CASE("version.psql: psql 15 for a PG18 target fails, psql 18 passes", "[server][version.psql]") {
  const auto& pg15 = real_server(15);
  const auto& pg18 = real_server(18);
  RealContext c;
  c.tenant.target_dsn = pg18.dsn;
  c.tenant.clients.psql = pg15.tool("psql");
  auto bad = c.run(checks::VersionPsql());
  INFO(everything(bad));
  CHECK(bad.status == Status::fail);
  CHECK_THAT(bad.findings.at(0).message, Catch::Contains("(PostgreSQL 18."));
  c.tenant.clients.psql = pg18.tool("psql");
  CHECK(c.run(checks::VersionPsql()).status == Status::pass);
}

TEST_CASE("ext.vector: PG15 as target fails, PG18 passes; post sees the installed extension", "[server][ext.vector]") {
  const auto& pg15 = real_server(15);
  const auto& pg17 = real_server(17);
  const auto& pg18 = real_server(18);
  testing::ScratchDatabase source(pg17, "pgv_vector_src");
  source.exec("CREATE EXTENSION vector; CREATE TABLE m (id int, e vector(3));");

  RealContext c;
  c.tenant.source_dsn = source.dsn();
  c.tenant.target_dsn = pg15.dsn;
  auto bad = c.run(checks::ExtVector());
  INFO(everything(bad));
  CHECK(bad.status == Status::fail);
  CHECK_THAT(bad.findings.at(0).message, Catch::Contains("(PostgreSQL 15.") && Catch::Contains("does not offer the vector extension"));

  c.tenant.target_dsn = pg18.dsn;
  auto good = c.run(checks::ExtVector());
  INFO(everything(good));
  CHECK(good.status == Status::pass);
  CHECK_THAT(good.summary, Catch::Contains("source uses 0.8"));

  // post: the baseline from the real source; the target database first without, then with vector.
  c.baseline = capture_baseline(c.connector, c.tenant, {});
  REQUIRE(c.baseline->extension("vector"));
  testing::ScratchDatabase target(pg18, "pgv_vector_dst");
  c.tenant.target_dsn = target.dsn();
  auto missing = c.run(checks::ExtVector(), Phase::post);
  CHECK(missing.status == Status::fail);
  CHECK_THAT(missing.findings.at(0).hint, Catch::Contains("CREATE EXTENSION IF NOT EXISTS vector"));
  target.exec("CREATE EXTENSION vector");
  auto installed = c.run(checks::ExtVector(), Phase::post);
  INFO(everything(installed));
  CHECK(installed.status == Status::pass);
}
