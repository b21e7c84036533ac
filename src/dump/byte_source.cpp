#include "dump/byte_source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump/dump_error.hpp"

namespace pgverify::dump {

FileSource::FileSource(std::filesystem::path path) : m_path(std::move(path)) {
  m_fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (m_fd < 0)
    throw DumpError(DumpErrc::io_error, m_path, std::nullopt,
                    std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(m_fd, &st) != 0) {
    const int error = errno;
    ::close(m_fd);
    throw DumpError(DumpErrc::io_error, m_path, std::nullopt,
                    std::string("cannot stat: ") + std::strerror(error));
  }
  // A pipe or device has no size to bound reads by; pg_dump archives are files.
  if (!S_ISREG(st.st_mode)) {
    ::close(m_fd);
    throw DumpError(DumpErrc::io_error, m_path, std::nullopt, "not a regular file");
  }
  m_size = static_cast<std::uint64_t>(st.st_size);
}

FileSource::~FileSource() {
  if (m_fd >= 0) ::close(m_fd);
}

std::size_t FileSource::read_at(std::uint64_t offset, std::span<std::uint8_t> out) const {
  std::size_t done = 0;
  while (done < out.size() && offset + done < m_size) {
    const ssize_t got = ::pread(m_fd, out.data() + done, out.size() - done,
                                static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw DumpError(DumpErrc::io_error, m_path, offset + done,
                      std::string("read failed: ") + std::strerror(errno));
    }
    if (got == 0) break;  // the file shrank since it was opened
    done += static_cast<std::size_t>(got);
  }
  return done;
}

std::size_t MemorySource::read_at(std::uint64_t offset, std::span<std::uint8_t> out) const {
  if (offset >= m_bytes.size()) return 0;
  const std::size_t n = std::min<std::size_t>(out.size(), m_bytes.size() - static_cast<std::size_t>(offset));
  std::copy_n(m_bytes.begin() + static_cast<std::ptrdiff_t>(offset), n, out.begin());
  return n;
}

}  // namespace pgverify::dump
