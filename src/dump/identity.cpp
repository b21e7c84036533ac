#include "dump/identity.hpp"

#include "dump/sha256.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

namespace pgverify::dump {

namespace fs = std::filesystem;

namespace {


[[noreturn]] void fail(const fs::path& path, const std::string& what, int error = 0) {
  throw std::runtime_error("cannot identify the dump " + path.string() + ": " + what +
                           (error ? std::string(" (") + std::strerror(error) + ")" : ""));
}

struct FileDigest {
  std::uint64_t size = 0;
  std::string sha256;
};

// A regular file only: a pipe or a device could block or never end.
FileDigest digest_file(const fs::path& path, std::uint64_t& done, std::uint64_t total,
                       const std::function<void(std::uint64_t, std::uint64_t)>& on_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) fail(path, "cannot open", errno);
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    fail(path, "not a regular file");
  }
  Sha256 sha;
  FileDigest digest;
  std::vector<char> buffer(1 << 20);
  for (;;) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      fail(path, "read failed", error);
    }
    if (got == 0) break;
    sha.update(buffer.data(), static_cast<std::size_t>(got));
    digest.size += static_cast<std::uint64_t>(got);
    done += static_cast<std::uint64_t>(got);
    if (on_bytes) on_bytes(done, total);
  }
  ::close(fd);
  digest.sha256 = sha.hex();
  return digest;
}

}  // namespace

DumpIdentity identify_dump(const fs::path& path, const std::function<void(std::uint64_t, std::uint64_t)>& on_bytes) {
  std::error_code ec;
  DumpIdentity identity;
  identity.path = fs::absolute(path, ec).lexically_normal().string();
  std::uint64_t done = 0;
  if (!fs::is_directory(path, ec)) {
    const std::uint64_t size = fs::file_size(path, ec);
    const FileDigest digest = digest_file(path, done, ec ? 0 : size, on_bytes);
    identity.size = digest.size;
    identity.sha256 = digest.sha256;
    return identity;
  }
  std::vector<std::string> names;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
    if (!it->is_directory(ec)) names.push_back(it->path().filename().string());  // a FIFO there fails below
  if (ec) fail(path, "cannot list the directory", ec.value());
  std::sort(names.begin(), names.end());
  std::uint64_t total = 0;
  for (const auto& name : names) {
    const auto size = fs::file_size(path / name, ec);
    if (!ec) total += size;
  }
  Sha256 listing;
  for (const auto& name : names) {
    const FileDigest digest = digest_file(path / name, done, total, on_bytes);
    const std::string line = name + " " + std::to_string(digest.size) + " " + digest.sha256 + "\n";
    listing.update(line.data(), line.size());
    identity.size += digest.size;
  }
  identity.sha256 = listing.hex();
  return identity;
}

}  // namespace pgverify::dump
