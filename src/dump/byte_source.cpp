#include "dump/byte_source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include <unistd.h>

#include "dump/dump_error.hpp"

namespace pgverify::dump {

namespace {

files::ReadableFile open_file(const std::filesystem::path& path) {
  try {
    return files::ReadableFile(path);
  } catch (const files::FileError& error) {
    // A pipe or device has no size to bound reads by, and an open of a FIFO
    // would wait for a writer: pg_dump archives (and their members) are files.
    throw DumpError(error.code() == files::FileErrc::not_a_file ? DumpErrc::not_a_file : DumpErrc::io_error, path,
                    std::nullopt, error.reason());
  }
}

}  // namespace

FileSource::FileSource(std::filesystem::path path) : m_file(open_file(path)), m_size(m_file.size()) {}

std::size_t FileSource::read_at(std::uint64_t offset, std::span<std::uint8_t> out) const {
  std::size_t done = 0;
  while (done < out.size() && offset + done < m_size) {
    const ssize_t got = ::pread(m_file.fd(), out.data() + done, out.size() - done,
                                static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw DumpError(DumpErrc::io_error, m_file.path(), offset + done,
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
