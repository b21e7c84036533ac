// The version and vector checks against real PG15, PG16, PG17 and PG18 servers
// and their real client programs (scripts/pg-env).

#include <catch2/catch.hpp>

#include "checks/checks.hpp"
#include "evidence/baseline.hpp"
#include "dump/archive_header.hpp"
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

TEST_CASE("version.pg-dump: pg_dump 15 and 16 against the PG17 server fail, pg_dump 17 passes", "[server][version.pg-dump]") {
  const auto& pg17 = real_server(17);
  RealContext c;
  c.tenant.source_dsn = pg17.dsn;

  for (int old_major : {15, 16}) {
    const auto& old = real_server(old_major);
    INFO("pg_dump " << old_major);
    // What the check predicts is what the real pg_dump does.
    auto real = exec::run_process({old.tool("pg_dump"), "--schema-only", "-d", pg17.dsn});
    CHECK(real.exit_code != 0);
    CHECK_THAT(real.err, Catch::Contains("server version mismatch"));

    c.tenant.clients.pg_dump = old.tool("pg_dump");
    auto bad = c.run(checks::VersionPgDump());
    INFO(everything(bad));
    CHECK(bad.status == Status::fail);
    CHECK_THAT(everything(bad), Catch::Contains("pg_dump " + std::to_string(old_major) + ".") &&
                                    Catch::Contains("cannot dump the source server (PostgreSQL 17.") &&
                                    Catch::Contains("Use pg_dump 17"));
  }

  c.tenant.clients.pg_dump = pg17.tool("pg_dump");
  auto good = c.run(checks::VersionPgDump());
  INFO(everything(good));
  CHECK(good.status == Status::pass);

  c.tenant.clients.pg_dump = pg17.bin + "/no-such-pg_dump";
  CHECK(c.run(checks::VersionPgDump()).status == Status::fail);
}

TEST_CASE("version.pg-dump: pg_dump 16 against the PG16 server passes", "[server][version.pg-dump]") {
  const auto& pg16 = real_server(16);
  testing::run_ok({pg16.tool("pg_dump"), "--schema-only", "-d", pg16.dsn});
  RealContext c;
  c.tenant.source_dsn = pg16.dsn;
  c.tenant.clients.pg_dump = pg16.tool("pg_dump");
  auto good = c.run(checks::VersionPgDump());
  INFO(everything(good));
  CHECK(good.status == Status::pass);
  CHECK(good.findings.empty());
}

TEST_CASE("version.pg-restore: pg_restore 15 and 16 on a pg_dump 17 archive fail, pg_restore 18 passes", "[server][version.pg-restore]") {
  const auto& pg17 = real_server(17);
  const auto& pg18 = real_server(18);
  testing::TempDir dir("pgrestore");
  testing::ScratchDatabase source(pg17, "pgv_restore_src");
  source.exec("CREATE TABLE t (id int PRIMARY KEY, note text); INSERT INTO t VALUES (1, 'a'), (2, 'b');");
  const auto dump = dir.path() / "src.dump";
  testing::run_ok({pg17.tool("pg_dump"), "-Fc", "-f", dump.string(), "-d", source.dsn()});
  RealContext c;
  c.tenant.target_dsn = pg18.dsn;
  c.dump_path = dump;

  for (int old_major : {15, 16}) {
    const auto& old = real_server(old_major);
    INFO("pg_restore " << old_major);
    // The real pg_restore refuses it, as the check predicts.
    auto real = exec::run_process({old.tool("pg_restore"), "-l", dump.string()});
    CHECK(real.exit_code != 0);
    CHECK_THAT(real.err, Catch::Contains("unsupported version (1.16) in file header"));

    c.tenant.clients.pg_restore = old.tool("pg_restore");
    auto bad = c.run(checks::VersionPgRestore());
    INFO(everything(bad));
    CHECK(bad.status == Status::fail);
    CHECK_THAT(everything(bad), Catch::Contains("pg_restore " + std::to_string(old_major) + ".") &&
                                    Catch::Contains("cannot read this dump: unsupported version (1.16) in file header") &&
                                    Catch::Contains("older than the target major 18") &&
                                    Catch::Contains("Restore with pg_restore 18"));
  }

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

TEST_CASE("version.pg-restore: pg_dump 16 writes archive 1.15, which pg_restore 18 reads", "[server][version.pg-restore]") {
  const auto& pg16 = real_server(16);
  const auto& pg18 = real_server(18);
  testing::TempDir dir("pgrestore16");
  testing::ScratchDatabase source(pg16, "pgv_restore16_src");
  source.exec("CREATE TABLE t (id int PRIMARY KEY, note text); INSERT INTO t VALUES (1, 'a');");
  const auto dump = dir.path() / "pg_dump16.dump";
  testing::run_ok({pg16.tool("pg_dump"), "-Fc", "-f", dump.string(), "-d", source.dsn()});

  const dump::ArchiveHeader header = dump::read_archive_header(dump);
  CHECK(header.version == dump::ArchiveVersion{1, 15, 0});
  CHECK(header.version == dump::archive_version_written_by_pg_dump(16));
  CHECK(header.pg_dump_major() == 16);
  CHECK(header.server_major() == 16);
  CHECK(header.compression == dump::Compression::gzip);
  CHECK_FALSE(header.compression_level);  // from 1.15 the header records the algorithm alone

  testing::run_ok({pg18.tool("pg_restore"), "-l", dump.string()});
  RealContext c;
  c.tenant.target_dsn = pg18.dsn;
  c.dump_path = dump;
  c.tenant.clients.pg_restore = pg18.tool("pg_restore");
  auto good = c.run(checks::VersionPgRestore());
  INFO(everything(good));
  CHECK(good.status == Status::pass);
  CHECK_THAT(good.summary, Catch::Contains("archive version 1.15 (pg_dump 16."));
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
