// `pgverify upgrade` and `explain step.*` on the command line, without servers:
// what a user can get wrong ends in one line and exit 2, before anything runs.

#include <fstream>

#include "support/servers.hpp"
#include "upgrade/journal.hpp"
#include "upgrade/steps.hpp"

namespace fs = std::filesystem;
using namespace pgverify;

namespace {

// A tenant with a local platform whose servers are nowhere: nothing may reach them.
fs::path write_config(const fs::path& dir, const std::string& platform = "") {
  const fs::path config = dir / "pgverify.toml";
  std::ofstream(config) << "[tenants.t]\nsource_dsn = \"host=127.0.0.1 port=1 dbname=qrydb\"\n"
                           "target_dsn = \"host=127.0.0.1 port=1 dbname=qrydb\"\ntarget_major = 18\n"
                        << (platform.empty() ? "[tenants.t.platform]\nkind = \"local\"\n[tenants.t.platform.local]\n"
                                               "data_dir = \"/nonexistent/data\"\nport = 1\n"
                                               "source_bindir = \"/nonexistent/16\"\ntarget_bindir = \"/nonexistent/18\"\n"
                                             : platform);
  return config;
}

void expect_one_line_error(const exec::ProcessResult& result, int code, const std::string& part) {
  INFO("stderr: " << result.err << "\nstdout: " << result.out);
  CHECK(result.exit_code == code);
  CHECK(result.err.find(part) != std::string::npos);
  CHECK(result.err.find("pgverify: error: ") == 0);
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
}

}  // namespace

TEST_CASE("explain step.ID explains every step of the plan", "[cli][upgrade]") {
  for (const auto& step : upgrade::standard_steps()) {
    auto result = testing::run_pgverify({"explain", std::string(step.id)});
    INFO(step.id);
    CHECK(result.exit_code == 0);
    CHECK(result.out.find(std::string(step.operation)) != std::string::npos);
    CHECK(result.out.find("On --resume") != std::string::npos);
    CHECK((result.out.find("destructive") != std::string::npos) == step.destructive);
  }
  expect_one_line_error(testing::run_pgverify({"explain", "step.nope"}), 2, "unknown check id 'step.nope'");
}

TEST_CASE("upgrade: the mistakes a user can make end in one line and exit 2", "[cli][upgrade]") {
  testing::TempDir dir("upgrade-cli");
  const fs::path config = write_config(dir.path());
  const std::string out = (dir.path() / "out").string();
  const auto upgrade = [&](std::vector<std::string> args, const fs::path& file) {
    std::vector<std::string> argv{"--config", file.string(), "upgrade", "--tenant", "t", "--out", out};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::run_pgverify(argv);
  };
  expect_one_line_error(upgrade({}, config), 2, "--gated is required");
  expect_one_line_error(upgrade({"--gated", "--dry-run", "--resume"}, config), 2, "cannot be combined");
  expect_one_line_error(upgrade({"--gated", "--resume"}, config), 2, "nothing to resume: no journal");
  expect_one_line_error(upgrade({"--status"}, config), 2, "no upgrade of 't' has begun");
  expect_one_line_error(upgrade({"--gated", "--report", "json:" + config.string()}, config), 2,
                        "the configuration file");

  testing::TempDir other("upgrade-cli-noplatform");
  const fs::path no_platform = other.path() / "pgverify.toml";
  std::ofstream(no_platform) << "[tenants.t]\nsource_dsn = \"host=127.0.0.1 port=1 dbname=qrydb\"\ntarget_major = 18\n";
  expect_one_line_error(upgrade({"--gated", "--yes"}, no_platform), 2, "has no [tenants.t.platform]");
  std::ofstream(no_platform) << "[tenants.t.platform]\nkind = \"cloudsql\"\n";
  expect_one_line_error(upgrade({"--gated"}, no_platform), 2, "not available in this version");

  SECTION("a journal that was tampered with is refused, naming the line") {
    fs::create_directories(out);
    {
      auto journal = upgrade::Journal::open(fs::path(out) / "upgrade-journal.jsonl");
      journal.append(upgrade::kPlanStep, "plan", {{"run_id", "r1"}});
      journal.append("step.preflight", "intent", nlohmann::ordered_json::object());
    }
    std::string text = testing::read_file(fs::path(out) / "upgrade-journal.jsonl");
    // An edited earlier line: the next line's prev no longer matches.
    text.replace(text.find("\"r1\""), 4, "\"r2\"");
    std::ofstream(fs::path(out) / "upgrade-journal.jsonl") << text;
    expect_one_line_error(upgrade({"--gated", "--resume"}, config), 2, "line 2");
    expect_one_line_error(upgrade({"--status"}, config), 2, "chain is broken");
  }
  SECTION("a journal of another plan is not resumed") {
    fs::create_directories(out);
    {
      auto journal = upgrade::Journal::open(fs::path(out) / "upgrade-journal.jsonl");
      journal.append(upgrade::kPlanStep, "plan", {{"tenant", "t"}, {"run_id", "r1"}, {"config_sha256", "0"}});
    }
    expect_one_line_error(upgrade({"--gated", "--resume"}, config), 2, "written for another plan");
    expect_one_line_error(upgrade({"--gated", "--yes"}, config), 2, "is unfinished");
  }
}
