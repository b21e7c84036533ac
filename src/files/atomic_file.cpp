#include "files/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <string>

namespace pgverify::files {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const fs::path& path, const std::string& what, int error) {
  throw WriteError("cannot write " + path.string() + ": " + what + (error ? std::string(" (") + std::strerror(error) + ")" : ""));
}

// Writes every byte, through EINTR and short writes; false with errno set on failure.
bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t written = ::write(fd, content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    content.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

std::string temporary_suffix() {
  std::random_device random;
  std::uniform_int_distribution<unsigned> digits(0, 0xffffff);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, ".%d.%06x.tmp", static_cast<int>(::getpid()), digits(random));
  return buffer;
}

}  // namespace

fs::path resolved_path(const fs::path& path) {
  std::error_code ec;
  // The part that exists is resolved (symbolic links, ..); what follows it
  // holds no link yet, so normalizing it as text is exact.
  fs::path resolved = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) return fs::absolute(path, ec).lexically_normal();
  resolved = resolved.lexically_normal();
  // A link to a file not there yet: weakly_canonical stops at it, a write goes through it.
  for (int hops = 0; hops < 40 && fs::is_symlink(fs::symlink_status(resolved, ec)); ++hops) {
    const fs::path target = fs::read_symlink(resolved, ec);
    if (ec) break;
    resolved = fs::weakly_canonical(resolved.parent_path() / target, ec).lexically_normal();
    if (ec) break;
  }
  return resolved;
}

void write_atomically(const fs::path& requested, std::string_view content) {
  const fs::path path = resolved_path(requested);
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) fail(requested, "it is a directory", 0);
    if (!S_ISREG(info.st_mode)) fail(requested, "it is not a regular file (a FIFO, socket or device)", 0);
  }
  std::error_code ec;
  const fs::path directory = path.parent_path();
  fs::create_directories(directory, ec);
  if (ec) fail(requested, "cannot create " + directory.string(), ec.value());

  // Keep an existing file's permissions; a new one gets 0666 less the umask, as
  // a file a shell redirection creates.
  const bool replacing = ::stat(path.c_str(), &info) == 0;
  const fs::path temporary = path.string() + temporary_suffix();
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) fail(requested, "cannot create a file in " + directory.string(), errno);
  if (replacing) (void)::fchmod(fd, info.st_mode & 07777);
  bool ok = write_all(fd, content) && ::fsync(fd) == 0;
  int error = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    error = errno;
  }
  if (ok && ::rename(temporary.c_str(), path.c_str()) != 0) {
    ok = false;
    error = errno;
  }
  if (!ok) {
    ::unlink(temporary.c_str());
    fail(requested, "write failed", error);
  }
  // The rename itself is durable only once the directory is.
  const int dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    (void)::fsync(dir_fd);
    ::close(dir_fd);
  }
}

}  // namespace pgverify::files
