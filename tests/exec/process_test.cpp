// The process runner with real programs (sh, sleep, head, cat): how a run
// ends, that nothing of a program's group outlives its run, bounded capture
// and streaming, environment, working directory and stdin. Bounds on time are
// generous: they catch a hang, never measure speed.

#include <catch2/catch.hpp>

#include <csignal>
#include <chrono>
#include <fstream>
#include <optional>
#include <thread>

#include "exec/process.hpp"
#include "support/processes.hpp"
#include "support/scoped_env.hpp"
#include "support/servers.hpp"

using namespace pgverify;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
using testing::group_gone;
using testing::pid_in;
using testing::process_gone;

// The first line a program printed, as a pid.
pid_t first_line_pid(const std::string& out) {
  REQUIRE_FALSE(out.empty());
  return static_cast<pid_t>(std::stol(out.substr(0, out.find('\n'))));
}

// Peak resident set size so far (VmHWM), in bytes; the peak is reset first
// when `reset` (clear_refs 5), so that what follows is measured alone.
std::optional<std::uint64_t> peak_rss(bool reset) {
  if (reset && !std::ofstream("/proc/self/clear_refs").write("5", 1)) return std::nullopt;
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  return std::nullopt;
}

class CountingSink final : public exec::OutputSink {
 public:
  void write(std::string_view chunk) override {
    bytes += chunk.size();
    ++chunks;
    for (char c : chunk) nonzero += c != 0;
  }
  std::uint64_t bytes = 0, chunks = 0, nonzero = 0;
};

}  // namespace

TEST_CASE("run_process captures output and exit status", "[exec]") {
  auto result = exec::run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
  CHECK(result.end == exec::ProcessEnd::exited);
  CHECK(result.exit_code == 3);
  CHECK(result.signal == 0);
  CHECK(result.out == "out\n");
  CHECK(result.err == "err\n");
  CHECK_FALSE(result.timed_out);
  CHECK_FALSE(result.truncated);
  CHECK(exec::describe_end(result) == "exited with status 3");
}

TEST_CASE("run_process reports a missing program and kills one that hangs", "[exec]") {
  CHECK_THROWS_WITH(exec::run_process({"/nonexistent/pg_dump", "--version"}),
                    "/nonexistent/pg_dump: not found");
  CHECK_THROWS_WITH(exec::run_process({"no-such-program-pgverify"}), "no-such-program-pgverify: not found");
  CHECK_THROWS_AS(exec::run_process({"no-such-program-pgverify"}), exec::ProcessError);
  auto result = exec::run_process({"sleep", "10"}, std::chrono::milliseconds(200));
  CHECK(result.timed_out);
  CHECK(result.end == exec::ProcessEnd::timed_out);
  CHECK(result.exit_code == -1);
  CHECK(result.signal == SIGTERM);
}

TEST_CASE("run_process bounds what it keeps of a chatty program", "[exec]") {
  auto result = exec::run_process({"sh", "-c", "head -c 5000000 /dev/zero"});
  CHECK(result.exit_code == 0);
  CHECK(result.out.size() == (1u << 20));
}

TEST_CASE("a timeout stops the program's whole group: what it started in the background is gone too", "[exec]") {
  testing::TempDir dir("exec-orphans");
  const fs::path orphan_file = dir.path() / "orphan.pid";
  const auto started = Clock::now();
  // The leader prints its pid, which is its group's id.
  auto result = exec::run_process(
      {"sh", "-c", "echo $$; sleep 30 & echo $! > '" + orphan_file.string() + "'; sleep 30"}, 1s);
  const auto took = Clock::now() - started;
  CHECK(took < 10s);
  CHECK(result.end == exec::ProcessEnd::timed_out);
  CHECK(result.timed_out);
  CHECK(result.signal == SIGTERM);
  CHECK(result.exit_code == -1);
  const pid_t group = first_line_pid(result.out);
  CHECK(group_gone(group));
  CHECK(process_gone(pid_in(orphan_file)));
}

TEST_CASE("a program that exits leaving a child that holds its output: the run ends anyway, the child is killed",
          "[exec]") {
  testing::TempDir dir("exec-leftover");
  const fs::path orphan_file = dir.path() / "orphan.pid";
  const auto started = Clock::now();
  auto result = exec::run_process(
      {"sh", "-c", "echo $$; sleep 30 & echo $! > '" + orphan_file.string() + "'; echo started"}, 2s);
  CHECK(Clock::now() - started < 10s);
  CHECK(result.end == exec::ProcessEnd::exited);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::EndsWith("started\n"));
  CHECK(group_gone(first_line_pid(result.out)));
  CHECK(process_gone(pid_in(orphan_file)));
}

TEST_CASE("a program that ignores SIGTERM gets SIGKILL after the grace period", "[exec]") {
  exec::ProcessRequest request;
  request.argv = {"sh", "-c", "trap '' TERM; echo $$; sleep 30; echo survived"};
  request.timeout = 300ms;
  request.grace = 700ms;
  const auto started = Clock::now();
  auto result = exec::run_process(request);
  CHECK(Clock::now() - started < 10s);
  CHECK(result.end == exec::ProcessEnd::timed_out);
  CHECK(result.signal == SIGKILL);
  CHECK(result.out.find("survived") == std::string::npos);
  CHECK(group_gone(first_line_pid(result.out)));
}

TEST_CASE("a program killed by a signal says which", "[exec]") {
  // No core file: the signal is what is tested.
  auto result = exec::run_process({"sh", "-c", "ulimit -c 0; kill -SEGV $$"});
  CHECK(result.end == exec::ProcessEnd::killed);
  CHECK(result.signal == SIGSEGV);
  CHECK(result.exit_code == -1);
  CHECK_FALSE(result.timed_out);
  CHECK(exec::describe_end(result) == "was killed by signal " + std::to_string(SIGSEGV) + " (SIGSEGV)");
}

TEST_CASE("output past the capture limit is read, counted and flagged", "[exec]") {
  exec::ProcessRequest request;
  request.argv = {"sh", "-c", "head -c 2097152 /dev/zero; printf 'e%.0s' $(seq 10) >&2"};
  request.out = exec::Output::captured(1u << 20);
  request.err = exec::Output::captured(4);
  auto result = exec::run_process(request);
  CHECK(result.exit_code == 0);
  CHECK(result.truncated);
  CHECK(result.out.size() == (1u << 20));
  CHECK(result.out_dropped == (1u << 20));
  CHECK(result.err == "eeee");
  CHECK(result.err_dropped == 6);

  request.argv = {"sh", "-c", "printf small"};
  result = exec::run_process(request);
  CHECK_FALSE(result.truncated);
  CHECK(result.out_dropped == 0);
}

TEST_CASE("a streamed output reaches its sink whole, in constant memory", "[exec]") {
  constexpr std::uint64_t kBytes = 1'000'000'000;
  CountingSink out, err;
  exec::ProcessRequest request;
  request.argv = {"sh", "-c", "head -c " + std::to_string(kBytes) + " /dev/zero; echo done >&2"};
  request.out = exec::Output::streamed(out);
  request.err = exec::Output::streamed(err);
  request.timeout = 120s;
  const auto before = peak_rss(true);
  const auto result = exec::run_process(request);
  const auto after = peak_rss(false);
  CHECK(result.exit_code == 0);
  CHECK(out.bytes == kBytes);
  CHECK(out.nonzero == 0);
  CHECK(out.chunks > 1);
  CHECK(err.bytes == 5);
  CHECK(result.out.empty());
  CHECK_FALSE(result.truncated);
  if (before && after) {
    INFO("peak RSS before " << *before << ", during " << *after);
    CHECK(*after < *before + 32 * 1024 * 1024);
  } else {
    WARN("/proc/self/clear_refs or VmHWM unavailable: memory not measured");
  }
}

TEST_CASE("an output sink that throws stops the program and the exception reaches the caller", "[exec]") {
  class Failing final : public exec::OutputSink {
   public:
    void write(std::string_view chunk) override {
      seen += chunk;
      if (seen.find('\n') != std::string::npos) throw std::runtime_error("disk full");
    }
    std::string seen;
  } sink;
  exec::ProcessRequest request;
  request.argv = {"sh", "-c", "echo $$; exec yes"};
  request.out = exec::Output::streamed(sink);
  const auto started = Clock::now();
  CHECK_THROWS_WITH(exec::run_process(request), "disk full");
  CHECK(Clock::now() - started < 10s);
  CHECK(group_gone(first_line_pid(sink.seen)));
}

TEST_CASE("a stop requested through the request's stop_token cancels the run", "[exec]") {
  std::stop_source stop;
  exec::ProcessRequest request;
  request.argv = {"sh", "-c", "echo $$; sleep 30"};
  request.stop = stop.get_token();
  std::thread stopper([&] {
    std::this_thread::sleep_for(300ms);
    stop.request_stop();
  });
  const auto started = Clock::now();
  const auto result = exec::run_process(request);
  stopper.join();
  CHECK(Clock::now() - started < 10s);
  CHECK(result.end == exec::ProcessEnd::cancelled);
  CHECK_FALSE(result.timed_out);
  CHECK(result.signal == SIGTERM);
  CHECK(exec::describe_end(result) == "was cancelled");
  CHECK(group_gone(first_line_pid(result.out)));

  // Already stopped: the program is stopped as soon as it started.
  CHECK(exec::run_process(request).end == exec::ProcessEnd::cancelled);
}

TEST_CASE("environment changes, the working directory and stdin are honoured", "[exec]") {
  testing::TempDir dir("exec-env");
  testing::ScopedEnv inherited("PGVERIFY_TEST_INHERITED", std::string("old"));
  testing::ScopedEnv removed("PGVERIFY_TEST_REMOVED", std::string("here"));
  exec::ProcessRequest request;
  request.argv = {"sh", "-c",
                  "printf '%s|%s|%s|%s|' \"$PGVERIFY_TEST_ADDED\" \"$PGVERIFY_TEST_INHERITED\" "
                  "\"${PGVERIFY_TEST_REMOVED-unset}\" \"$(pwd)\"; env | grep -c '^PGVERIFY_TEST_INHERITED='"};
  request.set_env("PGVERIFY_TEST_ADDED", "a b=c").set_env("PGVERIFY_TEST_INHERITED", "new");
  request.unset_env("PGVERIFY_TEST_REMOVED");
  request.working_directory = dir.path();
  auto result = exec::run_process(request);
  CHECK(result.exit_code == 0);
  CHECK(result.out == "a b=c|new|unset|" + fs::canonical(dir.path()).string() + "|1\n");

  // Without changes the environment is pgverify's.
  result = exec::run_process({"sh", "-c", "printf %s \"$PGVERIFY_TEST_INHERITED\""});
  CHECK(result.out == "old");

  // stdin: /dev/null unless a file is given.
  CHECK(exec::run_process({"cat"}, 10s).out.empty());
  const fs::path input = dir.path() / "input.txt";
  std::ofstream(input) << "line one\nline two\n";
  exec::ProcessRequest reading;
  reading.argv = {"cat"};
  reading.stdin_file = input;
  CHECK(exec::run_process(reading).out == "line one\nline two\n");
}

TEST_CASE("what keeps a program from starting is a ProcessError naming the program and the cause", "[exec]") {
  testing::TempDir dir("exec-refused");
  exec::ProcessRequest request;
  request.argv = {"sh", "-c", "true"};
  request.working_directory = dir.path() / "missing";
  CHECK_THROWS_WITH(exec::run_process(request), Catch::StartsWith("sh: cannot run in ") && Catch::Contains("missing"));
  request.working_directory.clear();
  request.stdin_file = dir.path() / "no-input";
  CHECK_THROWS_WITH(exec::run_process(request), Catch::StartsWith("sh: cannot open ") && Catch::Contains("no-input"));
  request.stdin_file.reset();
  request.set_env("BAD=NAME", "x");
  CHECK_THROWS_AS(exec::run_process(request), exec::ProcessError);
  exec::ProcessRequest empty;
  CHECK_THROWS_WITH(exec::run_process(empty), "no program given");
}

TEST_CASE("a relative program path is pgverify's, whatever directory the program runs in", "[exec]") {
  testing::TempDir dir("exec-relative");
  const fs::path script = dir.path() / "pgverify-relative-tool.sh";
  std::ofstream(script) << "#!/bin/sh\necho ran\n";
  fs::permissions(script, fs::perms::owner_all);
  exec::ProcessRequest request;
  request.argv = {"./pgverify-relative-tool.sh"};
  request.working_directory = dir.path();
  REQUIRE_FALSE(fs::exists(request.argv[0]));
  CHECK_THROWS_WITH(exec::run_process(request), "./pgverify-relative-tool.sh: not found");
  request.argv = {script.string()};
  CHECK(exec::run_process(request).out == "ran\n");
}
