#include "dump/tar_member.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <string_view>

#include "dump/dump_error.hpp"

namespace pgverify::dump {

namespace {

// ustar header fields (offset, length).
constexpr std::size_t kNameAt = 0, kNameLen = 100;
constexpr std::size_t kSizeAt = 124, kSizeLen = 12;
constexpr std::size_t kChecksumAt = 148, kChecksumLen = 8;
constexpr std::size_t kTypeAt = 156;
constexpr std::size_t kMagicAt = 257;

using Block = std::array<std::uint8_t, kTarBlockSize>;

std::string_view field(const Block& block, std::size_t at, std::size_t len) {
  return {reinterpret_cast<const char*>(block.data()) + at, len};
}

// An octal number as tar writes it (optional leading spaces, digits, then a
// space or NUL), or GNU's base-256 form for large sizes (first byte 0x80).
std::optional<std::uint64_t> parse_tar_number(std::string_view f) {
  if (!f.empty() && static_cast<unsigned char>(f[0]) == 0x80) {
    std::uint64_t value = 0;
    for (std::size_t i = 1; i < f.size(); ++i) {
      if (value >> 56) return std::nullopt;
      value = (value << 8) | static_cast<unsigned char>(f[i]);
    }
    return value;
  }
  std::size_t i = 0;
  while (i < f.size() && f[i] == ' ') ++i;
  const std::size_t digits_at = i;
  std::uint64_t value = 0;
  while (i < f.size() && f[i] >= '0' && f[i] <= '7') {
    if (value >> 60) return std::nullopt;
    value = (value << 3) | static_cast<std::uint64_t>(f[i] - '0');
    ++i;
  }
  if (i == digits_at) return std::nullopt;
  for (; i < f.size(); ++i)
    if (f[i] != ' ' && f[i] != '\0') return std::nullopt;
  return value;
}

// "blob_424201.dat" → 424201.
std::optional<std::uint64_t> blob_number(std::string_view name) {
  constexpr std::string_view prefix = "blob_", suffix = ".dat";
  if (name.size() <= prefix.size() + suffix.size() || name.substr(0, prefix.size()) != prefix ||
      name.substr(name.size() - suffix.size()) != suffix)
    return std::nullopt;
  const auto digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (digits.size() > 10 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::uint64_t value = 0;
  for (char c : digits) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  return value;
}

// The header block read at offset, checked as read_tar_member says.
TarMember parse_tar_member(const ByteSource& file, std::uint64_t offset, const Block& block) {
  const auto declared = parse_tar_number(field(block, kChecksumAt, kChecksumLen));
  if (!declared)
    throw DumpError(DumpErrc::bad_tar_header, file.path(), offset + kChecksumAt,
                    "tar header checksum field " + quote_bytes(field(block, kChecksumAt, kChecksumLen)) +
                        " is not an octal number");
  // tarChecksum(): every byte unsigned, the checksum field itself counted as spaces.
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < block.size(); ++i)
    sum += (i >= kChecksumAt && i < kChecksumAt + kChecksumLen) ? ' ' : block[i];
  if (sum != *declared)
    throw DumpError(DumpErrc::bad_tar_header, file.path(), offset,
                    "tar header checksum mismatch: the header says " + std::to_string(*declared) +
                        ", its bytes sum to " + std::to_string(sum));

  const std::string_view magic = field(block, kMagicAt, 8);
  const bool posix = magic.substr(0, 6) == std::string_view("ustar\0", 6) && magic.substr(6, 2) == "00";
  const bool gnu = magic == std::string_view("ustar  \0", 8);
  const bool old_pg_dump = magic == std::string_view("ustar00\0", 8);
  if (!posix && !gnu && !old_pg_dump)
    throw DumpError(DumpErrc::bad_tar_header, file.path(), offset + kMagicAt,
                    "unknown tar magic " + quote_bytes(magic) + " (pg_restore reads POSIX and GNU ustar)");

  const auto size = parse_tar_number(field(block, kSizeAt, kSizeLen));
  if (!size)
    throw DumpError(DumpErrc::bad_tar_header, file.path(), offset + kSizeAt,
                    "tar header size field " + quote_bytes(field(block, kSizeAt, kSizeLen)) +
                        " is not a number");

  TarMember member;
  std::string_view name = field(block, kNameAt, kNameLen);
  member.name = std::string(name.substr(0, name.find('\0')));
  member.type = static_cast<char>(block[kTypeAt]);
  member.header_offset = offset;
  member.data_offset = offset + kTarBlockSize;
  member.size = *size;
  return member;
}

}  // namespace

bool has_tar_magic(std::span<const std::uint8_t> first_block) {
  return first_block.size() >= kMagicAt + 5 &&
         std::memcmp(first_block.data() + kMagicAt, "ustar", 5) == 0;
}

TarMember read_tar_member(const ByteSource& file, std::uint64_t offset) {
  Block block{};
  const std::size_t got = file.read_at(offset, block);
  if (got < block.size())
    throw DumpError(DumpErrc::truncated, file.path(), offset,
                    "truncated inside a tar header: needs 512 bytes, the file ends at byte offset " +
                        std::to_string(offset + got));
  return parse_tar_member(file, offset, block);
}

const TarMemberRange* TarMembers::find(const std::string& name) {
  std::lock_guard lock(m_mutex);
  const auto number = blob_number(name);
  while (true) {
    if (number) {
      if (auto it = m_blobs.find(*number); it != m_blobs.end()) return &it->second;
    } else if (auto it = m_named.find(name); it != m_named.end()) {
      return &it->second;
    }
    if (!step()) return nullptr;
  }
}

bool TarMembers::step() {
  if (m_done || m_at >= m_file.size()) return false;
  Block block{};
  if (m_file.read_at(m_at, block) < block.size() ||  // a cut archive: the members it lost are reported
      std::all_of(block.begin(), block.end(), [](std::uint8_t b) { return b == 0; })) {  // end of archive
    m_done = true;
    return false;
  }
  const TarMember member = parse_tar_member(m_file, m_at, block);
  const TarMemberRange range{member.data_offset, member.size, member.header_offset};
  if (auto number = blob_number(member.name)) m_blobs.emplace(*number, range);
  else m_named.emplace(member.name, range);
  const std::uint64_t padded = member.size + (kTarBlockSize - member.size % kTarBlockSize) % kTarBlockSize;
  if (padded < member.size || padded > m_file.size() - std::min(m_file.size(), member.data_offset)) m_done = true;
  m_at = member.data_offset + padded;
  return true;
}

}  // namespace pgverify::dump
