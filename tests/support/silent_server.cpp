#include "support/silent_server.hpp"

#include <unistd.h>

#include "support/http_server.hpp"

namespace pgverify::testing {

SilentServer::SilentServer() {
  m_listener = listen_on_loopback(m_port);
  m_thread = std::thread([this] { serve(); });
}

SilentServer::~SilentServer() {
  m_stop = true;
  m_thread.join();
  for (int client : m_clients) ::close(client);
  ::close(m_listener);
}

std::string SilentServer::dsn(const std::string& rest) const {
  return "host=127.0.0.1 port=" + std::to_string(m_port) + " " + rest;
}

void SilentServer::serve() {
  accept_until(m_listener, m_stop, [this](int client) {
    m_clients.push_back(client);
    ++m_accepted;
  });
}

}  // namespace pgverify::testing
