// Every program run_process is running now, process-wide: what an interrupted
// pgverify must stop before it ends (cli/interrupt).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include <sys/types.h>

namespace pgverify::exec {

// For a caller about to end the process (cli/interrupt): ends every running
// program as a cancellation does (its group SIGTERM, then SIGKILL after its
// grace) and starts no other. Returns at once, with how many runs it stopped;
// they end on their own threads, and from now on no run returns to its caller
// (nor does a run asked for later start): those threads wait for the process
// to end, rather than go on to report a program as cancelled or start the next.
std::size_t stop_all_processes();

// Runs whose program's group is not gone yet.
std::size_t live_process_count();

// The longest grace among the live runs: how long stopping them may take.
std::chrono::milliseconds longest_live_grace();

// SIGKILL to the group of every live run: the last resort when one does not end.
void kill_all_process_groups();

namespace detail {

// Whether stop_all_processes was called.
bool stopping_all();
// What a thread that must not go on does once stop_all_processes was called.
[[noreturn]] void wait_for_the_end();

// run_process's registration: made before its program starts (so that a stop
// cannot miss it; `wake` is an eventfd the stop writes to), left once the
// program's group is gone.
class LiveRun {
 public:
  // Once stop_all_processes was called, does not return (wait_for_the_end).
  LiveRun(int wake, std::chrono::milliseconds grace);
  ~LiveRun();
  LiveRun(const LiveRun&) = delete;
  LiveRun& operator=(const LiveRun&) = delete;

  void started(pid_t process_group);

 private:
  std::uint64_t m_id;
};

}  // namespace detail

}  // namespace pgverify::exec
