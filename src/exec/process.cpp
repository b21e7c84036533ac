#include "exec/process.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec/live_processes.hpp"

extern char** environ;

namespace pgverify::exec {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// After the program exited, or after its group got SIGKILL, how long output
// may still come from what it left behind, or from a process outside its group
// that holds its pipes: past this the run stops reading, so that an orphan
// holding a pipe cannot hold the run.
constexpr milliseconds kLingerAfterKill{1000};
// How long a group killed with SIGKILL may take to be gone (its members reaped
// by whoever is their parent now) before the run gives up waiting.
constexpr milliseconds kGroupGoneWait{2000};
// Without a pidfd (kernels before 5.3), how often the loop looks whether the program exited.
constexpr milliseconds kExitPollInterval{100};
constexpr std::size_t kReadChunk = 64 * 1024;

std::string error_text(int error) { return std::strerror(error); }

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
  }
  int get() const { return m_fd; }
  void reset() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }

 private:
  int m_fd = -1;
};

struct Pipe {
  Fd read, write;
};

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw ProcessError("cannot create a pipe: " + error_text(errno));
  return {Fd(fds[0]), Fd(fds[1])};
}

class SpawnActions {
 public:
  SpawnActions() { posix_spawn_file_actions_init(&m_actions); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&m_actions); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
  posix_spawn_file_actions_t* get() { return &m_actions; }

 private:
  posix_spawn_file_actions_t m_actions;
};

// A group of its own, so that a stop reaches whatever the program starts; an
// empty signal mask and every signal at its default, so that it does not
// inherit what pgverify blocks (SIGINT, SIGTERM: cli/interrupt) or ignores.
class SpawnAttributes {
 public:
  SpawnAttributes() {
    posix_spawnattr_init(&m_attributes);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&m_attributes, &none);
    posix_spawnattr_setsigdefault(&m_attributes, &all);
    posix_spawnattr_setpgroup(&m_attributes, 0);
    posix_spawnattr_setflags(&m_attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  ~SpawnAttributes() { posix_spawnattr_destroy(&m_attributes); }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
  const posix_spawnattr_t* get() const { return &m_attributes; }

 private:
  posix_spawnattr_t m_attributes;
};

// pgverify's environment with the request's changes applied.
std::vector<std::string> child_environment(const std::string& program, const std::vector<EnvChange>& changes) {
  std::vector<std::string> env;
  for (char** entry = environ; entry && *entry; ++entry) env.emplace_back(*entry);
  for (const EnvChange& change : changes) {
    if (change.name.empty() || change.name.find_first_of(std::string_view("=\0", 2)) != std::string::npos)
      throw ProcessError(program + ": invalid environment variable name '" + change.name + "'");
    if (change.value && change.value->find('\0') != std::string::npos)
      throw ProcessError(program + ": the value of " + change.name + " holds a NUL byte");
    const std::string prefix = change.name + "=";
    std::erase_if(env, [&](const std::string& e) { return e.starts_with(prefix); });
    if (change.value) env.push_back(prefix + *change.value);
  }
  return env;
}

std::vector<char*> pointers(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// Opened here rather than by the child, so that a missing file is said as such
// (a failed open in the child reads like a missing program). Non-blocking
// while opening: a FIFO without a writer must not stop pgverify.
Fd open_stdin(const std::string& program, const std::optional<fs::path>& file) {
  const std::string path = file ? file->string() : "/dev/null";
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) throw ProcessError(program + ": cannot open " + path + " as its standard input: " + error_text(errno));
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags >= 0) ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

void check_working_directory(const std::string& program, const fs::path& directory) {
  struct stat info {};
  if (::stat(directory.c_str(), &info) != 0)
    throw ProcessError(program + ": cannot run in " + directory.string() + ": " + error_text(errno));
  if (!S_ISDIR(info.st_mode))
    throw ProcessError(program + ": cannot run in " + directory.string() + ": not a directory");
}

// Whether the program has exited, without reaping it: until it is reaped its
// id stays taken, so a signal to its group cannot reach a stranger.
bool has_exited(pid_t pid) {
  siginfo_t info{};
  info.si_pid = 0;
  return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid;
}

int reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// What a program leaves behind when it dies is reparented to the nearest
// subreaper, else to init, which may reap it seconds later (a killed orphan
// stays in the group as a zombie until then). As the subreaper, pgverify
// reaps the members of its programs' groups itself, at once.
void become_subreaper() {
  static std::once_flag once;
  std::call_once(once, [] { ::prctl(PR_SET_CHILD_SUBREAPER, 1); });
}

// Until no process is left in the group, at most kGroupGoneWait (a process in
// uninterruptible sleep cannot be waited for).
void wait_until_group_gone(pid_t group) {
  const auto until = Clock::now() + kGroupGoneWait;
  while (true) {
    while (::waitpid(-group, nullptr, WNOHANG) > 0) {
    }
    if (::kill(-group, 0) == -1 && errno == ESRCH) return;
    if (Clock::now() >= until) return;
    ::kill(-group, SIGKILL);
    std::this_thread::sleep_for(milliseconds(2));
  }
}

// The child from spawn to reaped. Whatever ends the run early (an exception
// on the way) still kills its group and reaps it.
class Child {
 public:
  explicit Child(pid_t pid) : m_pid(pid) {}
  ~Child() {
    if (m_reaped) return;
    ::kill(-m_pid, SIGKILL);
    reap(m_pid);
    wait_until_group_gone(m_pid);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  pid_t pid() const { return m_pid; }

  // Kills what is left of the group, reaps the program, waits for the group to go; its wait status.
  int finish() {
    ::kill(-m_pid, SIGKILL);  // the leader is a zombie at worst: the group id is still ours
    const int status = reap(m_pid);
    m_reaped = true;
    wait_until_group_gone(m_pid);
    return status;
  }

 private:
  pid_t m_pid;
  bool m_reaped = false;
};

int poll_timeout(Clock::time_point now, std::optional<Clock::time_point> until) {
  if (!until) return -1;
  if (*until <= now) return 0;
  const auto left = std::chrono::ceil<milliseconds>(*until - now).count();
  return static_cast<int>(std::min<decltype(left)>(left, INT_MAX));
}

std::optional<Clock::time_point> earliest(std::optional<Clock::time_point> a, std::optional<Clock::time_point> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

// One output of the program: where its bytes go.
struct Stream {
  Fd fd;
  const Output* output = nullptr;
  std::string* captured = nullptr;
  std::uint64_t* dropped = nullptr;
};

class Run {
 public:
  Run(const ProcessRequest& request, Child& child, Stream out, Stream err, int wake)
      : m_request(request), m_child(child), m_wake(wake), m_buffer(kReadChunk) {
    m_streams[0] = std::move(out);
    m_streams[1] = std::move(err);
    // By syscall: glibc 2.36's <sys/pidfd.h> lacks extern "C". -1 on kernels before 5.3: polled instead.
    m_pidfd = Fd(static_cast<int>(::syscall(SYS_pidfd_open, child.pid(), 0)));
  }

  // Reads until the program has exited and its outputs are closed (or
  // linger no longer), stopping it on the way when asked to or late.
  void read_until_done() {
    const auto start = Clock::now();
    const auto timeout = std::clamp(m_request.timeout, milliseconds(0), milliseconds(std::chrono::hours(24 * 365)));
    const auto deadline = start + timeout;
    while (true) {
      const auto now = Clock::now();
      if (!m_stopping && !m_exited) {
        if (m_cancel_requested || m_sink_failure) begin_stop(ProcessEnd::cancelled, now);
        else if (now >= deadline) begin_stop(ProcessEnd::timed_out, now);
      }
      if (m_kill_at && now >= *m_kill_at) {
        ::kill(-m_child.pid(), SIGKILL);
        m_kill_at.reset();
        m_linger_until = now + kLingerAfterKill;
      }
      if (!m_exited && has_exited(m_child.pid())) {
        m_exited = true;
        if (!m_stopping) m_linger_until = std::min(now + m_request.grace, std::max(deadline, now));
      }
      const bool outputs_open = m_streams[0].fd.get() >= 0 || m_streams[1].fd.get() >= 0;
      if (m_exited && (!outputs_open || (m_linger_until && now >= *m_linger_until))) return;

      std::optional<Clock::time_point> wake_at;
      if (!m_stopping && !m_exited) wake_at = deadline;
      wake_at = earliest(wake_at, m_kill_at);
      if (m_exited) wake_at = earliest(wake_at, m_linger_until);
      if (!m_exited && m_pidfd.get() < 0) wake_at = earliest(wake_at, now + kExitPollInterval);
      poll_once(poll_timeout(now, wake_at));
    }
  }

  void fill(ProcessResult& result, int status) const {
    int code = -1, signal = 0;
    if (WIFEXITED(status)) code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) signal = WTERMSIG(status);
    if (m_stopping) result.end = m_stop_reason;
    else result.end = signal ? ProcessEnd::killed : ProcessEnd::exited;
    result.exit_code = result.end == ProcessEnd::exited ? code : -1;
    result.signal = signal;
    result.timed_out = result.end == ProcessEnd::timed_out;
    result.truncated = result.out_dropped > 0 || result.err_dropped > 0;
  }

  std::exception_ptr sink_failure() const { return m_sink_failure; }

 private:
  void begin_stop(ProcessEnd why, Clock::time_point now) {
    m_stopping = true;
    m_stop_reason = why;
    ::kill(-m_child.pid(), SIGTERM);
    m_kill_at = now + std::max(m_request.grace, milliseconds(0));
  }

  void poll_once(int timeout) {
    std::array<pollfd, 4> fds{};
    std::array<int, 4> role{};  // 0, 1: a stream; 2: the wake eventfd; 3: the pidfd
    nfds_t n = 0;
    for (int i = 0; i < 2; ++i)
      if (m_streams[i].fd.get() >= 0) {
        fds[n] = {m_streams[i].fd.get(), POLLIN, 0};
        role[n++] = i;
      }
    if (!m_cancel_requested) {
      fds[n] = {m_wake, POLLIN, 0};
      role[n++] = 2;
    }
    if (m_pidfd.get() >= 0 && !m_exited) {
      fds[n] = {m_pidfd.get(), POLLIN, 0};
      role[n++] = 3;
    }
    const int ready = ::poll(fds.data(), n, timeout);
    if (ready <= 0) return;  // a timeout, or EINTR: the loop looks again
    for (nfds_t i = 0; i < n; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      if (role[i] < 2) read_from(m_streams[role[i]]);
      else if (role[i] == 2) m_cancel_requested = true;
    }
  }

  void read_from(Stream& stream) {
    const ssize_t n = ::read(stream.fd.get(), m_buffer.data(), m_buffer.size());
    if (n < 0) {
      if (errno != EINTR && errno != EAGAIN) stream.fd.reset();
      return;
    }
    if (n == 0) {
      stream.fd.reset();
      return;
    }
    deliver(stream, std::string_view(m_buffer.data(), static_cast<std::size_t>(n)));
  }

  void deliver(Stream& stream, std::string_view chunk) {
    if (m_sink_failure) return;  // the run is being stopped; what follows is not wanted
    if (stream.output->sink) {
      try {
        stream.output->sink->write(chunk);
      } catch (...) {
        m_sink_failure = std::current_exception();
      }
      return;
    }
    const std::size_t limit = stream.output->capture_limit;
    const std::size_t room = limit - std::min(limit, stream.captured->size());
    const std::size_t kept = std::min(room, chunk.size());
    stream.captured->append(chunk.substr(0, kept));
    *stream.dropped += chunk.size() - kept;
  }

  const ProcessRequest& m_request;
  Child& m_child;
  int m_wake;
  std::array<Stream, 2> m_streams;
  Fd m_pidfd;
  std::vector<char> m_buffer;
  bool m_cancel_requested = false;
  bool m_stopping = false;
  ProcessEnd m_stop_reason = ProcessEnd::cancelled;
  bool m_exited = false;
  std::optional<Clock::time_point> m_kill_at;       // SIGKILL follows the SIGTERM then
  std::optional<Clock::time_point> m_linger_until;  // outputs still open are abandoned then
  std::exception_ptr m_sink_failure;
};

}  // namespace

std::string describe_end(const ProcessResult& result) {
  auto signal_name = [](int signal) {
    const char* abbreviation = ::sigabbrev_np(signal);
    return "signal " + std::to_string(signal) + (abbreviation ? std::string(" (SIG") + abbreviation + ")" : "");
  };
  switch (result.end) {
    case ProcessEnd::exited: return "exited with status " + std::to_string(result.exit_code);
    case ProcessEnd::killed: return "was killed by " + signal_name(result.signal);
    case ProcessEnd::timed_out: return "timed out";
    case ProcessEnd::cancelled: return "was cancelled";
  }
  return "ended";
}

ProcessResult ToolRunner::run(const std::vector<std::string>& argv) {
  ProcessRequest request;
  request.argv = argv;
  return run(request);
}

namespace {

ProcessResult run_registered(const ProcessRequest& request) {
  if (request.argv.empty() || request.argv[0].empty()) throw ProcessError("no program given");
  const std::string& program = request.argv[0];
  // Found where pgverify would find it, whatever directory the program runs in.
  std::string file = program;
  if (program.find('/') != std::string::npos && !request.working_directory.empty())
    file = fs::absolute(program).string();

  const std::vector<std::string> env = child_environment(program, request.environment);
  if (!request.working_directory.empty()) check_working_directory(program, request.working_directory);
  Fd input = open_stdin(program, request.stdin_file);
  Pipe out_pipe = make_pipe(), err_pipe = make_pipe();
  Fd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (wake.get() < 0) throw ProcessError("cannot create an eventfd: " + error_text(errno));
  // Registered before it starts: a stop of every program cannot miss this one.
  detail::LiveRun live(wake.get(), request.grace);
  std::stop_callback on_stop(request.stop, [fd = wake.get()] {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = ::write(fd, &one, sizeof one);
  });

  SpawnActions actions;
  posix_spawn_file_actions_adddup2(actions.get(), input.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(actions.get(), out_pipe.write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(actions.get(), err_pipe.write.get(), STDERR_FILENO);
  if (!request.working_directory.empty())
    posix_spawn_file_actions_addchdir_np(actions.get(), request.working_directory.c_str());
  const SpawnAttributes attributes;
  const auto args = pointers(request.argv);
  const auto envp = pointers(env);

  become_subreaper();
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, file.c_str(), actions.get(), attributes.get(), args.data(), envp.data());
  if (rc != 0) throw ProcessError(program + ": " + (rc == ENOENT ? "not found" : error_text(rc)));
  Child child(pid);
  live.started(pid);
  input.reset();
  out_pipe.write.reset();
  err_pipe.write.reset();

  ProcessResult result;
  Run run(request, child,
          Stream{std::move(out_pipe.read), &request.out, &result.out, &result.out_dropped},
          Stream{std::move(err_pipe.read), &request.err, &result.err, &result.err_dropped}, wake.get());
  run.read_until_done();
  run.fill(result, child.finish());
  if (auto failure = run.sink_failure()) std::rethrow_exception(failure);
  return result;
}

}  // namespace

ProcessResult run_process(const ProcessRequest& request) {
  try {
    ProcessResult result = run_registered(request);
    if (detail::stopping_all()) detail::wait_for_the_end();
    return result;
  } catch (...) {
    if (detail::stopping_all()) detail::wait_for_the_end();
    throw;
  }
}

ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  ProcessRequest request;
  request.argv = argv;
  request.timeout = timeout;
  return run_process(request);
}

}  // namespace pgverify::exec
