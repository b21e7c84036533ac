#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "hash/catalog.hpp"
#include "hash/digest.hpp"
#include "hash/large_objects.hpp"
#include "pg/session.hpp"

namespace pgverify::hash {

struct Progress {
  std::size_t tables_done = 0;
  std::size_t tables_total = 0;
  std::uint64_t bytes_read = 0;       // COPY bytes received so far
  std::uint64_t bytes_estimated = 0;  // on-disk size of what is being hashed (a guide, not a promise)
};

// The session settings that shape text output and that pg_dump does not set
// itself (it inherits the database's and role's defaults). Empty: inherit them
// as pg_dump does, which is what a live source must do to hash like its dump;
// canonical(): the same on every cluster, for comparing two live servers.
struct OutputSettings {
  std::string time_zone;
  std::string bytea_output;
  std::string client_encoding;  // empty: the server's encoding, as pg_dump's default
  static OutputSettings canonical() { return {"UTC", "hex", "UTF8"}; }
};

struct HashOptions {
  Mode mode = Mode::binary;
  int jobs = 1;  // connections reading in parallel, sharing one snapshot
  TableFilter filter;
  // With jobs > 1, a table is read in ctid ranges of about this much data
  // (heap and TOAST, in 8 kB pages: 16384 = 128 MB), and a table of at least
  // split_min_pages in at least `jobs` ranges, so one large table keeps every
  // connection busy. Only from PostgreSQL 14, whose TID range scans read just
  // the range; older servers get whole tables in parallel.
  std::uint64_t chunk_pages = 16384;
  std::uint64_t split_min_pages = 4096;
  // TimeZone, bytea_output and client_encoding; post passes the baseline's.
  OutputSettings output;
  // post: read these relations with the baseline's columns, by name and in
  // its order (pg_restore may order an inheritance child's columns otherwise).
  ColumnPlans column_plans;
  // Large objects are hashed too (after the tables, in the same snapshot).
  bool large_objects = true;
  // Called from the calling thread about every 200 ms and once at the end.
  std::function<void(const Progress&)> on_progress;
};

struct RelationDigest {
  RelationSpec relation;
  TableDigest digest;
  std::string skipped;  // why it was not hashed (unpopulated materialized view); empty when hashed
};

struct DatabaseHash {
  Mode mode = Mode::binary;
  // The session settings the rows were read with (recorded in the manifest).
  std::vector<std::pair<std::string, std::string>> settings;
  std::vector<RelationDigest> relations;  // sorted by name; partitioned tables sum their partitions
  bool large_objects_hashed = false;
  std::vector<LargeObjectDigest> large_objects;  // in OID order
};

// Hashes every selected relation of the database at dsn in one consistent
// snapshot. Throws pg::PgError when the server cannot be read.
DatabaseHash hash_database(pg::Connector& connector, const std::string& dsn, const HashOptions& options);

// How many ctid ranges hash_database reads a table in: one per chunk_pages of
// its data (heap and TOAST), at least `jobs` for a table of split_min_pages or
// more, never more than its heap has pages; 1 when jobs is 1.
std::uint64_t ctid_ranges(const RelationSpec& relation, int jobs, const HashOptions& options);

// Applies pg_dump's read-side session settings and `output`, and returns
// what was applied (TimeZone, bytea_output, client_encoding first, as the
// manifest records them).
std::vector<std::pair<std::string, std::string>> prepare_session(pg::Session& session, const OutputSettings& output);

// Sinks that turn COPY data into a digest, for the archive reader too.
class TextRowHasher final : public pg::CopySink {
 public:
  void on_copy_data(const char* data, std::size_t size) override;
  TableDigest digest;
};

class BinaryRowHasher final : public pg::CopySink {
 public:
  explicit BinaryRowHasher(std::size_t columns) : m_columns(columns) {}
  void on_copy_data(const char* data, std::size_t size) override;
  TableDigest digest;

 private:
  std::size_t m_columns;
  bool m_header_seen = false;
  bool m_trailer_seen = false;
};

}  // namespace pgverify::hash
