#include "dump/archive_data.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "dump/copy_stream.hpp"
#include "dump/plain_dump.hpp"
#include "dump/tar_member.hpp"

namespace pgverify::dump {

namespace {

namespace fs = std::filesystem;
using detail::ProgressTracker;
using detail::TablePipeline;
using detail::table_label;

// Block types of a custom archive's data area (pg_backup_custom.c): BLK_DATA
// holds one TOC entry's data, BLK_BLOBS a run of large objects (each an OID
// and its chunks, ended by OID 0).
constexpr int kBlockData = 1;
constexpr int kBlockBlobs = 3;

constexpr std::size_t kPiece = 64 * 1024;

// A data file's compression, by the suffix pg_dump gave it.
std::optional<StreamCompression> kind_of_file(const std::string& name) {
  auto ends = [&](std::string_view s) { return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0; };
  if (ends(".gz")) return StreamCompression::gzip;
  if (ends(".lz4")) return StreamCompression::lz4;
  if (ends(".zst")) return StreamCompression::zstd;
  return std::nullopt;
}

// TABLE DATA written as INSERT statements (pg_dump --inserts) has no COPY
// statement; its data is SQL, not rows.
void require_copy_data(const ArchiveToc& toc, const TocEntry& entry) {
  if (!entry.copy_stmt.empty()) return;
  throw DumpError(DumpErrc::not_copy_data, toc.header.header_file, entry.entry_offset,
                  "the data of " + table_label(entry) +
                      " is not COPY rows but SQL statements (pg_dump --inserts or --column-inserts), which this "
                      "reader does not read");
}

// ------------------------------------------------------------------ custom

struct BlockHeader {
  int type = 0;
  int id = 0;
  std::uint64_t at = 0;
};

class CustomReader {
 public:
  CustomReader(const ArchiveToc& toc, const ByteSource& file, RowSink& sink, ProgressTracker& progress,
               std::size_t max_row)
      : m_toc(toc), m_file(file), m_cursor(file), m_sink(sink), m_progress(progress), m_max_row(max_row) {
    m_cursor.set_sizes(*toc.header.int_size, *toc.header.off_size);
  }

  void read(const std::vector<const TocEntry*>& wanted) {
    std::vector<const TocEntry*> by_offset, unplaced;
    for (const TocEntry* e : wanted) {
      require_copy_data(m_toc, *e);
      if (e->offset.state == DataOffsetState::set) by_offset.push_back(e);
      else if (e->offset.state == DataOffsetState::not_set) unplaced.push_back(e);
      else empty_table(*e);  // K_OFFSET_NO_DATA: pg_restore restores it with no rows
    }
    // Offsets in file order read the file front to back.
    std::stable_sort(by_offset.begin(), by_offset.end(),
                     [](const TocEntry* a, const TocEntry* b) { return a->offset.value < b->offset.value; });
    for (const TocEntry* e : by_offset) read_at_offset(*e);
    if (!unplaced.empty()) read_in_sequence(unplaced);
  }

 private:
  void empty_table(const TocEntry& entry) {
    m_sink.begin_table(entry);
    m_sink.end_table(entry);
    m_progress.table_done();
  }

  // _readBlockHeader; nullopt at the end of the file.
  std::optional<BlockHeader> block_header() {
    if (m_cursor.at_end()) return std::nullopt;
    BlockHeader h;
    h.at = m_cursor.offset();
    h.type = m_cursor.read_byte("a data block's type");
    h.id = m_cursor.read_int("a data block's dump id");
    return h;
  }

  void read_at_offset(const TocEntry& entry) {
    if (entry.offset.value >= m_file.size())
      m_cursor.fail(DumpErrc::truncated, m_file.size(),
                    "the data of " + table_label(entry) + " starts at byte offset " +
                        std::to_string(entry.offset.value) + ", past the end of the file");
    m_cursor.seek(entry.offset.value);
    const BlockHeader h = *block_header();
    if (h.type != kBlockData || h.id != entry.dump_id)
      m_cursor.fail(DumpErrc::unexpected_data_block, h.at,
                    "the data offset of " + table_label(entry) + " leads to a " + block_name(h.type) +
                        " block of dump id " + std::to_string(h.id) + ", not to its own data block");
    stream_block(entry);
  }

  // A dump written to a pipe has no offsets: walk every block from the end of
  // the TOC, reading the wanted ones and stepping over the rest.
  void read_in_sequence(const std::vector<const TocEntry*>& wanted) {
    std::set<int> missing;
    for (const TocEntry* e : wanted) missing.insert(e->dump_id);
    m_cursor.seek(m_toc.data_start);
    while (!missing.empty()) {
      const auto h = block_header();
      if (!h) break;
      const TocEntry* entry = m_toc.find(h->id);
      if (!entry)
        m_cursor.fail(DumpErrc::unknown_data_block, h->at,
                      "a " + block_name(h->type) + " block names dump id " + std::to_string(h->id) +
                          ", which no TOC entry has");
      if (h->type == kBlockData) {
        if (missing.erase(h->id)) {
          stream_block(*entry);
        } else {
          skip_chunks(*entry);
        }
      } else if (h->type == kBlockBlobs) {
        skip_blobs(*entry);
      } else {
        m_cursor.fail(DumpErrc::unknown_block_type, h->at,
                      "unknown data block type " + std::to_string(h->type) + " (pg_dump writes 1 for data, 3 for "
                      "large objects)");
      }
      m_progress.set_bytes_read(m_cursor.offset());
    }
    if (!missing.empty()) {
      const TocEntry& entry = *m_toc.find(*missing.begin());
      m_cursor.fail(DumpErrc::missing_data_block, m_cursor.offset(),
                    "the archive ends without a data block for " + table_label(entry) +
                        " (the TOC records no offset for it, and reading every block did not find it)");
    }
  }

  static std::string block_name(int type) {
    return type == kBlockData ? "data" : type == kBlockBlobs ? "large object" : "type " + std::to_string(type);
  }

  // The chunks of one block (_PrintData / _skipData): an int length, that many
  // bytes, ..., a zero length. `pipeline` null: stepped over.
  void chunks(TablePipeline* pipeline, const std::string& what) {
    while (true) {
      const std::uint64_t at = m_cursor.offset();
      const std::int32_t length = m_cursor.read_int("the length of a data chunk of " + what);
      if (length == 0) break;
      if (length < 0)
        m_cursor.fail(DumpErrc::bad_chunk_length, at,
                      "a data chunk of " + what + " has negative length " + std::to_string(length));
      if (static_cast<std::uint64_t>(length) > m_cursor.remaining())
        m_cursor.fail(DumpErrc::truncated, at,
                      "truncated inside the data of " + what + ": a chunk's length says " + std::to_string(length) +
                          " bytes, the file ends at byte offset " + std::to_string(m_cursor.end()) + " after " +
                          std::to_string(m_cursor.remaining()));
      if (!pipeline) {
        m_cursor.skip(static_cast<std::uint64_t>(length), "a data chunk");
        continue;
      }
      std::uint64_t left = static_cast<std::uint64_t>(length);
      while (left > 0) {
        const std::uint64_t piece_at = m_cursor.offset();
        const auto piece = m_cursor.read_view(static_cast<std::size_t>(std::min<std::uint64_t>(left, kPiece)),
                                              "a data chunk of " + what);
        left -= piece.size();
        pipeline->feed(piece, piece_at);
        m_progress.set_bytes_read(m_cursor.offset());
      }
    }
  }

  void stream_block(const TocEntry& entry) {
    TablePipeline pipeline(m_file.path(), entry, stream_kind(m_toc.header.compression), m_sink, m_max_row,
                           "its data block's chunks end here");
    m_sink.begin_table(entry);
    chunks(&pipeline, table_label(entry));
    pipeline.finish(m_cursor.offset());
    m_sink.end_table(entry);
    m_progress.table_done();
  }

  void skip_chunks(const TocEntry& entry) { chunks(nullptr, "entry " + std::to_string(entry.dump_id)); }

  // _skipBlobs: OID, chunks, OID, chunks, ..., OID 0. Each round reads at
  // least one int, so a hostile file ends the loop by running out.
  void skip_blobs(const TocEntry& entry) {
    const std::string what = "the large objects of entry " + std::to_string(entry.dump_id);
    while (m_cursor.read_int("a large object's OID in " + what) != 0) skip_chunks(entry);
  }

  const ArchiveToc& m_toc;
  const ByteSource& m_file;
  ArchiveCursor m_cursor;
  RowSink& m_sink;
  ProgressTracker& m_progress;
  std::size_t m_max_row;
};

// ------------------------------------------------------------------ directory, tar

// Streams bytes [begin, end) of a file into a table's pipeline.
void stream_range(const ByteSource& file, std::uint64_t begin, std::uint64_t end, const TocEntry& entry,
                  std::optional<StreamCompression> kind, RowSink& sink, ProgressTracker& progress,
                  std::size_t max_row, const std::string& where, std::uint64_t progress_base) {
  // Directory files and tar members are files: read as pg_restore reads them (gzread for .gz).
  TablePipeline pipeline(file.path(), entry, kind, sink, max_row, where, StreamDecoder::GzipInput::file);
  sink.begin_table(entry);
  std::vector<std::uint8_t> buffer(kPiece);
  std::uint64_t at = begin;
  while (at < end) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(kPiece, end - at));
    const std::size_t got = file.read_at(at, {buffer.data(), want});
    if (got == 0) throw DumpError(DumpErrc::io_error, file.path(), at, "the file shrank while being read");
    pipeline.feed({buffer.data(), got}, at);
    at += got;
    progress.set_bytes_read(progress_base + (at - begin));
  }
  pipeline.finish(at);
  sink.end_table(entry);
  progress.table_done();
}

// The data file of a directory archive's entry, as pg_restore finds it
// (InitDiscoverCompressFile): the name as recorded, else with .gz, .lz4, .zst.
fs::path directory_data_file(const ArchiveToc& toc, const TocEntry& entry) {
  if (entry.filename.empty())
    throw DumpError(DumpErrc::missing_data_file, toc.header.header_file, entry.entry_offset,
                    "the TOC names no data file for " + table_label(entry));
  const fs::path base = toc.path / entry.filename;
  std::error_code ec;
  for (const char* suffix : {"", ".gz", ".lz4", ".zst"}) {
    fs::path candidate = base;
    candidate += suffix;
    if (fs::is_regular_file(candidate, ec)) return candidate;
  }
  throw DumpError(DumpErrc::missing_data_file, base, std::nullopt,
                  "the data file of " + table_label(entry) + " is missing (also with .gz, .lz4 and .zst)");
}

void read_directory_entry(const ArchiveToc& toc, const TocEntry& entry, RowSink& sink, ProgressTracker& progress,
                          std::size_t max_row) {
  require_copy_data(toc, entry);
  const fs::path path = directory_data_file(toc, entry);
  FileSource file(path);
  const std::uint64_t base = progress.progress().bytes_read;
  stream_range(file, 0, file.size(), entry, kind_of_file(path.filename().string()), sink, progress, max_row,
               "the file ends here", base);
}

struct MemberRange {
  std::uint64_t begin = 0;
  std::uint64_t size = 0;
  std::uint64_t header_at = 0;
};

// Walks the tar headers once, noting where the wanted members are. Memory:
// one entry per wanted name, whatever the archive holds.
std::map<std::string, MemberRange> find_tar_members(const ByteSource& file, const std::set<std::string>& names) {
  std::map<std::string, MemberRange> found;
  std::uint64_t at = 0;
  std::array<std::uint8_t, kTarBlockSize> block{};
  while (found.size() < names.size() && at < file.size()) {
    if (file.read_at(at, block) < block.size()) break;  // a cut archive: the members it lost are reported
    if (std::all_of(block.begin(), block.end(), [](std::uint8_t b) { return b == 0; })) break;  // end of archive
    const TarMember member = read_tar_member(file, at);
    if (names.count(member.name) && !found.count(member.name))
      found[member.name] = {member.data_offset, member.size, member.header_offset};
    const std::uint64_t padded = member.size + (kTarBlockSize - member.size % kTarBlockSize) % kTarBlockSize;
    if (padded < member.size || padded > file.size() - std::min(file.size(), member.data_offset)) break;
    at = member.data_offset + padded;
  }
  return found;
}

void read_tar_entries(const ArchiveToc& toc, const std::vector<const TocEntry*>& wanted, RowSink& sink,
                      ProgressTracker& progress, std::size_t max_row) {
  FileSource file(toc.path);
  std::set<std::string> names;
  for (const TocEntry* e : wanted) {
    require_copy_data(toc, *e);
    if (e->filename.empty())
      throw DumpError(DumpErrc::missing_tar_member, toc.path, e->entry_offset,
                      "the TOC names no data member for " + table_label(*e));
    names.insert(e->filename);
  }
  const auto members = find_tar_members(file, names);
  for (const TocEntry* e : wanted) {
    auto it = members.find(e->filename);
    if (it == members.end())
      throw DumpError(DumpErrc::missing_tar_member, toc.path, std::nullopt,
                      "the tar archive has no member " + quote_bytes(e->filename) + " holding the data of " +
                          table_label(*e));
    const MemberRange& m = it->second;
    const bool fits = m.size <= file.size() - std::min(file.size(), m.begin);
    if (!fits)
      throw DumpError(DumpErrc::truncated, toc.path, file.size(),
                      "truncated inside the tar member " + quote_bytes(e->filename) + " holding the data of " +
                          table_label(*e) + ": its header at byte offset " + std::to_string(m.header_at) + " says " +
                          std::to_string(m.size) + " bytes");
    stream_range(file, m.begin, m.begin + m.size, *e, kind_of_file(e->filename), sink, progress, max_row,
                 "its tar member ends here", m.begin);
  }
}

// ------------------------------------------------------------------ sizes

std::uint64_t file_size_or_zero(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  return ec ? 0 : size;
}


void read_entries(const ArchiveToc& toc, const std::vector<const TocEntry*>& wanted, RowSink& sink,
                  ProgressTracker& progress, std::size_t max_row) {
  switch (toc.header.format) {
    case ArchiveFormat::custom: {
      FileSource file(toc.path);
      CustomReader(toc, file, sink, progress, max_row).read(wanted);
      break;
    }
    case ArchiveFormat::directory:
      for (const TocEntry* e : wanted) read_directory_entry(toc, *e, sink, progress, max_row);
      break;
    case ArchiveFormat::tar:
      read_tar_entries(toc, wanted, sink, progress, max_row);
      break;
    case ArchiveFormat::plain:
      detail::read_plain_tables(toc, wanted, sink, progress, max_row);
      break;
  }
}

class CountingSink final : public RowSink {
 public:
  std::vector<TableRowCount> counts;
  void begin_table(const TocEntry& entry) override { counts.push_back({&entry, 0}); }
  void row(std::string_view) override { ++counts.back().rows; }
  void end_table(const TocEntry&) override {}
};

}  // namespace

std::uint64_t archive_bytes(const ArchiveToc& toc, const std::vector<const TocEntry*>& tables) {
  if (toc.header.format != ArchiveFormat::directory) return file_size_or_zero(toc.path);
  std::uint64_t total = file_size_or_zero(toc.header.header_file);
  std::error_code ec;
  for (const TocEntry* e : tables) {
    if (e->filename.empty()) continue;
    for (const char* suffix : {"", ".gz", ".lz4", ".zst"}) {
      fs::path candidate = toc.path / e->filename;
      candidate += suffix;
      if (fs::is_regular_file(candidate, ec)) {
        total += file_size_or_zero(candidate);
        break;
      }
    }
  }
  return total;
}

void read_table_data(const ArchiveToc& toc, RowSink& sink, const DataReadOptions& options) {
  const auto tables = toc.tables_with_data();
  ProgressTracker progress(options.on_progress, archive_bytes(toc, tables), tables.size());
  // The header and TOC are read already.
  if (toc.header.format == ArchiveFormat::custom) progress.set_bytes_read(toc.data_start);
  else if (toc.header.format == ArchiveFormat::directory) progress.set_bytes_read(file_size_or_zero(toc.header.header_file));
  read_entries(toc, tables, sink, progress, options.max_row_bytes);
  progress.finish();
}

void read_table_data(const ArchiveToc& toc, RowSink& sink, std::function<void(const ReadProgress&)> on_progress) {
  DataReadOptions options;
  options.on_progress = std::move(on_progress);
  read_table_data(toc, sink, options);
}

void read_entry_data(const ArchiveToc& toc, const TocEntry& entry, RowSink& sink, const DataReadOptions& options) {
  ProgressTracker progress(options.on_progress, archive_bytes(toc, {&entry}), 1);
  read_entries(toc, {&entry}, sink, progress, options.max_row_bytes);
  progress.finish();
}

std::vector<TableRowCount> count_table_rows(const ArchiveToc& toc, const DataReadOptions& options) {
  CountingSink sink;
  read_table_data(toc, sink, options);
  return std::move(sink.counts);
}

}  // namespace pgverify::dump
