// hash/: order-independent table hashing. Rows stream out of PostgreSQL with
// COPY; each row's bytes get an XXH3-128 hash; a table's digest is the row
// count and the sum of the row hashes modulo 2^128, so chunks, workers and row
// order combine by addition. The folder depends on pg/ and text/ only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pgverify::hash {

// GCC and Clang's 128-bit integer; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef unsigned __int128 uint128;

// The sum of row hashes of a table (or a part of one), with its row count.
struct TableDigest {
  std::uint64_t rows = 0;
  uint128 sum = 0;  // wraps: addition modulo 2^128

  void add_row(const void* data, std::size_t size);
  TableDigest& operator+=(const TableDigest& other) {
    rows += other.rows;
    sum += other.sum;
    return *this;
  }
  bool operator==(const TableDigest&) const = default;

  // 32 lowercase hex digits, most significant first.
  std::string hex() const;
  static std::optional<uint128> parse_hex(std::string_view text);
};

}  // namespace pgverify::hash
