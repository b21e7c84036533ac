#pragma once

// Whether what a test started is gone: processes and process groups, and the
// pids a test's scripts wrote down.

#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>

#include <sys/types.h>

namespace pgverify::testing {

// No such process; a zombie not reaped yet still counts as there.
inline bool process_gone(pid_t pid) { return ::kill(pid, 0) == -1 && errno == ESRCH; }
// No process left in the group.
inline bool group_gone(pid_t group) { return process_gone(-group); }

// The pid a script wrote to the file ("echo $! > FILE").
inline pid_t pid_in(const std::filesystem::path& file) {
  std::ifstream in(file);
  long pid = 0;
  in >> pid;
  REQUIRE(pid > 0);
  return static_cast<pid_t>(pid);
}

}  // namespace pgverify::testing
