#include "files/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
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

// remove_all was called: the process is about to be ended by its caller.
[[noreturn]] void wait_for_the_end() {
  while (true) ::pause();
}

std::string temporary_suffix() {
  std::random_device random;
  std::uniform_int_distribution<unsigned> digits(0, 0xffffff);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, ".%d.%06x.tmp", static_cast<int>(::getpid()), digits(random));
  return buffer;
}

}  // namespace

int TemporaryFiles::create(const fs::path& path, unsigned mode) {
  std::lock_guard lock(m_mutex);
  if (m_closed) {
    errno = ECANCELED;
    return -1;
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, static_cast<mode_t>(mode));
  if (fd >= 0) m_paths.insert(path.string());
  return fd;
}

bool TemporaryFiles::commit(const fs::path& path, const fs::path& target) {
  std::lock_guard lock(m_mutex);
  if (m_closed) {
    errno = ECANCELED;
    return false;
  }
  if (::rename(path.c_str(), target.c_str()) != 0) return false;
  m_paths.erase(path.string());
  return true;
}

void TemporaryFiles::discard(const fs::path& path) {
  std::lock_guard lock(m_mutex);
  if (m_paths.erase(path.string())) ::unlink(path.c_str());
}

std::size_t TemporaryFiles::remove_all() {
  std::lock_guard lock(m_mutex);
  m_closed = true;
  std::size_t removed = 0;
  for (const std::string& path : m_paths) removed += ::unlink(path.c_str()) == 0 ? 1 : 0;
  m_paths.clear();
  return removed;
}

TemporaryFiles& temporary_files() {
  // Never destroyed: an interrupt handled while the process exits still finds it.
  static TemporaryFiles* instance = new TemporaryFiles;
  return *instance;
}

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
  struct stat info {};
  // A loop of symbolic links is no path to write through (resolved_path would fall back to the link itself).
  if (::stat(requested.c_str(), &info) != 0 && errno == ELOOP) fail(requested, "it is a loop of symbolic links", ELOOP);
  const fs::path path = resolved_path(requested);
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
  TemporaryFiles& temporaries = temporary_files();
  const int fd = temporaries.create(temporary, 0666);
  if (fd < 0 && errno == ECANCELED) wait_for_the_end();
  if (fd < 0) fail(requested, "cannot create a file in " + directory.string(), errno);
  if (replacing) (void)::fchmod(fd, info.st_mode & 07777);
  bool ok = write_all(fd, content) && ::fsync(fd) == 0;
  int error = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    error = errno;
  }
  if (ok && !temporaries.commit(temporary, path)) {
    ok = false;
    error = errno;
  }
  if (!ok) {
    temporaries.discard(temporary);
    if (error == ECANCELED) wait_for_the_end();
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
