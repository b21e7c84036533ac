// exec/: running other programs (the PostgreSQL client tools; the executor's
// pg_dump, kubectl, helm and gcloud) so that none outlives its run. Each
// program starts in a process group of its own with a clean signal mask and
// default dispositions; a timeout or a cancellation sends the whole group
// SIGTERM, then SIGKILL after a grace period, and a run returns only once the
// group is gone (what a program left behind in it is killed too, also after a
// normal exit; pgverify is the subreaper of what its programs leave, so it
// reaps that itself instead of waiting for init). Output is captured up to a limit, with what was dropped
// counted, or streamed to a sink. Every live run is known process-wide, so an
// interrupted pgverify can end them all (live_processes.hpp). Behind the
// ToolRunner interface, so checks can be tested with a fake. Depends on nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace pgverify::exec {

inline constexpr std::size_t kDefaultCaptureLimit = 1u << 20;
inline constexpr std::chrono::milliseconds kDefaultTimeout = std::chrono::seconds(60);
inline constexpr std::chrono::milliseconds kDefaultGrace = std::chrono::seconds(5);

// Receives a program's output as it comes (pg_dump into a file and a SHA-256
// at once). Called on the thread that runs the program; the view is valid
// during the call only. An exception ends the run: the program's group is
// stopped as on a cancellation, then the exception reaches run_process's caller.
class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual void write(std::string_view chunk) = 0;
};

// What becomes of one of a program's outputs (standard output or error).
struct Output {
  // Bytes kept in the result; the rest is still read (a program never blocks
  // on a full pipe) and counted as dropped.
  std::size_t capture_limit = kDefaultCaptureLimit;
  // When set, every byte goes here instead and nothing is kept.
  OutputSink* sink = nullptr;

  static Output captured(std::size_t limit = kDefaultCaptureLimit) { return {limit, nullptr}; }
  static Output streamed(OutputSink& sink) { return {0, &sink}; }
};

// A change to the environment the program inherits: NAME=value added or
// replacing the inherited one, or, without a value, NAME removed.
struct EnvChange {
  std::string name;
  std::optional<std::string> value;
};

struct ProcessRequest {
  // argv[0] is looked up on pgverify's PATH when it has no slash; a relative
  // path with a slash is relative to pgverify's working directory, not to
  // working_directory below.
  std::vector<std::string> argv;
  std::vector<EnvChange> environment;  // applied in order
  std::filesystem::path working_directory;  // empty: pgverify's own
  std::chrono::milliseconds timeout = kDefaultTimeout;
  std::chrono::milliseconds grace = kDefaultGrace;  // from SIGTERM to SIGKILL
  std::optional<std::filesystem::path> stdin_file;  // read by the program; /dev/null when not set
  Output out;
  Output err;
  // A stop requested here ends the run as a timeout does, as `cancelled`.
  std::stop_token stop;

  ProcessRequest& set_env(std::string name, std::string value) {
    environment.push_back({std::move(name), std::move(value)});
    return *this;
  }
  ProcessRequest& unset_env(std::string name) {
    environment.push_back({std::move(name), std::nullopt});
    return *this;
  }
};

// How a run ended.
enum class ProcessEnd {
  exited,     // the program exited by itself: exit_code
  killed,     // a signal the runner did not send ended it: signal
  timed_out,  // still running at the timeout: its group was stopped
  cancelled,  // the request's stop, or pgverify being interrupted: its group was stopped
};

struct ProcessResult {
  ProcessEnd end = ProcessEnd::exited;
  int exit_code = -1;  // when end is exited; -1 otherwise
  // The signal that ended the program: when killed, and when a timeout or a
  // cancellation ended it (SIGTERM, or SIGKILL when it outlived the grace);
  // 0 when it exited.
  int signal = 0;
  bool timed_out = false;  // end == timed_out, for callers that ask only that
  std::string out;         // captured output (empty when streamed)
  std::string err;
  std::uint64_t out_dropped = 0;  // bytes past the capture limit, read and not kept
  std::uint64_t err_dropped = 0;
  bool truncated = false;  // some output was dropped
};

// "exited with status 3", "was killed by signal 11 (SIGSEGV)", "timed out", "was cancelled".
std::string describe_end(const ProcessResult& result);

// The program could not be started at all (not found, not executable, a
// working directory or stdin file that is not there).
class ProcessError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ToolRunner {
 public:
  virtual ~ToolRunner() = default;
  virtual ProcessResult run(const ProcessRequest& request) = 0;
  // argv with the defaults: no stdin, both outputs captured, the default timeout.
  ProcessResult run(const std::vector<std::string>& argv);
};

// Runs the request and returns once the program's group is gone. Throws
// ProcessError when it cannot start, and what an output sink throws. Once
// stop_all_processes was called (pgverify is being ended), does not return.
ProcessResult run_process(const ProcessRequest& request);
ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout = kDefaultTimeout);

class SystemToolRunner final : public ToolRunner {
 public:
  using ToolRunner::run;
  ProcessResult run(const ProcessRequest& request) override { return run_process(request); }
};

}  // namespace pgverify::exec
