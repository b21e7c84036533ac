#include "hash/large_objects.hpp"

#include <algorithm>
#include <cstring>

#include <xxhash.h>

#include "hash/binary_copy.hpp"
#include "pg/acl_sql.hpp"

namespace pgverify::hash {

namespace {

constexpr std::size_t kPieceBytes = 8u * 1024 * 1024;  // lo_get's piece when pages cannot be read

using detail::read_be32;

std::uint32_t to_oid(const pg::Cell& cell) {
  return static_cast<std::uint32_t>(std::stoul(cell.value_or("0")));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// encode(..., 'hex') text into bytes (whatever the session's bytea_output).
void feed_hex(const std::string& text, ObjectHasher& hasher, std::uint32_t oid) {
  if (text.size() % 2) throw pg::PgError("large object " + std::to_string(oid) + ": lo_get returned odd hex");
  std::string bytes(text.size() / 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const int high = hex_value(text[2 * i]), low = hex_value(text[2 * i + 1]);
    if (high < 0 || low < 0)
      throw pg::PgError("large object " + std::to_string(oid) + ": lo_get returned malformed hex");
    bytes[i] = static_cast<char>(high * 16 + low);
  }
  hasher.update(bytes.data(), bytes.size());
}

// pg_largeobject's pages of every object, in (loid, pageno) order, folded
// into the objects' hashes. A page is large_object_chunk_size bytes but the
// last; a missing page or the unwritten end of a short page before the next
// one is a hole, which lo_read (and so pg_dump) gives as zero bytes.
class PageHasher final : public pg::CopySink {
 public:
  PageHasher(std::vector<LargeObjectDigest>& objects, std::uint64_t page_size)
      : m_objects(objects), m_page_size(page_size) {}

  void on_copy_data(const char* data, std::size_t size) override {
    if (!m_header_seen) {
      constexpr std::size_t header = detail::kBinarySignatureSize + 4 + 4;  // signature, flags, extension length
      if (size < header || std::memcmp(data, detail::kBinarySignature, detail::kBinarySignatureSize) != 0)
        throw pg::PgError("binary COPY of pg_largeobject does not start with the PGCOPY signature");
      const std::size_t extension = read_be32(data + 15);
      if (header + extension > size) throw pg::PgError("binary COPY header of pg_largeobject is cut");
      data += header + extension;
      size -= header + extension;
      m_header_seen = true;
      if (size == 0) return;
    }
    if (size == 2 && data[0] == '\xff' && data[1] == '\xff') return;  // trailer
    // Three fields: loid (oid), pageno (int4), data (bytea).
    if (size < 2 + 4 + 4 + 4 + 4 + 4) throw pg::PgError("binary COPY row of pg_largeobject is too short");
    if (data[0] != 0 || data[1] != 3) throw pg::PgError("binary COPY row of pg_largeobject has other than 3 fields");
    const char* p = data + 2;
    if (read_be32(p) != 4 || read_be32(p + 8) != 4) throw pg::PgError("binary COPY row of pg_largeobject is malformed");
    const std::uint32_t oid = read_be32(p + 4);
    const std::uint64_t page = read_be32(p + 12);
    const std::uint32_t length = read_be32(p + 16);
    if (20 + 2 + static_cast<std::size_t>(length) > size)
      throw pg::PgError("binary COPY row of pg_largeobject is cut");
    page_of(oid, page, p + 20, length);
  }

  void finish() { close_current(); }

 private:
  void page_of(std::uint32_t oid, std::uint64_t page, const char* bytes, std::size_t length) {
    if (!m_current || m_current->oid != oid) {
      close_current();
      // Both lists are in OID order; pages of an object without metadata
      // (dropped after the listing, invisible to the snapshot) cannot occur.
      while (m_next < m_objects.size() && m_objects[m_next].oid < oid) ++m_next;
      if (m_next == m_objects.size() || m_objects[m_next].oid != oid)
        throw pg::PgError("pg_largeobject has pages of large object " + std::to_string(oid) +
                          ", which pg_largeobject_metadata does not list");
      m_current = &m_objects[m_next++];
      m_hasher.reset();
    }
    const std::uint64_t at = page * m_page_size;
    zeros(at - std::min(at, m_hasher.size()));
    m_hasher.update(bytes, length);
  }

  void zeros(std::uint64_t count) {
    static const char block[4096] = {};
    while (count > 0) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(count, sizeof block));
      m_hasher.update(block, n);
      count -= n;
    }
  }

  void close_current() {
    if (!m_current) return;
    m_current->size = m_hasher.size();
    m_current->hash = m_hasher.digest();
    m_current = nullptr;
  }

  std::vector<LargeObjectDigest>& m_objects;
  std::uint64_t m_page_size;
  ObjectHasher m_hasher;
  LargeObjectDigest* m_current = nullptr;
  std::size_t m_next = 0;
  bool m_header_seen = false;
};

}  // namespace

std::string LargeObjectDigest::hex() const {
  TableDigest digest;
  digest.sum = hash;
  return digest.hex();
}

ObjectHasher::ObjectHasher() : m_state(XXH3_createState()) {
  if (!m_state) throw std::bad_alloc();
  reset();
}

ObjectHasher::~ObjectHasher() { XXH3_freeState(static_cast<XXH3_state_t*>(m_state)); }

void ObjectHasher::reset() {
  XXH3_128bits_reset(static_cast<XXH3_state_t*>(m_state));
  m_size = 0;
}

void ObjectHasher::update(const void* data, std::size_t size) {
  if (size == 0) return;
  XXH3_128bits_update(static_cast<XXH3_state_t*>(m_state), data, size);
  m_size += size;
}

uint128 ObjectHasher::digest() const {
  const XXH128_hash_t h = XXH3_128bits_digest(static_cast<const XXH3_state_t*>(m_state));
  return (static_cast<uint128>(h.high64) << 64) | h.low64;
}

std::vector<LargeObjectDigest> hash_large_objects(pg::Session& session) {
  auto listed = session.query(
      "/* pgverify large objects */ "
      "SELECT m.oid, pg_catalog.pg_get_userbyid(m.lomowner), " +
      pg::acl_unless_default_sql("m.lomacl", 'L', "m.lomowner") +
      "  FROM pg_catalog.pg_largeobject_metadata m");
  std::vector<LargeObjectDigest> objects;
  objects.reserve(listed.rows.size());
  for (const auto& row : listed.rows) {
    LargeObjectDigest object;
    object.oid = to_oid(row.at(0));
    object.owner = row.at(1).value_or("");
    object.acl = row.at(2).value_or("");
    objects.push_back(std::move(object));
  }
  // OIDs are unsigned: sorted here, not by the server's ORDER BY on text.
  std::sort(objects.begin(), objects.end(),
            [](const LargeObjectDigest& a, const LargeObjectDigest& b) { return a.oid < b.oid; });
  const ObjectHasher empty;
  for (auto& object : objects) object.hash = empty.digest();
  if (objects.empty()) return objects;

  // pg_largeobject is readable by superusers only; pg_dump itself reads each
  // object with lo_read, which is what others get here too.
  auto access = session.query(
      "SELECT pg_catalog.has_table_privilege('pg_catalog.pg_largeobject', 'SELECT') "
      "   AND pg_catalog.has_function_privilege('pg_catalog.pg_control_init()', 'EXECUTE')");
  if (access.at(0, 0).value_or("f") == "t") {
    const std::uint64_t page_size = std::stoull(
        session.query("SELECT large_object_chunk_size FROM pg_catalog.pg_control_init()").at(0, 0).value_or("2048"));
    PageHasher pages(objects, page_size);
    session.copy_out(
        "COPY (SELECT loid, pageno, data FROM pg_catalog.pg_largeobject ORDER BY loid, pageno) "
        "TO STDOUT (FORMAT binary)",
        pages);
    pages.finish();
    return objects;
  }
  ObjectHasher hasher;
  for (auto& object : objects) {
    hasher.reset();
    const std::string oid = std::to_string(object.oid);
    for (std::uint64_t offset = 0;; offset += kPieceBytes) {
      pg::QueryResult piece;
      try {
        piece = session.query(
            "SELECT pg_catalog.encode(pg_catalog.lo_get($1::pg_catalog.oid, $2::pg_catalog.int8, $3::pg_catalog.int4), "
            "'hex')",
            {oid, std::to_string(offset), std::to_string(kPieceBytes)});
      } catch (const pg::PgError& error) {
        throw pg::PgError("large object " + oid + " cannot be read: " + error.what());
      }
      const std::string text = piece.at(0, 0).value_or("");
      const std::uint64_t before = hasher.size();
      feed_hex(text, hasher, object.oid);
      if (hasher.size() - before < kPieceBytes) break;
    }
    object.size = hasher.size();
    object.hash = hasher.digest();
  }
  return objects;
}

LargeObjectSummary summarize(const std::vector<LargeObjectDigest>& objects) {
  LargeObjectSummary summary;
  for (const auto& object : objects) {
    ++summary.count;
    summary.bytes += object.size;
    // (oid, size, hash) in a fixed layout, so two sets with the same objects sum alike.
    unsigned char record[4 + 8 + 16];
    for (int i = 0; i < 4; ++i) record[i] = static_cast<unsigned char>(object.oid >> (8 * i));
    for (int i = 0; i < 8; ++i) record[4 + i] = static_cast<unsigned char>(object.size >> (8 * i));
    for (int i = 0; i < 16; ++i) record[12 + i] = static_cast<unsigned char>(object.hash >> (8 * i));
    summary.digest.add_row(record, sizeof record);
  }
  return summary;
}

}  // namespace pgverify::hash
