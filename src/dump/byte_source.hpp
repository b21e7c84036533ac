// Where archive bytes come from: a file read with offsets (never loaded whole),
// or memory (tests, decompressed text). The archive reader only ever asks for
// bounded ranges, so a hostile size field cannot make it read or allocate much.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "files/readable_file.hpp"

namespace pgverify::dump {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // The name errors carry: the file's path (or a test's label).
  virtual const std::filesystem::path& path() const = 0;
  virtual std::uint64_t size() const = 0;
  // Copies up to out.size() bytes starting at offset; returns how many it copied,
  // fewer only at the end. Throws DumpError (io_error) when the read fails.
  virtual std::size_t read_at(std::uint64_t offset, std::span<std::uint8_t> out) const = 0;
};

// A regular file, read with pread(2). The size is taken once at open.
class FileSource final : public ByteSource {
 public:
  // Throws DumpError: not_a_file for a directory, FIFO, socket or device (never
  // opened, so a FIFO cannot block), io_error when it cannot be opened.
  explicit FileSource(std::filesystem::path path);

  const std::filesystem::path& path() const override { return m_file.path(); }
  std::uint64_t size() const override { return m_size; }
  std::size_t read_at(std::uint64_t offset, std::span<std::uint8_t> out) const override;

 private:
  files::ReadableFile m_file;
  std::uint64_t m_size = 0;
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(std::filesystem::path label, std::vector<std::uint8_t> bytes)
      : m_path(std::move(label)), m_bytes(std::move(bytes)) {}
  MemorySource(std::filesystem::path label, const std::string& bytes)
      : m_path(std::move(label)), m_bytes(bytes.begin(), bytes.end()) {}

  const std::filesystem::path& path() const override { return m_path; }
  std::uint64_t size() const override { return m_bytes.size(); }
  std::size_t read_at(std::uint64_t offset, std::span<std::uint8_t> out) const override;

 private:
  std::filesystem::path m_path;
  std::vector<std::uint8_t> m_bytes;
};

}  // namespace pgverify::dump
