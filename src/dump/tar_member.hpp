// The tar container of pg_dump -Ft (pg_backup_tar.c): 512-byte ustar headers,
// each followed by the member's bytes padded to 512. pg_dump writes toc.dat
// first, then one NNNN.dat per table, then restore.sql.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>

#include "dump/byte_source.hpp"

namespace pgverify::dump {

inline constexpr std::uint64_t kTarBlockSize = 512;

struct TarMember {
  std::string name;
  char type = '0';                   // '0' (or NUL) for a regular file
  std::uint64_t header_offset = 0;
  std::uint64_t data_offset = 0;     // header_offset + 512
  std::uint64_t size = 0;            // as the header declares it
};

// "ustar" at offset 257 of the first block: how tar archives are recognized.
bool has_tar_magic(std::span<const std::uint8_t> first_block);

// Reads and validates the header block at offset, as pg_restore's
// isValidTarHeader does: the checksum and one of the three magics pg_dump has
// written (POSIX "ustar\0" "00", GNU "ustar  \0", pre-9.3 pg_dump "ustar00\0").
// Throws DumpError: truncated, bad_tar_header.
TarMember read_tar_member(const ByteSource& file, std::uint64_t offset);

// Where a member's bytes are.
struct TarMemberRange {
  std::uint64_t begin = 0;      // its data's offset
  std::uint64_t size = 0;       // as its header declares it (maybe past the end of a cut file)
  std::uint64_t header_at = 0;
};

// The members of a tar archive, found with one walk over the headers that
// goes only as far as the lookups need, and is never repeated: each header is
// read once, however many readers ask (several threads may share one, as
// digest_dump's readers of a tar archive do). Large objects (blob_OID.dat) are
// kept by number, everything else by name: memory is one range a member walked
// past. The first of two members of one name wins, as in pg_restore's walk.
class TarMembers {
 public:
  // The source must outlive this; the ranges found hold for any source of the same file.
  explicit TarMembers(const ByteSource& file) : m_file(file) {}
  TarMembers(const TarMembers&) = delete;
  TarMembers& operator=(const TarMembers&) = delete;

  // The member, or nullptr when the archive ends (or is cut) before one of
  // that name. Throws DumpError for a damaged header on the way to it. The
  // range stays valid as long as this.
  const TarMemberRange* find(const std::string& name);

 private:
  bool step();  // reads the next header; false at the end of the archive

  const ByteSource& m_file;
  std::mutex m_mutex;
  std::uint64_t m_at = 0;
  bool m_done = false;
  std::map<std::string, TarMemberRange> m_named;
  std::unordered_map<std::uint64_t, TarMemberRange> m_blobs;
};

}  // namespace pgverify::dump
