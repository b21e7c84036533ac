#pragma once

// A small HTTP (and HTTPS, with a self-signed certificate made on the spot)
// server on 127.0.0.1 for tests of the health check: it answers every request
// with the configured status and body, after an optional delay.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace pgverify::testing {

struct HttpAnswer {
  int status = 200;
  std::string body = "ok";
  std::chrono::milliseconds delay{0};  // before the answer is sent
  int fail_first = 0;                  // answer 503 to this many requests first
  std::string headers{};               // more header lines, each ending in \r\n
};

class HttpServer {
 public:
  explicit HttpServer(HttpAnswer answer, bool tls = false);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::string url(const std::string& path = "/health/ready") const;
  int requests() const { return m_requests.load(); }

 private:
  void serve();
  void answer_one(int client);

  HttpAnswer m_answer;
  bool m_tls;
  int m_listener = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::atomic<int> m_requests{0};
  struct Tls;
  std::unique_ptr<Tls> m_ssl;
  std::thread m_thread;
};

// A port on 127.0.0.1 where nothing listens.
int unused_port();

// A socket listening on 127.0.0.1 at a free port, which it sets.
int listen_on_loopback(int& port);

// Hands each connection accepted on `listener` to `on_client` until `stop`
// (looked at every 50 ms, so a destructor never waits long).
void accept_until(int listener, const std::atomic<bool>& stop, const std::function<void(int client)>& on_client);

}  // namespace pgverify::testing
