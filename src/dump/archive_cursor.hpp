// Reading pg_dump's binary encodings (pg_backup_archiver.c: ReadInt, ReadStr,
// ReadOffset) from a bounded range of a ByteSource, with a byte offset on every
// error. The header, TOC and custom data block readers share one cursor, each
// continuing where the previous left it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dump/byte_source.hpp"
#include "dump/dump_error.hpp"

namespace pgverify::dump {

// ReadOffset's flag byte (K_OFFSET_* in pg_backup_archiver.h).
enum class DataOffsetState { not_set = 1, set = 2, no_data = 3 };

struct DataOffset {
  DataOffsetState state = DataOffsetState::not_set;
  std::uint64_t value = 0;  // meaningful when state == set
};

class ArchiveCursor {
 public:
  // Reads bytes [begin, end) of source; end is clamped to the source's size.
  // region names that range in truncation messages ("the file", "the toc.dat member").
  ArchiveCursor(const ByteSource& source, std::uint64_t begin, std::uint64_t end,
                std::string region = "the file");
  std::uint64_t begin() const { return m_begin; }
  explicit ArchiveCursor(const ByteSource& source) : ArchiveCursor(source, 0, source.size()) {}

  const ByteSource& source() const { return m_source; }
  std::uint64_t offset() const { return m_offset; }
  std::uint64_t end() const { return m_end; }
  std::uint64_t remaining() const { return m_end - m_offset; }

  // The header's intSize and offSize; read_int/read_string/read_offset need them.
  void set_sizes(int int_size, int off_size) {
    m_int_size = int_size;
    m_off_size = off_size;
  }
  int int_size() const { return m_int_size; }
  int off_size() const { return m_off_size; }

  // `what` names the field for messages: "the archive version (minor)".
  std::uint8_t read_byte(std::string_view what);
  void read_bytes(std::span<std::uint8_t> out, std::string_view what);
  // A sign byte (0 or 1) then int_size bytes, least significant first. pg_dump
  // writes C ints, so anything beyond 32 bits is corruption.
  std::int32_t read_int(std::string_view what);
  // An OID as WriteInt writes it: WriteInt takes an int, so OIDs from 2^31 on
  // arrive negative (3000000000 as -1294967296) and are taken back as
  // pg_restore's (Oid) ReadInt() does. 0 ends a BLOBS block. Throws
  // bad_large_object_oid for a value no OID was written as (-0, or beyond 32 bits).
  std::uint32_t read_oid(std::string_view what);
  // An int length then that many bytes; -1 is a null string (nullopt). A length
  // above max_length is refused before anything is allocated.
  std::optional<std::string> read_string(std::string_view what, std::size_t max_length);
  // A flag byte (K_OFFSET_*) then off_size bytes, least significant first.
  DataOffset read_offset(std::string_view what);

  // Moves to offset (clamped to [begin, end]); data blocks are reached by seeking.
  void seek(std::uint64_t offset);
  bool at_end() const { return m_offset >= m_end; }
  // Steps over n bytes, which must exist (truncated otherwise).
  void skip(std::uint64_t n, std::string_view what);
  // Up to max_bytes (at least one, truncated otherwise) of the next bytes,
  // without copying them out: valid until the cursor is used again.
  std::span<const std::uint8_t> read_view(std::size_t max_bytes, std::string_view what);

  [[noreturn]] void fail(DumpErrc code, std::uint64_t at, std::string reason) const;

 private:
  // Throws `truncated` unless n more bytes exist in the range.
  void need(std::uint64_t n, std::uint64_t at, std::string_view what) const;
  void copy_out(std::span<std::uint8_t> out);

  const ByteSource& m_source;
  std::uint64_t m_begin;
  std::uint64_t m_offset;
  std::uint64_t m_end;
  std::string m_region;
  int m_int_size = 4;
  int m_off_size = 8;
  // A read-ahead window so byte-at-a-time parsing is not a syscall per byte.
  std::vector<std::uint8_t> m_buffer;
  std::uint64_t m_buffer_start = 0;
};

}  // namespace pgverify::dump
