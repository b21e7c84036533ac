// files/: opening a path the user gave (a dump, a baseline manifest, a
// configuration file) for reading without being fooled by what it is: only a
// regular file is read, a FIFO or a device is never opened, so nothing blocks
// waiting for a writer or reads without end, and a whole-file read is bounded.
// Depends on nothing in pgverify but text/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pgverify::files {

enum class FileErrc {
  not_found,    // nothing at the path (or a parent is no directory)
  not_a_file,   // a directory, FIFO, socket or device
  cannot_open,  // stat or open refused (permissions, say)
  cannot_read,  // read(2) failed
  too_large,    // more bytes than the reader takes
};

// Why a path cannot be read as a file. what() is one line, "PATH: REASON",
// the path shown with text::printable.
class FileError : public std::runtime_error {
 public:
  FileError(FileErrc code, std::filesystem::path path, std::string reason);
  FileErrc code() const { return m_code; }
  const std::filesystem::path& path() const { return m_path; }
  const std::string& reason() const { return m_reason; }

 private:
  FileErrc m_code;
  std::filesystem::path m_path;
  std::string m_reason;
};

// "a FIFO", "a directory", "a character device", ...: what a stat(2) mode is.
std::string_view describe_file_type(unsigned mode);

// A regular file open for reading. Its type is checked before the open (a FIFO
// or a device is never opened, where an open could block or act), and again on
// the open descriptor, in case another file took the path in between; the open
// itself never blocks. Symbolic links are followed, to what they name.
class ReadableFile {
 public:
  // Throws FileError: not_found, not_a_file or cannot_open.
  explicit ReadableFile(std::filesystem::path path);
  ~ReadableFile();
  ReadableFile(ReadableFile&& other) noexcept;
  ReadableFile& operator=(ReadableFile&&) = delete;
  ReadableFile(const ReadableFile&) = delete;
  ReadableFile& operator=(const ReadableFile&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  int fd() const { return m_fd; }
  std::uint64_t size() const { return m_size; }  // as at the open

 private:
  std::filesystem::path m_path;
  int m_fd = -1;
  std::uint64_t m_size = 0;
};

// The whole of a regular file of at most `limit` bytes. Throws FileError, also
// too_large ("larger than N MiB") without reading past the limit.
std::string read_whole_file(const std::filesystem::path& path, std::uint64_t limit);

}  // namespace pgverify::files
