#include "exec/live_processes.hpp"

#include <algorithm>
#include <csignal>
#include <map>
#include <mutex>

#include <unistd.h>


namespace pgverify::exec {

namespace {

struct Entry {
  int wake = -1;
  std::chrono::milliseconds grace{0};
  pid_t process_group = 0;  // 0 until the program started
};

class Registry {
 public:
  std::uint64_t add(int wake, std::chrono::milliseconds grace) {
    {
      std::lock_guard lock(m_mutex);
      if (!m_stopping) {
        m_runs.emplace(++m_last_id, Entry{wake, grace, 0});
        return m_last_id;
      }
    }
    detail::wait_for_the_end();
  }
  void started(std::uint64_t id, pid_t process_group) {
    std::lock_guard lock(m_mutex);
    if (auto it = m_runs.find(id); it != m_runs.end()) it->second.process_group = process_group;
  }
  void remove(std::uint64_t id) {
    std::lock_guard lock(m_mutex);
    m_runs.erase(id);
  }
  std::size_t stop_all() {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    for (const auto& [id, entry] : m_runs) wake(entry.wake);
    return m_runs.size();
  }
  bool stopping() {
    std::lock_guard lock(m_mutex);
    return m_stopping;
  }
  std::size_t count() {
    std::lock_guard lock(m_mutex);
    return m_runs.size();
  }
  std::chrono::milliseconds longest_grace() {
    std::lock_guard lock(m_mutex);
    std::chrono::milliseconds longest{0};
    for (const auto& [id, entry] : m_runs) longest = std::max(longest, entry.grace);
    return longest;
  }
  void kill_all() {
    std::lock_guard lock(m_mutex);
    // A group's id stays taken while any process is in it, and a run leaves
    // only once its group is gone: each id names its group, or none.
    for (const auto& [id, entry] : m_runs)
      if (entry.process_group > 0) ::kill(-entry.process_group, SIGKILL);
  }

 private:
  static void wake(int fd) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = ::write(fd, &one, sizeof one);  // a full counter is awake already
  }

  std::mutex m_mutex;
  bool m_stopping = false;
  std::uint64_t m_last_id = 0;
  std::map<std::uint64_t, Entry> m_runs;
};

// Never destroyed: an interrupt handled while the process exits still finds it.
Registry& registry() {
  static Registry* instance = new Registry;
  return *instance;
}

}  // namespace

std::size_t stop_all_processes() { return registry().stop_all(); }
std::size_t live_process_count() { return registry().count(); }
std::chrono::milliseconds longest_live_grace() { return registry().longest_grace(); }
void kill_all_process_groups() { registry().kill_all(); }

namespace detail {

bool stopping_all() { return registry().stopping(); }

void wait_for_the_end() {
  while (true) ::pause();
}

LiveRun::LiveRun(int wake, std::chrono::milliseconds grace) : m_id(registry().add(wake, grace)) {}
LiveRun::~LiveRun() { registry().remove(m_id); }
void LiveRun::started(pid_t process_group) { registry().started(m_id, process_group); }

}  // namespace detail

}  // namespace pgverify::exec
