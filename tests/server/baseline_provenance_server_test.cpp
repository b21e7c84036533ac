// The baseline says which pre wrote it and which dump that pre checked, and
// post says which baseline it used and whether that pre passed.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "exec/process.hpp"
#include "support/corpus.hpp"
#include "support/runbook.hpp"
#include "support/servers.hpp"

using namespace pgverify;
using testing::PgverifyRun;
using testing::Runbook;

namespace {

std::string sha256_of(const std::filesystem::path& path) {
  const auto result = testing::run_ok({"sha256sum", path.string()});
  return result.out.substr(0, 64);
}

}  // namespace

TEST_CASE("pre records its result and the dump's SHA-256; post names the baseline and passes it", "[server][baseline]") {
  Runbook runbook(17, "prov_ok", "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 500) g;");
  const auto dump = runbook.dump();
  testing::pre_restore(runbook);
  const nlohmann::ordered_json manifest = json::parse(testing::read_file(runbook.manifest()));
  REQUIRE(manifest.contains("pre"));
  CHECK(manifest.at("pre").at("status") == "pass");
  REQUIRE(manifest.contains("dump"));
  CHECK(manifest.at("dump").at("sha256") == sha256_of(dump));
  CHECK(manifest.at("dump").at("size") == std::filesystem::file_size(dump));
  CHECK(manifest.at("dump").at("path") == std::filesystem::absolute(dump).lexically_normal().string());

  const PgverifyRun post = runbook.post();
  INFO(post.transcript());
  CHECK(post.process.exit_code == 0);
  CHECK(post.status_of("baseline.pre-result") == "pass");
  REQUIRE(post.report);
  CHECK(post.report->at("baseline") == runbook.manifest().string());
}

TEST_CASE("a baseline of a pre whose dump was cut warns in post, and fails it with --strict", "[server][baseline]") {
  Runbook runbook(17, "prov_cut", "CREATE TABLE t (id int, v text); INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series(1, 2000) g;");
  const auto dump = runbook.dump();
  testing::pre_restore(runbook);  // the restore from the whole dump
  // pre again, on a cut copy: its checks fail, its baseline says so.
  const auto cut = runbook.dir() / "cut.dump";
  std::filesystem::copy_file(dump, cut);
  std::filesystem::resize_file(cut, std::filesystem::file_size(dump) / 2);
  const auto out = runbook.dir() / "out-binary";
  const auto config = runbook.config("binary", runbook.target().dsn());
  const PgverifyRun pre = testing::run_pgverify_with_report(
      {"--config", config.string(), "pre", "--tenant", "rv", "--dump", cut.string(), "--out", out.string()},
      out / "pre-cut.json");
  INFO(pre.transcript());
  CHECK(pre.process.exit_code == 1);
  CHECK_THAT(pre.process.out, Catch::Contains("baseline: " + (out / "manifest.json").string() + " (written by this run)"));

  const PgverifyRun post = runbook.post();
  INFO(post.transcript());
  CHECK(post.process.exit_code == 0);
  CHECK(post.status_of("baseline.pre-result") == "warn");
  CHECK_THAT(testing::findings_of(post, "baseline.pre-result"), Catch::Contains("dump.readable"));
  const PgverifyRun strict = runbook.post("binary", {"--strict"});
  CHECK(strict.process.exit_code == 1);
  CHECK(strict.status_of("baseline.pre-result") == "fail");
}

TEST_CASE("the hint of a table whose content differs holds hash commands that work when pasted", "[server][baseline]") {
  Runbook runbook(17, "prov_hint", "CREATE TABLE \"Odd Name\" (id int PRIMARY KEY, v text); INSERT INTO \"Odd Name\" SELECT g, 'v' || g FROM generate_series(1, 50) g;");
  testing::pre_restore(runbook);
  runbook.target().exec("UPDATE \"Odd Name\" SET v = 'changed' WHERE id = 7");
  const PgverifyRun post = runbook.post();
  INFO(post.transcript());
  REQUIRE(post.status_of("data.table-hashes") == "fail");
  std::string hint;
  for (const auto& f : post.findings())
    if (f.check == "data.table-hashes") hint = f.hint;
  std::vector<std::string> commands;
  for (std::size_t open = hint.find('`'); open != std::string::npos; open = hint.find('`', open + 1)) {
    const std::size_t close = hint.find('`', open + 1);
    REQUIRE(close != std::string::npos);
    commands.push_back(hint.substr(open + 1, close - open - 1));
    open = close;
  }
  REQUIRE(commands.size() == 2);
  std::vector<std::string> outputs;
  for (const auto& command : commands) {
    INFO(command);
    CHECK_THAT(command, Catch::StartsWith("pgverify --config ") && Catch::Contains(" hash --tenant rv --side "));
    const std::string binary_dir = std::filesystem::path(PGVERIFY_BINARY).parent_path().string();
    const auto run = exec::run_process({"sh", "-c", "PATH='" + binary_dir + "':\"$PATH\" " + command});
    INFO(run.err);
    CHECK(run.exit_code == 0);
    CHECK_THAT(run.out, Catch::Contains("public.\"Odd Name\""));
    outputs.push_back(run.out);
  }
  CHECK(outputs[0] != outputs[1]);  // the source's hash and the changed target's
}
