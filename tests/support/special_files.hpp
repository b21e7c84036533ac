#pragma once

// Paths that are no regular file (a FIFO, a socket, a link to /dev/zero), for
// tests that every reader refuses them at once: a FIFO opened for reading
// waits for a writer, /dev/zero never ends.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <future>
#include <string>
#include <vector>

namespace pgverify::testing {

inline void make_fifo(const std::filesystem::path& path) { REQUIRE(::mkfifo(path.c_str(), 0644) == 0); }

inline void link_to_dev_zero(const std::filesystem::path& path) { std::filesystem::create_symlink("/dev/zero", path); }

// A listening UNIX socket bound at path, closed when it goes.
class BoundSocket {
 public:
  explicit BoundSocket(const std::filesystem::path& path) {
    m_fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(m_fd >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    REQUIRE(path.string().size() < sizeof address.sun_path);
    std::strcpy(address.sun_path, path.c_str());
    REQUIRE(::bind(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(m_fd, 1) == 0);
  }
  ~BoundSocket() { ::close(m_fd); }
  BoundSocket(const BoundSocket&) = delete;
  BoundSocket& operator=(const BoundSocket&) = delete;

 private:
  int m_fd = -1;
};

// f() on another thread; when it has not returned after `limit` it is taken to
// hang on one of the FIFOs: a writer opened on each (and closed) lets a reader
// blocked in open(2) or read(2) go on, and the test fails.
template <class F>
auto finishes_promptly(const std::vector<std::filesystem::path>& fifos, F&& f,
                       std::chrono::seconds limit = std::chrono::seconds(20)) {
  auto result = std::async(std::launch::async, std::forward<F>(f));
  if (result.wait_for(limit) == std::future_status::timeout) {
    FAIL_CHECK("still running after " << limit.count() << " s: blocked on a FIFO?");
    // Again while it goes on to the next FIFO, for a minute at most.
    for (int round = 0; round < 60 && result.wait_for(std::chrono::seconds(1)) == std::future_status::timeout; ++round)
      for (const auto& fifo : fifos) {
        const int writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
        if (writer >= 0) ::close(writer);
      }
  }
  return result.get();
}

}  // namespace pgverify::testing
