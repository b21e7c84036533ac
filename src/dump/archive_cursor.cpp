#include "dump/archive_cursor.hpp"

#include <algorithm>
#include <limits>

namespace pgverify::dump {

namespace {

constexpr std::size_t kReadAhead = 64 * 1024;

std::string hex_byte(std::uint8_t b) {
  static constexpr char digits[] = "0123456789abcdef";
  return std::string("0x") + digits[b >> 4] + digits[b & 0xf];
}

}  // namespace

ArchiveCursor::ArchiveCursor(const ByteSource& source, std::uint64_t begin, std::uint64_t end,
                             std::string region)
    : m_source(source),
      m_begin(std::min(begin, source.size())),
      m_offset(m_begin),
      m_end(std::clamp(end, m_offset, source.size())),
      m_region(std::move(region)) {}

void ArchiveCursor::fail(DumpErrc code, std::uint64_t at, std::string reason) const {
  throw DumpError(code, m_source.path(), at, std::move(reason));
}

void ArchiveCursor::need(std::uint64_t n, std::uint64_t at, std::string_view what) const {
  if (n <= remaining()) return;
  fail(DumpErrc::truncated, at,
       "truncated inside " + std::string(what) + ": needs " + std::to_string(n) + " byte" +
           (n == 1 ? "" : "s") + ", " + m_region + " ends at byte offset " + std::to_string(m_end));
}

void ArchiveCursor::copy_out(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    const bool in_buffer = m_offset >= m_buffer_start && m_offset < m_buffer_start + m_buffer.size();
    if (!in_buffer) {
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(kReadAhead, m_end - m_offset));
      m_buffer.resize(want);
      const std::size_t got = m_source.read_at(m_offset, m_buffer);
      if (got == 0)
        fail(DumpErrc::io_error, m_offset, "the file shrank while being read");
      m_buffer.resize(got);
      m_buffer_start = m_offset;
    }
    const auto from = static_cast<std::size_t>(m_offset - m_buffer_start);
    const std::size_t n = std::min(out.size() - done, m_buffer.size() - from);
    std::copy_n(m_buffer.begin() + static_cast<std::ptrdiff_t>(from), n, out.begin() + static_cast<std::ptrdiff_t>(done));
    done += n;
    m_offset += n;
  }
}

std::uint8_t ArchiveCursor::read_byte(std::string_view what) {
  need(1, m_offset, what);
  std::uint8_t b = 0;
  copy_out({&b, 1});
  return b;
}

void ArchiveCursor::read_bytes(std::span<std::uint8_t> out, std::string_view what) {
  need(out.size(), m_offset, what);
  copy_out(out);
}

std::int32_t ArchiveCursor::read_int(std::string_view what) {
  const std::uint64_t at = m_offset;
  need(1 + static_cast<std::uint64_t>(m_int_size), at, what);
  const std::uint8_t sign = read_byte(what);
  // WriteInt writes only 0 or 1; ReadInt would take any other byte as "negative".
  if (sign > 1)
    fail(DumpErrc::bad_integer, at,
         "sign byte " + hex_byte(sign) + " of " + std::string(what) + " is neither 0 nor 1");
  std::uint64_t magnitude = 0;
  for (int i = 0; i < m_int_size; ++i) {
    const std::uint8_t b = read_byte(what);
    magnitude |= static_cast<std::uint64_t>(b) << (8 * i);
  }
  constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max());
  if (magnitude > max)
    fail(DumpErrc::integer_out_of_range, at,
         std::string(what) + " is " + (sign ? "-" : "") + std::to_string(magnitude) +
             ", beyond the 32-bit integers pg_dump writes");
  const auto value = static_cast<std::int32_t>(magnitude);
  return sign ? -value : value;
}

std::uint32_t ArchiveCursor::read_oid(std::string_view what) {
  const std::uint64_t at = m_offset;
  need(1 + static_cast<std::uint64_t>(m_int_size), at, what);
  const std::uint8_t sign = read_byte(what);
  if (sign > 1)
    fail(DumpErrc::bad_integer, at, "sign byte " + hex_byte(sign) + " of " + std::string(what) + " is neither 0 nor 1");
  std::uint64_t magnitude = 0;
  bool wide = false;
  for (int i = 0; i < m_int_size; ++i) {
    const std::uint8_t b = read_byte(what);
    if (i >= 4 && b != 0) wide = true;
    if (i < 8) magnitude |= static_cast<std::uint64_t>(b) << (8 * i);
  }
  // WriteInt writes a non-negative int as it is and a negative one as its
  // magnitude, at most 2^31 (INT_MIN, for the OID 2^31).
  constexpr std::uint64_t kMaxPositive = 0x7fffffffull, kMaxNegative = 0x80000000ull;
  if (wide || (sign == 0 && magnitude > kMaxPositive) || (sign == 1 && magnitude > kMaxNegative))
    fail(DumpErrc::bad_large_object_oid, at,
         std::string(what) + " is " + (sign ? "-" : "") + std::to_string(magnitude) +
             ", which is no 32-bit OID as pg_dump writes one");
  if (sign == 1 && magnitude == 0)
    fail(DumpErrc::bad_large_object_oid, at, std::string(what) + " is -0, which pg_dump never writes");
  return sign ? static_cast<std::uint32_t>(0x100000000ull - magnitude) : static_cast<std::uint32_t>(magnitude);
}

std::optional<std::string> ArchiveCursor::read_string(std::string_view what, std::size_t max_length) {
  const std::uint64_t at = m_offset;
  const std::int32_t length = read_int(std::string(what) + " (length)");
  if (length == -1) return std::nullopt;
  if (length < 0)
    fail(DumpErrc::bad_string_length, at,
         std::string(what) + " has length " + std::to_string(length) + " (only -1, for null, may be negative)");
  const auto n = static_cast<std::uint64_t>(length);
  if (n > max_length)
    fail(DumpErrc::bad_string_length, at,
         std::string(what) + " has an implausible length of " + std::to_string(n) + " bytes (at most " +
             std::to_string(max_length) + " expected)");
  if (n > remaining())
    fail(DumpErrc::truncated, at,
         "truncated inside " + std::string(what) + ": its length says " + std::to_string(n) + " bytes, " +
             m_region + " ends at byte offset " + std::to_string(m_end) + " after " +
             std::to_string(remaining()));
  std::string text(static_cast<std::size_t>(n), '\0');
  copy_out({reinterpret_cast<std::uint8_t*>(text.data()), text.size()});
  return text;
}

DataOffset ArchiveCursor::read_offset(std::string_view what) {
  const std::uint64_t at = m_offset;
  need(1 + static_cast<std::uint64_t>(m_off_size), at, what);
  const std::uint8_t flag = read_byte(what);
  if (flag < 1 || flag > 3)
    fail(DumpErrc::bad_integer, at,
         "data offset flag " + hex_byte(flag) + " of " + std::string(what) + " is none of 1, 2, 3");
  DataOffset result;
  result.state = static_cast<DataOffsetState>(flag);
  for (int i = 0; i < m_off_size; ++i) {
    const std::uint8_t b = read_byte(what);
    // ReadOffset refuses offsets wider than its pgoff_t; so do we.
    if (i >= 8 && b != 0)
      fail(DumpErrc::integer_out_of_range, at, std::string(what) + " does not fit in 64 bits");
    if (i < 8) result.value |= static_cast<std::uint64_t>(b) << (8 * i);
  }
  return result;
}

void ArchiveCursor::seek(std::uint64_t offset) { m_offset = std::clamp(offset, m_begin, m_end); }

void ArchiveCursor::skip(std::uint64_t n, std::string_view what) {
  need(n, m_offset, what);
  m_offset += n;
}

std::span<const std::uint8_t> ArchiveCursor::read_view(std::size_t max_bytes, std::string_view what) {
  need(1, m_offset, what);
  const bool in_buffer = m_offset >= m_buffer_start && m_offset < m_buffer_start + m_buffer.size();
  if (!in_buffer) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(kReadAhead, m_end - m_offset));
    m_buffer.resize(want);
    const std::size_t got = m_source.read_at(m_offset, m_buffer);
    if (got == 0) fail(DumpErrc::io_error, m_offset, "the file shrank while being read");
    m_buffer.resize(got);
    m_buffer_start = m_offset;
  }
  const auto from = static_cast<std::size_t>(m_offset - m_buffer_start);
  const std::size_t n = static_cast<std::size_t>(
      std::min<std::uint64_t>({max_bytes, m_buffer.size() - from, m_end - m_offset}));
  m_offset += n;
  return {m_buffer.data() + from, n};
}

}  // namespace pgverify::dump
