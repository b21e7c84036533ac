// pgverify pre and post as a user runs them, against real servers: a PG17
// source dumped with pg_dump 17 and restored into PG18 with pg_restore 18.

#include <catch2/catch.hpp>

#include <sstream>

#include "checks/registry.hpp"
#include "core/json.hpp"
#include "core/runner.hpp"
#include "support/servers.hpp"

using namespace pgverify;

TEST_CASE("pre and post on a real PG17 -> PG18 upgrade write every report and gate correctly", "[server][cli]") {
  const auto& pg15 = testing::real_server(15);
  const auto& pg17 = testing::real_server(17);
  const auto& pg18 = testing::real_server(18);
  testing::TempDir dir("cli-upgrade");
  testing::ScratchDatabase source(pg17, "pgv_cli_src");
  testing::ScratchDatabase target(pg18, "pgv_cli_dst");
  source.exec(
      "CREATE EXTENSION vector;"
      "CREATE TABLE messages (id bigserial PRIMARY KEY, body text, embedding vector(3));"
      "INSERT INTO messages (body, embedding) SELECT 'm' || g, ARRAY[g, g, g]::real[]::vector FROM generate_series(1, 100) g;");
  const auto dump = dir.path() / "src.dump";
  testing::run_ok({pg17.tool("pg_dump"), "-Fc", "-f", dump.string(), "-d", source.dsn()});

  const auto config = dir.path() / "pgverify.toml";
  auto write_config = [&](const std::string& pg_dump, const std::string& pg_restore) {
    testing::write_tenant_config(config, "demo", source.dsn(), target.dsn(), {pg_dump, pg_restore, pg18.tool("psql")},
                                 "dump_path = \"" + dump.string() + "\"\n");
  };
  const auto out = dir.path() / "out";
  auto reports = [&](const std::string& phase) {
    return std::vector<std::string>{"--report", "json:" + (out / (phase + ".json")).string(),
                                    "--report", "junit:" + (out / (phase + ".xml")).string(),
                                    "--report", "markdown:" + (out / (phase + ".md")).string(),
                                    "--report", "console"};
  };

  SECTION("the wrong clients fail pre with exit 1, naming what to use") {
    write_config(pg15.tool("pg_dump"), pg15.tool("pg_restore"));
    auto args = std::vector<std::string>{"--config", config.string(), "pre", "--tenant", "demo", "--out", out.string()};
    for (auto& a : reports("pre")) args.push_back(a);
    auto pre = testing::run_pgverify(args);
    INFO(pre.out << pre.err);
    CHECK(pre.exit_code == 1);
    CHECK_THAT(pre.out, Catch::Contains("FAIL   version.pg-dump") && Catch::Contains("FAIL   version.pg-restore"));
    json::Value report = json::parse(testing::read_file(out / "pre.json"));
    CHECK(report.find("status")->as_string() == "fail");
    CHECK_THAT(testing::read_file(out / "pre.xml"), Catch::Contains("<failure"));
    // The baseline is recorded even when checks fail.
    CHECK(std::filesystem::exists(out / "manifest.json"));
  }

  SECTION("the right clients pass pre, the restore passes post") {
    write_config(pg17.tool("pg_dump"), pg18.tool("pg_restore"));
    auto args = std::vector<std::string>{"--config", config.string(), "pre", "--tenant", "demo", "--out", out.string()};
    for (auto& a : reports("pre")) args.push_back(a);
    auto pre = testing::run_pgverify(args);
    INFO(pre.out << pre.err);
    REQUIRE(pre.exit_code == 0);
    for (const char* file : {"pre.json", "pre.xml", "pre.md", "manifest.json"})
      CHECK(std::filesystem::file_size(out / file) > 0);
    json::Value report = json::parse(testing::read_file(out / "pre.json"));
    CHECK(report.find("phase")->as_string() == "pre");
    // Every pre check ran (app.health and the like are post only).
    CHECK(report.find("checks")->as_array().size() == select_checks(all_checks(), Phase::pre, {}, {}).size());

    // post before the restore: vector is not there yet.
    auto post_args = std::vector<std::string>{"--config", config.string(), "post", "--tenant", "demo", "--out", out.string()};
    for (auto& a : reports("post")) post_args.push_back(a);
    auto early = testing::run_pgverify(post_args);
    INFO(early.out << early.err);
    CHECK(early.exit_code == 1);
    CHECK_THAT(early.out, Catch::Contains("FAIL   ext.vector"));

    target.exec("CREATE EXTENSION vector");
    testing::run_ok({pg18.tool("pg_restore"), "--exit-on-error", "-d", target.dsn(), dump.string()});
    auto post = testing::run_pgverify(post_args);
    INFO(post.out << post.err);
    CHECK(post.exit_code == 0);
    json::Value post_report = json::parse(testing::read_file(out / "post.json"));
    CHECK(post_report.find("status")->as_string() == "pass");
    CHECK_THAT(testing::read_file(out / "post.md"), Catch::Contains("ext.vector"));
  }
}
