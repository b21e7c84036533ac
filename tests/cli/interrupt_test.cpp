// SIGTERM and SIGINT to the real pgverify while it runs a program: the
// program's whole group is stopped, no file is left half-written or replaced,
// and pgverify ends by that signal (a shell shows 143 or 130).

#include <catch2/catch.hpp>

#include <csignal>
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "exec/process.hpp"
#include "support/processes.hpp"
#include "support/servers.hpp"

using namespace pgverify;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("an interrupted pgverify stops the program it runs, leaves its files as they were and ends by the signal",
          "[cli][exec]") {
  const int signal = GENERATE(SIGTERM, SIGINT);
  INFO("signal " << signal);
  testing::TempDir dir("interrupt");
  const fs::path state = dir.path() / "state";
  fs::create_directories(state);
  // A psql that records its group (it leads it), its parent (pgverify) and a
  // child of its own, then waits for that child: version.psql waits on it.
  const fs::path fake = dir.path() / "fake-psql";
  write(fake, "#!/bin/sh\n"
              "echo $$ > '" + (state / "group").string() + "'\n"
              "echo $PPID > '" + (state / "pgverify").string() + "'\n"
              "sleep 60 &\n"
              "echo $! > '" + (state / "child").string() + "'\n"
              "touch '" + (state / "ready").string() + "'\n"
              "wait\n");
  fs::permissions(fake, fs::perms::owner_all);
  const fs::path config = dir.path() / "p.toml";
  // version.psql needs no server with target_major set.
  write(config, "[tenants.demo]\ntarget_major = 18\n[tenants.demo.clients]\npsql = \"" + fake.string() + "\"\n");
  const fs::path out = dir.path() / "out";
  fs::create_directories(out);
  write(out / "report.json", "the previous report\n");
  write(out / "manifest.json", "the previous baseline\n");

  exec::ProcessResult result;
  std::thread run([&] {
    result = exec::run_process({PGVERIFY_BINARY, "--config", config.string(), "pre", "--only", "version.psql", "--out",
                                out.string(), "--report", "json:" + (out / "report.json").string()},
                               60s);
  });
  for (int i = 0; i < 3000 && !fs::exists(state / "ready"); ++i) std::this_thread::sleep_for(10ms);
  const bool ready = fs::exists(state / "ready");
  const pid_t pgverify = ready ? testing::pid_in(state / "pgverify") : 0;
  const auto sent = std::chrono::steady_clock::now();
  if (ready) ::kill(pgverify, signal);
  run.join();
  REQUIRE(ready);
  INFO("stdout: " << result.out << "\nstderr: " << result.err);

  CHECK(std::chrono::steady_clock::now() - sent < 15s);
  CHECK(result.end == exec::ProcessEnd::killed);
  CHECK(result.signal == signal);
  CHECK_THAT(result.err, Catch::Contains(std::string("pgverify: interrupted by ") +
                                         (signal == SIGTERM ? "SIGTERM" : "SIGINT") + ": 1 program stopped"));
  CHECK(result.out.empty());  // no report of a run that did not finish

  CHECK(testing::group_gone(testing::pid_in(state / "group")));
  CHECK(testing::process_gone(testing::pid_in(state / "child")));

  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(out)) names.insert(entry.path().filename().string());
  CHECK(names == std::set<std::string>{"manifest.json", "report.json"});
  CHECK(testing::read_file(out / "report.json") == "the previous report\n");
  CHECK(testing::read_file(out / "manifest.json") == "the previous baseline\n");
}
