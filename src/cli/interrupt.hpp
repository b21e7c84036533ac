// SIGINT, SIGTERM and SIGHUP end pgverify cleanly: every program it runs is
// stopped as a timeout stops it (its group SIGTERM, SIGKILL after the grace)
// and reaped, every temporary file being written is removed (the file it
// would replace is untouched), one line says so on stderr, and pgverify then
// ends by the signal it got, so that its parent sees that (a shell: 130 for
// SIGINT, 143 for SIGTERM, and a shell loop around it stops). A second signal
// while that goes on kills the programs' groups at once.
#pragma once

#include <thread>

namespace pgverify::cli {

class InterruptHandling {
 public:
  // Must be made before any other thread starts: it blocks the signals in
  // this thread, and every thread started later inherits that. Signals that
  // pgverify inherited as ignored (nohup, a background job of a script) stay ignored.
  InterruptHandling();
  // When an interrupt is being handled, waits for it to end the process: the
  // run's own ending (its exit code, what it prints) must not win that race.
  ~InterruptHandling();
  InterruptHandling(const InterruptHandling&) = delete;
  InterruptHandling& operator=(const InterruptHandling&) = delete;

 private:
  int m_signals = -1;  // signalfd of the signals handled
  int m_quit = -1;     // eventfd: the watcher ends when written
  std::thread m_watcher;
};

}  // namespace pgverify::cli
