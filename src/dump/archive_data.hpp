// The table data inside a pg_dump archive, streamed as COPY text rows: custom
// archives (data blocks found by offset, or read in sequence when pg_dump wrote
// to a pipe and recorded no offsets), directory archives (NNNN.dat, .gz, .lz4,
// .zst), tar archives (NNNN.dat members) and plain SQL (COPY blocks, the file
// itself maybe gzip/lz4/zstd-compressed). Each row reaches the sink exactly as
// `COPY ... TO STDOUT` (text) gives it on a live server: no newline, no "\."
// end marker. A table whose data pg_dump wrote as INSERT statements (--inserts,
// --column-inserts: TocEntry::data_as_statements) is read to its end too, but
// gives no rows: its sink sees begin_table and end_table only. Nothing is
// loaded whole: memory is bounded by the longest row.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "dump/archive_toc.hpp"

namespace pgverify::dump {

class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual void begin_table(const TocEntry& entry) = 0;
  // One row without its newline; the view is valid during the call only.
  virtual void row(std::string_view row) = 0;
  virtual void end_table(const TocEntry& entry) = 0;

  // Large objects of a BLOBS entry, in archive order: each object's bytes
  // (decompressed) between begin and end. Ignored unless overridden; they are read to the end either way.
  virtual void begin_large_object([[maybe_unused]] const TocEntry& blobs_entry, [[maybe_unused]] std::uint32_t oid) {}
  virtual void large_object_data([[maybe_unused]] std::string_view bytes) {}
  virtual void end_large_object() {}
};

struct ReadProgress {
  // How far through the archive's bytes (compressed, as stored) the reader has
  // come; bytes_total when done. A directory archive counts toc.dat and the
  // data files read so far.
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_total = 0;  // the archive's size (a directory: toc.dat and its table data files)
  std::size_t tables_done = 0;
  std::size_t tables_total = 0;
};

// PostgreSQL refuses a single field or row over 1 GB (MaxAllocSize), so no
// real dump holds a longer COPY row.
inline constexpr std::size_t kMaxRowBytes = 1024u * 1024 * 1024;

class TarMembers;

struct DataReadOptions {
  // Called about every 4 MiB read, after every table and once at the end.
  std::function<void(const ReadProgress&)> on_progress;
  std::size_t max_row_bytes = kMaxRowBytes;
  // For a tar archive, the member index readers of its entries apart share,
  // so that its headers are walked once for all of them instead of once a
  // read (dump/tar_member.hpp); each read walks on its own when not set.
  TarMembers* tar_members = nullptr;
};

// Streams every table's data and every large object (toc.entries_with_data())
// to the sink: begin_table, its rows, end_table, table after table; each BLOBS
// entry's objects, each to its last byte. Then checks the objects read against
// those the TOC lists (check_large_objects). Throws DumpError naming the table
// or large object and byte offset on anything unreadable; the sink sees no
// end_table (end_large_object) for a table (object) that failed.
void read_table_data(const ArchiveToc& toc, RowSink& sink, const DataReadOptions& options);
void read_table_data(const ArchiveToc& toc, RowSink& sink,
                     std::function<void(const ReadProgress&)> on_progress = {});

// One TABLE DATA entry of toc (an element of toc.entries): begin_table, rows,
// end_table. Opens its own files, so several threads may each read another
// entry of the same archive at once. A custom archive without data offsets is
// scanned from its first data block, a compressed plain dump decompressed
// from its start: possible, but slow for parallel reading.
void read_entry_data(const ArchiveToc& toc, const TocEntry& entry, RowSink& sink,
                     const DataReadOptions& options = {});

// Several entries (TABLE DATA or BLOBS of toc, in archive order) in one pass
// over the archive: a tar archive's members are found with one walk. Returns
// the OIDs of the large objects read, for check_large_objects.
std::vector<std::uint32_t> read_entries_data(const ArchiveToc& toc, const std::vector<const TocEntry*>& entries,
                                             RowSink& sink, const DataReadOptions& options = {});

// After every BLOBS entry was read (in one pass or apart): the objects read
// (OIDs in any order) must be stored once each, and, when the TOC lists large
// objects (BLOB, BLOB METADATA) and the archive has their data, be exactly
// those listed. Throws duplicate_large_object, missing_large_object (listed,
// not stored: pg_restore creates it empty) or unlisted_large_object (stored,
// not listed: pg_restore cannot open it to write).
void check_large_objects(const ArchiveToc& toc, std::vector<std::uint32_t> oids_read);

// The stored bytes that hold these entries' data: the whole file of a custom,
// tar or plain archive; toc.dat plus their data files (a BLOBS entry: its
// blobs TOC file and the files it names) for a directory.
std::uint64_t archive_bytes(const ArchiveToc& toc, const std::vector<const TocEntry*>& tables);

// Rows per table, as pg_restore would emit them: one per TABLE DATA entry, in
// archive order (a table dumped in several entries appears several times).
struct TableRowCount {
  const TocEntry* entry = nullptr;
  std::uint64_t rows = 0;
};
std::vector<TableRowCount> count_table_rows(const ArchiveToc& toc, const DataReadOptions& options = {});

}  // namespace pgverify::dump
