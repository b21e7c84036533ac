#include "hash/digest.hpp"

#include <xxhash.h>

namespace pgverify::hash {

void TableDigest::add_row(const void* data, std::size_t size) {
  XXH128_hash_t h = XXH3_128bits(data, size);
  sum += (static_cast<uint128>(h.high64) << 64) | h.low64;
  ++rows;
}

std::string TableDigest::hex() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(32, '0');
  uint128 value = sum;
  for (int i = 31; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = digits[static_cast<unsigned>(value & 0xF)];
    value >>= 4;
  }
  return out;
}

std::optional<uint128> TableDigest::parse_hex(std::string_view text) {
  if (text.size() != 32) return std::nullopt;
  uint128 value = 0;
  for (char c : text) {
    unsigned digit;
    if (c >= '0' && c <= '9') digit = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f') digit = static_cast<unsigned>(c - 'a' + 10);
    else return std::nullopt;
    value = (value << 4) | digit;
  }
  return value;
}

}  // namespace pgverify::hash
