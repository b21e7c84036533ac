#include "files/readable_file.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text/quote.hpp"

namespace pgverify::files {

namespace {

std::string compose(const std::filesystem::path& path, const std::string& reason) {
  return text::printable(path.string()) + ": " + reason;
}

std::string system_reason(const char* what, int error) { return std::string(what) + ": " + std::strerror(error); }

// Throws unless mode is a regular file's.
void require_regular(const std::filesystem::path& path, mode_t mode) {
  if (!S_ISREG(mode))
    throw FileError(FileErrc::not_a_file, path, std::string(describe_file_type(mode)) + ", not a regular file");
}

std::string size_text(std::uint64_t bytes) {
  constexpr std::uint64_t kib = 1024, mib = kib << 10, gib = mib << 10;
  for (const auto& [unit, name] : {std::pair{gib, " GiB"}, std::pair{mib, " MiB"}, std::pair{kib, " KiB"}})
    if (bytes >= unit && bytes % unit == 0) return std::to_string(bytes / unit) + name;
  return std::to_string(bytes) + " bytes";
}

}  // namespace

FileError::FileError(FileErrc code, std::filesystem::path path, std::string reason)
    : std::runtime_error(compose(path, reason)), m_code(code), m_path(std::move(path)), m_reason(std::move(reason)) {}

std::string_view describe_file_type(unsigned mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return "a regular file";
    case S_IFDIR: return "a directory";
    case S_IFIFO: return "a FIFO (named pipe)";
    case S_IFSOCK: return "a socket";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFLNK: return "a symbolic link";
  }
  return "of an unknown file type";
}

ReadableFile::ReadableFile(std::filesystem::path path) : m_path(std::move(path)) {
  struct stat st {};
  if (::stat(m_path.c_str(), &st) != 0) {
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR) throw FileError(FileErrc::not_found, m_path, system_reason("cannot open", error));
    throw FileError(FileErrc::cannot_open, m_path, system_reason("cannot stat", error));
  }
  require_regular(m_path, st.st_mode);
  // O_NONBLOCK: should a FIFO have taken the path since the stat, the open
  // returns at once instead of waiting for a writer; fstat then refuses it.
  m_fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (m_fd < 0) {
    const int error = errno;
    throw FileError(error == ENOENT ? FileErrc::not_found : FileErrc::cannot_open, m_path,
                    system_reason("cannot open", error));
  }
  try {
    if (::fstat(m_fd, &st) != 0) throw FileError(FileErrc::cannot_open, m_path, system_reason("cannot stat", errno));
    require_regular(m_path, st.st_mode);
    // Reads of a regular file block as they always do.
    const int flags = ::fcntl(m_fd, F_GETFL);
    if (flags >= 0) ::fcntl(m_fd, F_SETFL, flags & ~O_NONBLOCK);
  } catch (...) {
    ::close(m_fd);
    throw;
  }
  m_size = static_cast<std::uint64_t>(st.st_size);
}

ReadableFile::ReadableFile(ReadableFile&& other) noexcept
    : m_path(std::move(other.m_path)), m_fd(other.m_fd), m_size(other.m_size) {
  other.m_fd = -1;
}

ReadableFile::~ReadableFile() {
  if (m_fd >= 0) ::close(m_fd);
}

std::string read_whole_file(const std::filesystem::path& path, std::uint64_t limit) {
  const ReadableFile file(path);
  const auto too_large = [&] { return FileError(FileErrc::too_large, path, "larger than " + size_text(limit)); };
  if (file.size() > limit) throw too_large();
  std::string text;
  text.reserve(static_cast<std::size_t>(file.size()));
  // Read to the end, not to the size at the open: a file that grew since is
  // read as it is now, up to the limit still.
  std::array<char, 65536> buffer{};
  while (true) {
    const ssize_t got = ::read(file.fd(), buffer.data(), buffer.size());
    if (got < 0) {
      if (errno == EINTR) continue;
      throw FileError(FileErrc::cannot_read, path, system_reason("read failed", errno));
    }
    if (got == 0) return text;
    if (text.size() + static_cast<std::size_t>(got) > limit) throw too_large();
    text.append(buffer.data(), static_cast<std::size_t>(got));
  }
}

}  // namespace pgverify::files
