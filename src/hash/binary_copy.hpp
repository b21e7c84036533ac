// The binary COPY format's pieces both of hash/'s binary readers need
// (table rows and large object pages). Internal to hash/.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pgverify::hash::detail {

// "PGCOPY\n\377\r\n\0": 11 bytes, then flags and the header extension's length.
inline constexpr char kBinarySignature[] = "PGCOPY\n\377\r\n";
inline constexpr std::size_t kBinarySignatureSize = 11;

inline std::uint32_t read_be32(const char* p) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(p[0])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(p[1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(p[2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(p[3]));
}

}  // namespace pgverify::hash::detail
