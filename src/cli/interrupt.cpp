#include "cli/interrupt.hpp"

// Why a watcher thread and not a signal handler: a handler may only make
// async-signal-safe calls. It could send SIGTERM and unlink paths stored in
// advance, but it cannot take the locks the registries of programs and files
// live under (the thread it interrupted may hold them), cannot wait out a grace
// period and then SIGKILL, and cannot let the runs reap their own children
// first. A thread that takes the signals from a signalfd runs ordinary code
// and does all of that. The price: the signals must be blocked in every
// thread, so this is set up before any thread starts; and the programs
// pgverify starts get a clean mask back (exec/process.cpp).

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <system_error>

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "exec/live_processes.hpp"
#include "files/atomic_file.hpp"

namespace pgverify::cli {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kHandled[] = {SIGINT, SIGTERM, SIGHUP};
// Past the longest grace: how long the runs may take to reap their programs
// and see their groups gone before every group still there gets SIGKILL.
constexpr milliseconds kReapAllowance{2000};
// After that SIGKILL, how long to wait for the runs before ending anyway.
constexpr milliseconds kAfterKill{1000};

std::atomic<bool> g_interrupted{false};

sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : kHandled) {
    struct sigaction current {};
    if (::sigaction(signal, nullptr, &current) == 0 && current.sa_handler != SIG_IGN) sigaddset(&set, signal);
  }
  return set;
}

void say(const std::string& line) {
  const std::string text = (::isatty(STDERR_FILENO) ? "\r\033[K" : "") + line + "\n";
  [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, text.data(), text.size());
}

std::string count(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Whether another of the signals came within `wait`.
bool another_signal(int signals, milliseconds wait) {
  pollfd fd{signals, POLLIN, 0};
  if (::poll(&fd, 1, static_cast<int>(wait.count())) <= 0) return false;
  signalfd_siginfo info{};
  return ::read(signals, &info, sizeof info) == static_cast<ssize_t>(sizeof info);
}

[[noreturn]] void end_by(int signal) {
  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  sigemptyset(&fallback.sa_mask);
  ::sigaction(signal, &fallback, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signal);
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  ::raise(signal);
  ::_exit(128 + signal);
}

[[noreturn]] void handle(int signal, int signals) {
  g_interrupted = true;
  // Nothing more gets written from now on, then the programs are stopped.
  const std::size_t files = files::temporary_files().remove_all();
  const std::size_t programs = exec::stop_all_processes();
  auto kill_at = Clock::now() + exec::longest_live_grace() + kReapAllowance;
  std::optional<Clock::time_point> give_up_at;
  while (exec::live_process_count() > 0) {
    const auto now = Clock::now();
    if (give_up_at && now >= *give_up_at) break;
    if (!give_up_at && now >= kill_at) {
      exec::kill_all_process_groups();
      give_up_at = now + kAfterKill;
    }
    if (another_signal(signals, milliseconds(20)) && !give_up_at) kill_at = now;  // impatient: kill at once
  }
  const char* name = ::sigabbrev_np(signal);
  say("pgverify: interrupted by SIG" + std::string(name ? name : "?") + ": " +
      count(programs, "program", "programs") + " stopped, " +
      count(files, "unfinished file", "unfinished files") + " removed");
  end_by(signal);
}

void watch(int signals, int quit) {
  pollfd fds[2] = {{signals, POLLIN, 0}, {quit, POLLIN, 0}};
  while (true) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info{};
      if (::read(signals, &info, sizeof info) == static_cast<ssize_t>(sizeof info))
        handle(static_cast<int>(info.ssi_signo), signals);
    }
    if (fds[1].revents & POLLIN) return;
  }
}

}  // namespace

InterruptHandling::InterruptHandling() {
  const sigset_t set = handled_signals();
  if (sigisemptyset(&set) || ::pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) return;
  m_signals = ::signalfd(-1, &set, SFD_CLOEXEC);
  m_quit = ::eventfd(0, EFD_CLOEXEC);
  std::string failure;
  if (m_signals < 0 || m_quit < 0) {
    failure = std::strerror(errno);
  } else {
    try {
      m_watcher = std::thread(watch, m_signals, m_quit);
    } catch (const std::system_error& error) {
      failure = error.what();
    }
  }
  if (failure.empty()) return;
  // Without a watcher the signals end pgverify as they always did.
  if (m_signals >= 0) ::close(m_signals);
  if (m_quit >= 0) ::close(m_quit);
  m_signals = m_quit = -1;
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  say("pgverify: warning: cannot watch for interrupts (" + failure +
      "): an interrupt may leave the programs pgverify runs running");
}

InterruptHandling::~InterruptHandling() {
  if (!m_watcher.joinable()) return;
  if (g_interrupted)
    while (true) ::pause();  // every signal is blocked here: only the watcher ends this
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(m_quit, &one, sizeof one);
  m_watcher.join();  // a signal taken meanwhile is handled to the end: join does not return then
  ::close(m_signals);
  ::close(m_quit);
  const sigset_t set = handled_signals();
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace pgverify::cli
