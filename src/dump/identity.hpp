#pragma once

// Which dump a run checked: its path, size and SHA-256, so a baseline names
// the very bytes pre read and a later step can tell the same dump from another.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace pgverify::dump {

struct DumpIdentity {
  std::string path;        // absolute
  std::uint64_t size = 0;  // bytes; a directory: the sum of its files
  std::string sha256;      // 64 hex digits
};

// Reads the dump once. A file: the SHA-256 of its bytes. A directory (pg_dump
// -Fd): the SHA-256 of one line "NAME SIZE SHA256\n" per file, by name; a
// member that is not a regular file (a FIFO, a device) makes it unidentifiable.
// std::runtime_error with a one-line message when it cannot be read;
// on_bytes (may be empty) hears the bytes read so far and the bytes in all.
DumpIdentity identify_dump(const std::filesystem::path& path,
                           const std::function<void(std::uint64_t done, std::uint64_t total)>& on_bytes = {});

}  // namespace pgverify::dump
