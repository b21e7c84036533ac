// The tar container of pg_dump -Ft (pg_backup_tar.c): 512-byte ustar headers,
// each followed by the member's bytes padded to 512. pg_dump writes toc.dat
// first, then one NNNN.dat per table, then restore.sql.
#pragma once

#include <cstdint>
#include <span>
#include <string>

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

}  // namespace pgverify::dump
