#pragma once

// Building pg_dump archive headers byte by byte, as WriteHead
// (pg_backup_archiver.c) writes them, so every error path can be hit on purpose.

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

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

// ------------------------------------------------------------------ TOC and data

// One TOC entry as WriteToc (pg_backup_archiver.c) writes it; null strings
// are written as -1, so each field can be damaged on purpose.
struct EntrySpec {
  long long dump_id = 1;
  long long had_dumper = 0;
  std::optional<std::string> table_oid = std::string("1259");
  std::optional<std::string> oid = std::string("16384");
  std::optional<std::string> tag = std::string("t");
  std::optional<std::string> desc = std::string("TABLE");
  long long section = 2;
  std::optional<std::string> defn = std::string("");
  std::optional<std::string> drop = std::string("");
  std::optional<std::string> copy = std::string("");
  std::optional<std::string> ns = std::string("public");
  std::optional<std::string> tablespace = std::string("");
  std::optional<std::string> tableam = std::string("heap");  // 1.14+
  long long relkind = 'r';                                     // 1.16+
  std::optional<std::string> owner = std::string("postgres");
  std::optional<std::string> with_oids = std::string("false");
  std::vector<std::string> deps;
  // custom: the data offset (flag 1 not set, 2 set, 3 no data)
  int offset_flag = 3;
  unsigned long long offset = 0;
  // directory, tar: the data file name
  std::optional<std::string> filename = std::string("");
};

// A TABLE DATA entry for public.NAME with columns (a, b).
inline EntrySpec table_data(long long dump_id, const std::string& name, const std::string& schema = "public") {
  EntrySpec e;
  e.dump_id = dump_id;
  e.had_dumper = 1;
  e.tag = name;
  e.desc = std::string("TABLE DATA");
  e.section = 3;
  e.ns = schema;
  e.tableam = std::string("");
  e.relkind = 0;
  e.copy = "COPY " + schema + "." + name + " (a, b) FROM stdin;\n";
  e.deps = {"1"};
  e.offset_flag = 1;
  e.filename = std::to_string(dump_id) + ".dat";
  return e;
}

inline bool at_least(const HeaderSpec& h, int minor) { return h.vmaj > 1 || (h.vmaj == 1 && h.vmin >= minor); }

inline void write_entry(Bytes& b, const EntrySpec& e, const HeaderSpec& h) {
  const int n = h.int_size;
  b.integer(e.dump_id, n).integer(e.had_dumper, n).str(e.table_oid, n).str(e.oid, n).str(e.tag, n).str(e.desc, n);
  b.integer(e.section, n).str(e.defn, n).str(e.drop, n).str(e.copy, n).str(e.ns, n).str(e.tablespace, n);
  if (at_least(h, 14)) b.str(e.tableam, n);
  if (at_least(h, 16)) b.integer(e.relkind, n);
  b.str(e.owner, n).str(e.with_oids, n);
  for (const auto& d : e.deps) b.str(d, n);
  b.str(std::nullopt, n);
  if (h.format == 1) {
    b.byte(e.offset_flag);
    unsigned long long v = e.offset;
    for (int i = 0; i < h.off_size; ++i, v >>= 8) b.byte(static_cast<int>(v & 0xff));
  } else {
    b.str(e.filename, n);
  }
}

inline std::string build_toc(const HeaderSpec& h, const std::vector<EntrySpec>& entries,
                             std::optional<long long> count = std::nullopt) {
  Bytes b;
  b.integer(count.value_or(static_cast<long long>(entries.size())), h.int_size);
  for (const auto& e : entries) write_entry(b, e, h);
  return b.data();
}

// A custom archive's data block: type, dump id, chunks, a zero length.
struct BlockSpec {
  int type = 1;
  long long id = 1;
  std::vector<std::string> chunks;  // written as they are (already compressed)
  bool end_marker = true;
};

inline std::string build_block(const BlockSpec& block, int int_size = 4) {
  Bytes b;
  b.byte(block.type).integer(block.id, int_size);
  for (const auto& c : block.chunks) b.integer(static_cast<long long>(c.size()), int_size).raw(c);
  if (block.end_marker) b.integer(0, int_size);
  return b.data();
}

// A large objects block: for each, its OID and chunks; OID 0 ends it.
inline std::string build_blobs_block(long long id, const std::vector<std::pair<long long, std::string>>& blobs) {
  Bytes b;
  b.byte(3).integer(id);
  for (const auto& [oid, data] : blobs) {
    b.integer(oid);
    if (!data.empty()) b.integer(static_cast<long long>(data.size())).raw(data);
    b.integer(0);
  }
  b.integer(0);
  return b.data();
}

// A whole custom archive. With set_offsets, entries whose dump id has a data
// block get flag 2 and its offset (as pg_dump writes to a file), others keep
// theirs; without, it is as pg_dump writes to a pipe.
inline std::string build_custom(HeaderSpec h, std::vector<EntrySpec> entries, const std::vector<BlockSpec>& blocks,
                                bool set_offsets, const std::vector<std::string>& raw_blocks = {}) {
  h.format = 1;
  const std::string header = build_header(h);
  const std::size_t toc_size = build_toc(h, entries).size();
  std::string data;
  std::map<long long, unsigned long long> offsets;
  for (const auto& block : blocks) {
    if (block.type == 1 && !offsets.count(block.id)) offsets[block.id] = header.size() + toc_size + data.size();
    data += build_block(block, h.int_size);
  }
  for (const auto& raw : raw_blocks) data += raw;
  if (set_offsets)
    for (auto& e : entries)
      if (auto it = offsets.find(e.dump_id); it != offsets.end() && e.offset_flag == 1) {
        e.offset_flag = 2;
        e.offset = it->second;
      }
  return header + build_toc(h, entries) + data;
}

// Splits bytes into chunks of at most n, as pg_dump's writes come.
inline std::vector<std::string> chunked(const std::string& bytes, std::size_t n = 4096) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < bytes.size(); at += n) out.push_back(bytes.substr(at, n));
  return out;
}

// zlib's own wrapper (custom archives, deflateInit) or gzip's (gzopen, files).
inline std::string deflate_bytes(const std::string& text, bool gzip_wrapper = false) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, gzip_wrapper ? 16 + MAX_WBITS : MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

inline std::string lz4_frame(const std::string& text) {
  std::string out(LZ4F_compressFrameBound(text.size(), nullptr), '\0');
  const std::size_t n = LZ4F_compressFrame(out.data(), out.size(), text.data(), text.size(), nullptr);
  REQUIRE_FALSE(LZ4F_isError(n));
  out.resize(n);
  return out;
}

inline std::string zstd_frame(const std::string& text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  const std::size_t n = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3);
  REQUIRE_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

// Tar members after toc.dat, as pg_dump -Ft writes them.
inline std::string tar_archive_with(const std::string& toc, const std::vector<std::pair<std::string, std::string>>& members) {
  auto padded = [](const std::string& s) { return s + std::string((512 - s.size() % 512) % 512, '\0'); };
  std::string tar = tar_header("toc.dat", toc.size()) + padded(toc);
  for (const auto& [name, data] : members) tar += tar_header(name, data.size()) + padded(data);
  tar += tar_header("restore.sql", 0);
  tar.append(1024, '\0');
  return tar;
}

}  // namespace pgverify::dump::testing
