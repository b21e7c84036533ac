// run_phase as the executor's gates will call it: no CLI, a tenant in hand.
#include <catch2/catch.hpp>

#include <filesystem>

#include "core/runner.hpp"
#include "evidence/manifest.hpp"
#include "phases/run_phase.hpp"
#include "support/runbook.hpp"
#include "support/servers.hpp"

using namespace pgverify;
using namespace pgverify::testing;

namespace {

const CheckResult* result_of(const RunReport& report, const std::string& id) {
  for (const auto& check : report.checks)
    if (check.id == id) return &check;
  return nullptr;
}

}  // namespace

TEST_CASE("run_phase runs pre and post of a tenant without the command line", "[server][phases]") {
  const RealServer& source_server = real_server(17);
  const RealServer& target_server = real_server(18);
  TestDatabase source(source_server, "phase_src");
  source.exec("CREATE TABLE t (id int PRIMARY KEY, body text); INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 500) g;"
              "CREATE SEQUENCE s; SELECT setval('s', 41);");
  TestDatabase target(target_server, "phase_dst");
  TempDir dir("run-phase");
  const auto dump = dir.path() / "db.dump";
  run_ok({source_server.tool("pg_dump"), "-Fc", "-f", dump.string(), "-d", source.dsn()});
  run_ok({target_server.tool("pg_restore"), "-d", target.dsn(), dump.string()});

  TenantConfig tenant;
  tenant.name = "phase";
  tenant.source_dsn = source.dsn();
  tenant.target_dsn = target.dsn();
  std::size_t stages = 0;
  PhaseOptions options;
  options.dump = dump;
  options.baseline = dir.path() / "manifest.json";
  options.only = {"dump.readable,dump.matches-source"};
  options.progress.stage_done = [&] { ++stages; };

  const RunReport pre = run_phase(tenant, Phase::pre, options);
  CHECK(pre.phase == Phase::pre);
  CHECK(pre.tenant == "phase");
  REQUIRE(pre.checks.size() == 2);
  CHECK(result_of(pre, "dump.readable")->status == Status::pass);
  CHECK(result_of(pre, "dump.matches-source")->status == Status::pass);
  CHECK(pre.overall() == Status::pass);
  CHECK(pre.baseline_path == options.baseline.string());
  CHECK(stages == 3);  // checks, baseline, the dump's identity
  const Manifest manifest = read_manifest(options.baseline, "phase");
  REQUIRE(manifest.pre);
  CHECK(manifest.pre->status == "pass");
  REQUIRE(manifest.dump);
  CHECK(manifest.dump->size == std::filesystem::file_size(dump));
  REQUIRE(manifest.table("public.t"));
  CHECK(manifest.table("public.t")->rows == 500);

  PhaseOptions post_options;
  post_options.baseline = options.baseline;
  post_options.only = {"data.row-counts", "data.table-hashes", "data.sequences"};
  const RunReport post = run_phase(tenant, Phase::post, post_options);
  REQUIRE(post.checks.size() == 3);
  for (const auto& check : post.checks) CHECK(check.status == Status::pass);
  CHECK(post.baseline_path == options.baseline.string());

  // A row lost on the way is the library's verdict too, not only the CLI's.
  target.exec("DELETE FROM t WHERE id = 7");
  const RunReport lost = run_phase(tenant, Phase::post, post_options);
  CHECK(result_of(lost, "data.row-counts")->status == Status::fail);
  CHECK(lost.overall() == Status::fail);
  CHECK(to_int(exit_code_for(lost.checks)) == 1);
}

TEST_CASE("run_phase refuses inputs it cannot use before any check runs", "[server][phases]") {
  TempDir dir("run-phase-inputs");
  TenantConfig tenant;
  tenant.name = "phase";
  tenant.source_dsn = real_server(17).dsn;
  tenant.target_dsn = real_server(18).dsn;

  PhaseOptions pre;
  pre.dump = dir.path() / "missing.dump";
  pre.baseline = dir.path() / "manifest.json";
  CHECK_THROWS_AS(run_phase(tenant, Phase::pre, pre), PhaseInputError);
  CHECK_FALSE(std::filesystem::exists(pre.baseline));

  PhaseOptions post;
  post.baseline = dir.path() / "no-such-manifest.json";
  post.only = {"data.row-counts"};
  CHECK_THROWS_AS(run_phase(tenant, Phase::post, post), PhaseInputError);

  PhaseOptions wrong;
  wrong.baseline = dir.path() / "manifest.json";
  wrong.only = {"no.such-check"};
  CHECK_THROWS_AS(run_phase(tenant, Phase::pre, wrong), SelectionError);
}
