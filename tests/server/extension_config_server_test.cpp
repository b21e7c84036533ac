// An extension's configuration tables (pg_extension_config_dump, as PostGIS's
// spatial_ref_sys) are the one kind of extension member whose rows pg_dump
// dumps, and only those its condition selects: the source is hashed the same
// way, so dump.matches-source compares them instead of calling them extra.

#include <catch2/catch.hpp>

#include "checks/common.hpp"
#include "checks/dump_matches_source.hpp"
#include "support/servers.hpp"

using namespace pgverify;
using testing::real_server;

TEST_CASE("an extension configuration table is compared as pg_dump dumps it", "[server][dump-checks]") {
  const auto& pg17 = real_server(17);
  testing::ScratchDatabase source(pg17, "pgv_extcfg_src");
  testing::TempDir dir("extcfg");
  // pg_extension_config_dump() may only be called from an extension's script;
  // marking the table in pg_extension is what it does.
  source.exec(R"SQL(
CREATE EXTENSION hstore;
CREATE TABLE ext_settings (id int PRIMARY KEY, v text);
INSERT INTO ext_settings SELECT g, 'v' || g FROM generate_series(1, 200) g;
ALTER EXTENSION hstore ADD TABLE ext_settings;
UPDATE pg_extension SET extconfig = ARRAY['ext_settings'::regclass::oid], extcondition = ARRAY['WHERE id > 150']
 WHERE extname = 'hstore';
CREATE TABLE plain (id int);
INSERT INTO plain VALUES (1);
)SQL");
  const auto dump = dir.path() / "extcfg.dump";
  testing::run_ok({pg17.tool("pg_dump"), "-Fc", "-f", dump.string(), "-d", source.dsn()});

  TenantConfig tenant;
  tenant.name = "demo";
  tenant.source_dsn = source.dsn();
  pg::LibpqConnector connector;
  exec::SystemToolRunner tools;
  Context context{Phase::pre, tenant, connector, tools, dump, nullptr};
  const CheckResult result = checks::DumpMatchesSource().run(context);
  std::string findings;
  for (const auto& f : result.findings) findings += f.object + ": " + f.message + "\n";
  INFO(result.summary << "\n" << findings);
  CHECK(result.status == Status::pass);
  CHECK(result.findings.empty());
  const auto* settings = checks::find_relation(context.evidence.source_text_hash(), "public.ext_settings");
  REQUIRE(settings);
  CHECK(settings->relation.extension_config);
  CHECK(settings->digest.rows == 50);  // the rows pg_dump dumps: id > 150
}
