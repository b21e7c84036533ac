#pragma once

// A TCP server on 127.0.0.1 that accepts every connection and never says a
// word: a PostgreSQL host behind a stuck proxy or load balancer, as libpq
// sees it (only connect_timeout ends the wait). It counts the connections.

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace pgverify::testing {

class SilentServer {
 public:
  SilentServer();
  ~SilentServer();
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;

  int port() const { return m_port; }
  // "host=127.0.0.1 port=N " followed by `rest`.
  std::string dsn(const std::string& rest) const;
  int accepted() const { return m_accepted.load(); }

 private:
  void serve();

  int m_listener = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::atomic<int> m_accepted{0};
  std::vector<int> m_clients;  // held open, silent, until the end
  std::thread m_thread;
};

}  // namespace pgverify::testing
