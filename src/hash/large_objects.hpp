// Large objects are data too: pg_dump writes each one's bytes into the
// archive's BLOBS entries and pg_restore recreates it under the same OID. Each
// object is recorded by its OID, owner, size and the XXH3-128 hash of its
// bytes, the same on a live server and inside a dump, so the baseline, the dump
// and the restored target can be compared object by object.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hash/digest.hpp"
#include "pg/session.hpp"

namespace pgverify::hash {

struct LargeObjectDigest {
  std::uint32_t oid = 0;
  std::string owner;  // role name; empty when the source of the record does not tell (a dump made with -O)
  std::uint64_t size = 0;
  uint128 hash = 0;   // XXH3-128 of the object's bytes
  // The object's privileges as aclexplode items ("grantee=PRIVS/grantor"
  // joined by ", ", sorted), empty when they are the owner's defaults; live
  // servers only.
  std::string acl;

  std::string hex() const;  // the hash as 32 lowercase hex digits
  bool operator==(const LargeObjectDigest&) const = default;
};

// Hashes one object's bytes as they stream by, in any number of pieces.
class ObjectHasher {
 public:
  ObjectHasher();
  ~ObjectHasher();
  ObjectHasher(const ObjectHasher&) = delete;
  ObjectHasher& operator=(const ObjectHasher&) = delete;

  void reset();
  void update(const void* data, std::size_t size);
  std::uint64_t size() const { return m_size; }
  uint128 digest() const;

 private:
  void* m_state;  // XXH3_state_t
  std::uint64_t m_size = 0;
};

// Every large object of the session's database (pg_largeobject_metadata), in
// OID order, read in the session's current transaction (so a caller's
// snapshot holds). With SELECT on pg_catalog.pg_largeobject (superusers) the
// pages stream in one COPY, holes read as zeros as lo_read gives them;
// otherwise each object is read with lo_get in pieces. Memory: one piece.
// Throws pg::PgError naming the object that cannot be read.
std::vector<LargeObjectDigest> hash_large_objects(pg::Session& session);

// The set as a whole: how many, their bytes, and the sum of per-object hashes
// of (oid, size, hash), for a one-line comparison.
struct LargeObjectSummary {
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  TableDigest digest;
};
LargeObjectSummary summarize(const std::vector<LargeObjectDigest>& objects);

}  // namespace pgverify::hash
