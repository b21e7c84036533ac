#pragma once

// Building pg_dump archive headers byte by byte, as WriteHead
// (pg_backup_archiver.c) writes them, so every error path can be hit on purpose.

#include <catch2/catch.hpp>

#include <array>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "dump/archive_header.hpp"

namespace pgverify::dump::testing {

class Bytes {
 public:
  Bytes& raw(std::string_view s) {
    m_data += s;
    return *this;
  }
  Bytes& byte(int b) {
    m_data += static_cast<char>(static_cast<unsigned char>(b));
    return *this;
  }
  // WriteInt: a sign byte, then the magnitude least significant byte first.
  Bytes& integer(long long value, int int_size = 4) {
    byte(value < 0 ? 1 : 0);
    auto magnitude = static_cast<unsigned long long>(value < 0 ? -value : value);
    for (int i = 0; i < int_size; ++i) {
      byte(static_cast<int>(magnitude & 0xff));
      magnitude >>= 8;
    }
    return *this;
  }
  // WriteStr: -1 for null, else the length and the bytes.
  Bytes& str(const std::optional<std::string>& s, int int_size = 4) {
    if (!s) return integer(-1, int_size);
    integer(static_cast<long long>(s->size()), int_size);
    return raw(*s);
  }
  const std::string& data() const { return m_data; }

 private:
  std::string m_data;
};

struct HeaderSpec {
  int vmaj = 1, vmin = 16, vrev = 0;
  int int_size = 4, off_size = 8;
  int format = 1;        // archCustom
  int algorithm = 1;     // from 1.15: PG_COMPRESSION_GZIP
  long long level = -1;  // before 1.15: Z_DEFAULT_COMPRESSION
  std::array<long long, 7> time{9, 5, 14, 1, 2, 125, 0};  // 2025-03-01T14:05:09
  std::optional<std::string> database = std::string("qrydb");
  std::optional<std::string> server = std::string("17.12 (Debian 17.12-0+deb13u1)");
  std::optional<std::string> pg_dump = std::string("17.12 (Debian 17.12-0+deb13u1)");
};

inline std::string build_header(const HeaderSpec& s) {
  Bytes b;
  b.raw("PGDMP").byte(s.vmaj).byte(s.vmin).byte(s.vrev).byte(s.int_size).byte(s.off_size).byte(s.format);
  if (s.vmaj > 1 || (s.vmaj == 1 && s.vmin >= 15))
    b.byte(s.algorithm);
  else
    b.integer(s.level, s.int_size);
  for (long long field : s.time) b.integer(field, s.int_size);
  b.str(s.database, s.int_size).str(s.server, s.int_size).str(s.pg_dump, s.int_size);
  return b.data();
}

inline ArchiveHeader read_memory(const std::string& bytes, const std::string& label = "test.dump") {
  MemorySource source(label, bytes);
  return read_archive_header(source);
}

template <class F>
DumpError expect_dump_error(F&& f) {
  try {
    f();
  } catch (const DumpError& e) {
    return e;
  }
  FAIL("expected a DumpError, none was thrown");
  throw std::logic_error("unreachable");
}

inline DumpError memory_error(const std::string& bytes, const std::string& label = "test.dump") {
  return expect_dump_error([&] { read_memory(bytes, label); });
}

// The message contract: one line, "PATH[ at byte offset N]: reason", the reason
// lowercase, no trailing period.
inline void check_message_form(const DumpError& e) {
  const std::string what = e.what();
  INFO(what);
  CHECK(what.find('\n') == std::string::npos);
  CHECK(what.rfind(e.path().string(), 0) == 0);
  if (e.offset())
    CHECK(what.find(" at byte offset " + std::to_string(*e.offset()) + ": ") != std::string::npos);
  REQUIRE_FALSE(e.reason().empty());
  const char first = e.reason().front();
  CHECK_FALSE((first >= 'A' && first <= 'Z'));
  CHECK(what.back() != '.');
}

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

// A ustar header block for one member, as pg_dump's _tarWriteHeader makes it.
inline std::string tar_header(const std::string& name, std::size_t size, std::string_view magic = {"ustar\0" "00", 8}) {
  std::string block(512, '\0');
  block.replace(0, name.size(), name);
  auto octal = [](unsigned long long value, int width) {
    std::string digits(static_cast<std::size_t>(width), '0');
    for (int i = width - 1; i >= 0 && value; --i, value >>= 3)
      digits[static_cast<std::size_t>(i)] = static_cast<char>('0' + (value & 7));
    return digits;
  };
  block.replace(100, 8, octal(0600, 7) + " ");
  block.replace(108, 8, octal(04000, 7) + " ");
  block.replace(116, 8, octal(02000, 7) + " ");
  block.replace(124, 12, octal(size, 11) + " ");
  block.replace(136, 12, octal(015301355237, 11) + " ");
  block[156] = '0';
  block.replace(257, magic.size(), magic);
  block.replace(148, 8, "        ");
  unsigned long long sum = 0;
  for (char c : block) sum += static_cast<unsigned char>(c);
  block.replace(148, 8, octal(sum, 7) + " ");
  return block;
}

inline std::string tar_archive(const std::string& toc) {
  std::string tar = tar_header("toc.dat", toc.size()) + toc;
  tar.append((512 - toc.size() % 512) % 512, '\0');
  tar += tar_header("restore.sql", 0);
  tar.append(1024, '\0');
  return tar;
}

}  // namespace pgverify::dump::testing
