// exec/: running other programs (the PostgreSQL client tools, later the
// executor's steps). A ToolRunner interface so checks can be tested with a fake.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace pgverify::exec {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  bool timed_out = false;
  std::string out;
  std::string err;
};

// The program could not be started at all (not found, not executable).
class ProcessError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ToolRunner {
 public:
  virtual ~ToolRunner() = default;
  virtual ProcessResult run(const std::vector<std::string>& argv) = 0;
};

// Runs argv[0] (looked up on PATH when it has no slash) with no stdin, capturing
// both outputs (each bounded, so a chatty program cannot exhaust memory) and
// killing it after the timeout.
ProcessResult run_process(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(60));

class SystemToolRunner final : public ToolRunner {
 public:
  ProcessResult run(const std::vector<std::string>& argv) override { return run_process(argv); }
};

}  // namespace pgverify::exec
