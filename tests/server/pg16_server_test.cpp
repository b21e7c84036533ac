// The runbook's reference run, PG16 -> PG18 with pgvector, as a user runs it
// through the pgverify binary: pg_dump 16 of a real PostgreSQL 16 (scripts/pg-env
// builds it from the vendored source), pre, CREATE EXTENSION vector and
// pg_restore 18 into a fresh PG18 database, post.

#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "checks/registry.hpp"
#include "json/json.hpp"
#include "core/runner.hpp"
#include "support/servers.hpp"

using namespace pgverify;

namespace {

// The runbook's tenant in small: pgvector embeddings of messages, a serial id
// whose sequence must survive, an HNSW index, a row not embedded yet.
constexpr const char* kTenantSchema = R"SQL(
CREATE EXTENSION vector;
CREATE TABLE messages (id serial PRIMARY KEY, body text NOT NULL, embedding vector(3));
CREATE INDEX messages_embedding ON messages USING hnsw (embedding vector_l2_ops);
INSERT INTO messages (body, embedding)
  SELECT 'message ' || g, ARRAY[g, -g, g * 0.5]::real[]::vector FROM generate_series(1, 500) g;
INSERT INTO messages (body) VALUES ('not embedded yet');
)SQL";

// Each check's status in a phase's JSON report.
std::map<std::string, std::string> statuses_in(const std::filesystem::path& json_report) {
  std::map<std::string, std::string> statuses;
  const json::Value report = json::parse(testing::read_file(json_report));
  for (const auto& check : report.find("checks")->as_array())
    statuses[check.find("id")->as_string()] = check.find("status")->as_string();
  return statuses;
}

// The console lines of checks that failed or could not run.
std::string failed_lines(const std::string& console) {
  std::istringstream lines(console);
  std::string failed;
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("FAIL ", 0) == 0 || line.rfind("ERROR ", 0) == 0) failed += line + "\n";
  return failed;
}

}  // namespace

TEST_CASE("the runbook's reference run, PG16 -> PG18 with pgvector, passes pre and post", "[server][cli][pg16]") {
  const auto& pg16 = testing::real_server(16);
  const auto& pg18 = testing::real_server(18);
  testing::TempDir dir("reference-run");
  testing::ScratchDatabase source(pg16, "pgv_ref_src");
  testing::ScratchDatabase target(pg18, "pgv_ref_dst");
  source.exec(kTenantSchema);
  const auto dump = dir.path() / "qrydb.dump";
  testing::run_ok({pg16.tool("pg_dump"), "-Fc", "-f", dump.string(), "-d", source.dsn()});

  const auto config = dir.path() / "pgverify.toml";
  testing::write_tenant_config(config, "ref", source.dsn(), target.dsn(),
                               {pg16.tool("pg_dump"), pg18.tool("pg_restore"), pg18.tool("psql")});
  const auto out = dir.path() / "out";
  auto run = [&](const std::string& phase, const std::vector<std::string>& extra) {
    std::vector<std::string> args{"--config", config.string(), phase, "--tenant", "ref", "--out", out.string(),
                                  "--report", "console", "--report", "json:" + (out / (phase + ".json")).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::run_pgverify(args);
  };
  // Checks that do not apply here (no secret, health URL or requirements configured) skip;
  // every other one must pass, and these above all.
  auto require_passed = [&](const exec::ProcessResult& result, const std::string& phase,
                            const std::vector<std::string>& must_pass) {
    INFO(result.out << result.err);
    CHECK(result.exit_code == 0);
    CHECK(failed_lines(result.out).empty());
    auto statuses = statuses_in(out / (phase + ".json"));
    CHECK(statuses.size() == select_checks(all_checks(), phase == "pre" ? Phase::pre : Phase::post, {}, {}).size());
    for (const auto& [id, status] : statuses) {
      INFO(phase << " " << id << ": " << status);
      CHECK((status == "pass" || status == "warn" || status == "skip"));
    }
    for (const auto& id : must_pass) {
      INFO(phase << " " << id);
      CHECK(statuses[id] == "pass");
    }
  };

  auto pre = run("pre", {"--dump", dump.string()});
  require_passed(pre, "pre",
                 {"version.pg-dump", "version.pg-restore", "version.psql", "dump.readable", "dump.matches-source",
                  "ext.vector"});
  CHECK_THAT(testing::read_file(out / "pre.json"), Catch::Contains("archive version 1.15 (pg_dump 16."));
  REQUIRE(pre.exit_code == 0);

  // The runbook's steps 6 and 7 on the fresh PG18 database.
  target.exec("CREATE EXTENSION IF NOT EXISTS vector");
  testing::run_ok({pg18.tool("pg_restore"), "--exit-on-error", "-d", target.dsn(), dump.string()});

  auto post = run("post", {});
  require_passed(post, "post",
                 {"data.row-counts", "data.table-hashes", "data.sequences", "schema.objects", "ext.vector"});
}
