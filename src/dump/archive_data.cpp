#include "dump/archive_data.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <optional>
#include <set>

#include "dump/copy_stream.hpp"
#include "dump/plain_dump.hpp"
#include "dump/tar_member.hpp"

namespace pgverify::dump {

namespace {

namespace fs = std::filesystem;
using detail::LargeObjectStream;
using detail::ProgressTracker;
using detail::ReadContext;
using detail::TablePipeline;
using detail::large_object_label;
using detail::table_label;
using GzipInput = StreamDecoder::GzipInput;

// Block types of a custom archive's data area (pg_backup_custom.c): BLK_DATA
// holds one TOC entry's data, BLK_BLOBS a run of large objects (each an OID
// and its chunks, ended by OID 0).
constexpr int kBlockData = 1;
constexpr int kBlockBlobs = 3;

constexpr std::size_t kPiece = 64 * 1024;

// A line of a blobs TOC file is read into MAXPGPATH (1024) bytes by pg_restore.
constexpr std::size_t kBlobsTocLineLimit = 1024;

// A data file's compression, by the suffix pg_dump gave it.
std::optional<StreamCompression> kind_of_file(const std::string& name) {
  auto ends = [&](std::string_view s) { return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0; };
  if (ends(".gz")) return StreamCompression::gzip;
  if (ends(".lz4")) return StreamCompression::lz4;
  if (ends(".zst")) return StreamCompression::zstd;
  return std::nullopt;
}

// "entry 3472 (BLOBS "424201..424203")"
std::string blobs_label(const TocEntry& entry) {
  return "entry " + std::to_string(entry.dump_id) + " (BLOBS " + quote_bytes(entry.tag) + ")";
}

std::string entry_label(const TocEntry& entry) {
  if (entry.is_table_data()) return table_label(entry);
  return "the large objects of " + blobs_label(entry);
}

// One line of a blobs TOC file (_LoadLOs in pg_backup_directory.c reads it
// with sscanf "%u %s"; pg_dump writes "OID blob_OID.dat").
struct BlobsTocLine {
  std::uint32_t oid = 0;
  std::string file;
};

BlobsTocLine parse_blobs_toc_line(std::string_view line, const fs::path& path, std::uint64_t at, std::uint64_t line_no) {
  const std::string where = "line " + std::to_string(line_no) + " of the large object TOC file";
  const std::size_t space = line.find(' ');
  const std::string_view number = line.substr(0, space);
  const std::string_view file = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  const bool digits = !number.empty() && std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
  const bool plain_file = !file.empty() && file.find_first_of(std::string_view(" \t\r/\0", 5)) == std::string_view::npos &&
                          file != "." && file != "..";
  if (!digits || !plain_file)
    throw DumpError(DumpErrc::bad_large_object_toc_line, path, at,
                    where + " is " + quote_bytes(line) +
                        ", not \"OID FILENAME\" (pg_restore stops: \"invalid line in large object TOC file\")");
  const auto oid = parse_oid(number);
  if (!oid)
    throw DumpError(DumpErrc::bad_large_object_oid, path, at,
                    where + " names large object " + quote_bytes(number) + ", which is no OID (1 to 4294967295)");
  return {*oid, std::string(file)};
}

// The files pg_restore finds for a name in a directory archive
// (InitDiscoverCompressFileHandle): the name as recorded, else with .gz, .lz4,
// .zst. Whatever is there counts, as it does for pg_restore: a FIFO or a link
// to a device is found, and FileSource then refuses it (never opens it).
std::optional<fs::path> discover_file(const fs::path& base) {
  std::error_code ec;
  for (const char* suffix : {"", ".gz", ".lz4", ".zst"}) {
    fs::path candidate = base;
    candidate += suffix;
    if (fs::exists(candidate, ec)) return candidate;
  }
  return std::nullopt;
}

// Feeds bytes [begin, end) of a file to `feed` in pieces, with their offsets.
template <class Feed>
void feed_range(const ByteSource& file, std::uint64_t begin, std::uint64_t end, ProgressTracker& progress,
                std::uint64_t progress_base, Feed&& feed) {
  std::vector<std::uint8_t> buffer(kPiece);
  std::uint64_t at = begin;
  while (at < end) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(kPiece, end - at));
    const std::size_t got = file.read_at(at, {buffer.data(), want});
    if (got == 0) throw DumpError(DumpErrc::io_error, file.path(), at, "the file shrank while being read");
    feed(std::span<const std::uint8_t>(buffer.data(), got), at);
    at += got;
    progress.set_bytes_read(progress_base + (at - begin));
  }
}

// The lines of a blobs TOC file or member, each handed out parsed with the
// offset it starts at; lines up to pg_restore's MAXPGPATH.
class BlobsTocReader final : private detail::LineSplitter::Handler {
 public:
  using OnLine = std::function<void(const BlobsTocLine&, std::uint64_t at)>;
  // base: the file offset of the list's first byte (a tar member's start).
  BlobsTocReader(const fs::path& path, std::uint64_t base, OnLine on_line)
      : m_path(path), m_base(base), m_on_line(std::move(on_line)), m_lines(*this) {
    m_lines.set_limit(kBlobsTocLineLimit, true);
  }
  void feed(std::string_view text) { m_lines.feed(text); }
  // pg_restore's gets reads a last line without its newline too.
  void finish() {
    if (m_lines.pending() > 0) m_lines.feed("\n");
  }

 private:
  void on_line(std::string_view kept, std::uint64_t, std::uint64_t start) override {
    ++m_line_no;
    m_on_line(parse_blobs_toc_line(kept, m_path, m_base + start, m_line_no), m_base + start);
  }
  [[noreturn]] void on_too_long(std::uint64_t start, std::uint64_t length) override {
    throw DumpError(DumpErrc::bad_large_object_toc_line, m_path, m_base + start,
                    "line " + std::to_string(m_line_no + 1) + " of the large object TOC file is " +
                        std::to_string(length) + " bytes long, more than pg_restore reads of a line (" +
                        std::to_string(kBlobsTocLineLimit) + ")");
  }

  const fs::path& m_path;
  std::uint64_t m_base;
  OnLine m_on_line;
  detail::LineSplitter m_lines;
  std::uint64_t m_line_no = 0;
};

// ------------------------------------------------------------------ custom

struct BlockHeader {
  int type = 0;
  int id = 0;
  std::uint64_t at = 0;
};

class CustomReader {
 public:
  CustomReader(const ArchiveToc& toc, const ByteSource& file, ReadContext& context)
      : m_toc(toc), m_file(file), m_cursor(file), m_context(context) {
    m_cursor.set_sizes(*toc.header.int_size, *toc.header.off_size);
  }

  void read(const std::vector<const TocEntry*>& wanted) {
    std::vector<const TocEntry*> by_offset, unplaced;
    for (const TocEntry* e : wanted) {
      if (e->offset.state == DataOffsetState::set) by_offset.push_back(e);
      else if (e->offset.state == DataOffsetState::not_set) unplaced.push_back(e);
      else if (e->is_table_data()) empty_table(*e);  // K_OFFSET_NO_DATA: pg_restore restores it with no rows
      // A BLOBS entry without data holds no objects; check_large_objects names those it lists.
    }
    // Offsets in file order read the file front to back.
    std::stable_sort(by_offset.begin(), by_offset.end(),
                     [](const TocEntry* a, const TocEntry* b) { return a->offset.value < b->offset.value; });
    for (const TocEntry* e : by_offset) read_at_offset(*e);
    if (!unplaced.empty()) read_in_sequence(unplaced);
  }

 private:
  void empty_table(const TocEntry& entry) {
    m_context.sink.begin_table(entry);
    m_context.sink.end_table(entry);
    m_context.progress.table_done();
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

  static int block_type_of(const TocEntry& entry) { return entry.is_large_objects() ? kBlockBlobs : kBlockData; }

  void read_at_offset(const TocEntry& entry) {
    if (entry.offset.value >= m_file.size())
      m_cursor.fail(DumpErrc::truncated, m_file.size(),
                    "the data of " + entry_label(entry) + " starts at byte offset " +
                        std::to_string(entry.offset.value) + ", past the end of the file");
    m_cursor.seek(entry.offset.value);
    const BlockHeader h = *block_header();
    if (h.type != block_type_of(entry) || h.id != entry.dump_id)
      m_cursor.fail(DumpErrc::unexpected_data_block, h.at,
                    "the data offset of " + entry_label(entry) + " leads to a " + block_name(h.type) +
                        " block of dump id " + std::to_string(h.id) + ", not to its own " +
                        block_name(block_type_of(entry)) + " block");
    read_block(entry);
  }

  void read_block(const TocEntry& entry) {
    if (entry.is_large_objects()) read_blobs(entry);
    else stream_block(entry);
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
      if (h->type != kBlockData && h->type != kBlockBlobs)
        m_cursor.fail(DumpErrc::unknown_block_type, h->at,
                      "unknown data block type " + std::to_string(h->type) + " (pg_dump writes 1 for data, 3 for "
                      "large objects)");
      if (missing.count(h->id)) {
        if (h->type != block_type_of(*entry))
          m_cursor.fail(DumpErrc::unexpected_data_block, h->at,
                        "a " + block_name(h->type) + " block holds the data of " + entry_label(*entry) +
                            ", whose data pg_dump writes in a " + block_name(block_type_of(*entry)) + " block");
        missing.erase(h->id);
        read_block(*entry);
      } else if (h->type == kBlockData) {
        skip_chunks("entry " + std::to_string(entry->dump_id));
      } else {
        skip_blobs(*entry);
      }
      m_context.progress.set_bytes_read(m_cursor.offset());
    }
    if (!missing.empty()) {
      const TocEntry& entry = *m_toc.find(*missing.begin());
      m_cursor.fail(DumpErrc::missing_data_block, m_cursor.offset(),
                    "the archive ends without a data block for " + entry_label(entry) +
                        " (the TOC records no offset for it, and reading every block did not find it)");
    }
  }

  static std::string block_name(int type) {
    return type == kBlockData ? "data" : type == kBlockBlobs ? "large object" : "type " + std::to_string(type);
  }

  // The chunks of one block or large object (_PrintData / _skipData): an int
  // length, that many bytes, ..., a zero length. Each piece goes to `feed`
  // with its offset; without one the chunks are stepped over.
  template <class Feed>
  void chunks(const std::string& what, Feed* feed) {
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
      if (!feed) {
        m_cursor.skip(static_cast<std::uint64_t>(length), "a data chunk");
        continue;
      }
      std::uint64_t left = static_cast<std::uint64_t>(length);
      while (left > 0) {
        const std::uint64_t piece_at = m_cursor.offset();
        const auto piece = m_cursor.read_view(static_cast<std::size_t>(std::min<std::uint64_t>(left, kPiece)),
                                              "a data chunk of " + what);
        left -= piece.size();
        (*feed)(piece, piece_at);
        m_context.progress.set_bytes_read(m_cursor.offset());
      }
    }
  }

  void stream_block(const TocEntry& entry) {
    TablePipeline pipeline(m_file.path(), entry, stream_kind(m_toc.header.compression), m_context.sink,
                           m_context.max_row, "its data block's chunks end here");
    m_context.sink.begin_table(entry);
    auto feed = [&](std::span<const std::uint8_t> piece, std::uint64_t at) { pipeline.feed(piece, at); };
    chunks(table_label(entry), &feed);
    pipeline.finish(m_cursor.offset());
    m_context.sink.end_table(entry);
    m_context.progress.table_done();
  }

  void skip_chunks(const std::string& what) { chunks<void(std::span<const std::uint8_t>, std::uint64_t)>(what, nullptr); }

  // _LoadLOs: OID, the object's own compressed stream in chunks ended by a
  // zero length, the next OID, ..., OID 0.
  void read_blobs(const TocEntry& entry) {
    const std::string of = " in the large objects of entry " + std::to_string(entry.dump_id);
    while (true) {
      const std::uint64_t at = m_cursor.offset();
      const std::uint32_t oid = m_cursor.read_oid("a large object's OID" + of);
      if (oid == 0) break;
      m_context.objects.add(oid, entry, m_file.path(), at);
      const std::string label = large_object_label(oid, entry);
      LargeObjectStream object(m_file.path(), entry, oid, stream_kind(m_toc.header.compression), m_context.sink,
                               "its chunks end here");
      auto feed = [&](std::span<const std::uint8_t> piece, std::uint64_t piece_at) { object.feed(piece, piece_at); };
      chunks(label, &feed);
      object.finish(m_cursor.offset());
    }
  }

  // _skipLOs: OID, chunks, OID, chunks, ..., OID 0. Each round reads at
  // least one int, so a hostile file ends the loop by running out.
  void skip_blobs(const TocEntry& entry) {
    const std::string what = "the large objects of entry " + std::to_string(entry.dump_id);
    while (m_cursor.read_oid("a large object's OID in " + what) != 0) skip_chunks(what);
  }

  const ArchiveToc& m_toc;
  const ByteSource& m_file;
  ArchiveCursor m_cursor;
  ReadContext& m_context;
};

// ------------------------------------------------------------------ directory, tar

// Streams bytes [begin, end) of a file into a table's pipeline.
void stream_range(const ByteSource& file, std::uint64_t begin, std::uint64_t end, const TocEntry& entry,
                  std::optional<StreamCompression> kind, ReadContext& context, const std::string& where,
                  std::uint64_t progress_base) {
  TablePipeline pipeline(file.path(), entry, kind, context.sink, context.max_row, where, GzipInput::file);
  context.sink.begin_table(entry);
  feed_range(file, begin, end, context.progress, progress_base,
             [&](std::span<const std::uint8_t> piece, std::uint64_t at) { pipeline.feed(piece, at); });
  pipeline.finish(end);
  context.sink.end_table(entry);
  context.progress.table_done();
}

// Streams bytes [begin, end) of a file as one large object.
void stream_object(const ByteSource& file, std::uint64_t begin, std::uint64_t end, const TocEntry& entry,
                   std::uint32_t oid, std::optional<StreamCompression> kind, ReadContext& context,
                   const std::string& where, std::uint64_t progress_base) {
  LargeObjectStream object(file.path(), entry, oid, kind, context.sink, where, GzipInput::file);
  feed_range(file, begin, end, context.progress, progress_base,
             [&](std::span<const std::uint8_t> piece, std::uint64_t at) { object.feed(piece, at); });
  object.finish(end);
}

// The data file of a directory archive's entry, as pg_restore finds it
// (InitDiscoverCompressFileHandle): the name as recorded, else with .gz, .lz4, .zst.
fs::path directory_data_file(const ArchiveToc& toc, const TocEntry& entry) {
  if (entry.filename.empty())
    throw DumpError(DumpErrc::missing_data_file, toc.header.header_file, entry.entry_offset,
                    "the TOC names no data file for " + table_label(entry));
  const fs::path base = toc.path / entry.filename;
  if (auto found = discover_file(base)) return *found;
  throw DumpError(DumpErrc::missing_data_file, base, std::nullopt,
                  "the data file of " + table_label(entry) + " is missing (also with .gz, .lz4 and .zst)");
}

void read_directory_table(const ArchiveToc& toc, const TocEntry& entry, ReadContext& context) {
  const fs::path path = directory_data_file(toc, entry);
  FileSource file(path);
  const std::uint64_t base = context.progress.progress().bytes_read;
  stream_range(file, 0, file.size(), entry, kind_of_file(path.filename().string()), context, "the file ends here",
               base);
}

// Reads a whole (small) file or member through the decoder its name calls
// for, handing the text out as it comes.
void read_text(const ByteSource& file, std::uint64_t begin, std::uint64_t end, std::optional<StreamCompression> kind,
               const std::function<void(std::string_view)>& out, ProgressTracker& progress, std::uint64_t progress_base,
               const std::string& what) {
  StreamDecoder decoder(kind, GzipInput::file);
  feed_range(file, begin, end, progress, progress_base,
             [&](std::span<const std::uint8_t> piece, std::uint64_t at) {
               if (auto error = decoder.feed(piece, out))
                 throw DumpError(DumpErrc::corrupt_compressed_stream, file.path(), at,
                                 "corrupt " + std::string(decoder.name()) + " data in " + what + ": " + *error);
             });
  decoder.flush(out);
  if (!decoder.at_stream_end())
    throw DumpError(DumpErrc::incomplete_compressed_stream, file.path(), end,
                    what + " ends before its " + std::string(decoder.name()) + " stream does");
}

// _LoadLOs of pg_backup_directory.c: the BLOBS entry's file (blobs.toc before
// pg_dump 17, blobs_DUMPID.toc from 17) lists its objects, "OID FILE" a line;
// each object's bytes are FILE (blob_OID.dat, .gz, .lz4 or .zst).
void read_directory_blobs(const ArchiveToc& toc, const TocEntry& entry, ReadContext& context) {
  if (entry.filename.empty())
    throw DumpError(DumpErrc::missing_large_object_toc, toc.header.header_file, entry.entry_offset,
                    "the TOC names no large object TOC file for " + blobs_label(entry));
  const auto toc_file = discover_file(toc.path / entry.filename);
  if (!toc_file)
    throw DumpError(DumpErrc::missing_large_object_toc, toc.path / entry.filename, std::nullopt,
                    "the large object TOC file of " + blobs_label(entry) +
                        " is missing (pg_restore stops: \"could not open large object TOC file\")");
  FileSource list(*toc_file);
  BlobsTocReader lines(*toc_file, 0, [&](const BlobsTocLine& line, std::uint64_t at) {
    context.objects.add(line.oid, entry, *toc_file, at);
    const auto data = discover_file(toc.path / line.file);
    if (!data)
      throw DumpError(DumpErrc::missing_large_object_file, toc.path / line.file, std::nullopt,
                      "the data file of " + large_object_label(line.oid, entry) +
                          " is missing (also with .gz, .lz4 and .zst; pg_restore stops: \"could not open input file\")");
    FileSource file(*data);
    stream_object(file, 0, file.size(), entry, line.oid, kind_of_file(data->filename().string()), context,
                  "the file ends here", context.progress.progress().bytes_read);
  });
  read_text(list, 0, list.size(), kind_of_file(toc_file->filename().string()),
            [&](std::string_view text) { lines.feed(text); }, context.progress, context.progress.progress().bytes_read,
            "the large object TOC file of " + blobs_label(entry));
  lines.finish();
}

// A member's range, checked to lie inside the file.
const TarMemberRange& member_in_file(const ByteSource& file, const TarMemberRange& m, const std::string& name,
                                  const std::string& holding) {
  if (m.size > file.size() - std::min(file.size(), m.begin))
    throw DumpError(DumpErrc::truncated, file.path(), file.size(),
                    "truncated inside the tar member " + quote_bytes(name) + " holding " + holding +
                        ": its header at byte offset " + std::to_string(m.header_at) + " says " +
                        std::to_string(m.size) + " bytes");
  return m;
}

// pg_restore reads a tar archive's large objects as the blob_OID.dat members
// that follow each other; pg_dump writes the BLOBS entry's blobs TOC member
// after them, listing them as in a directory archive, and that list says which
// members belong to the entry. The TOC's file name of a BLOBS entry in a tar
// archive is "DUMPID.dat", a member pg_dump never writes; the list is
// "blobs.toc" (pg_tar's one BLOBS entry before archive 1.16) or
// "blobs_DUMPID.toc" (1.16, pg_dump 17 and 18: one entry per group of objects).
void read_tar_blobs(const ArchiveToc& toc, const ByteSource& file, TarMembers& index, const TocEntry& entry,
                    ReadContext& context) {
  constexpr ArchiveVersion kVersionBlobGroups{1, 16, 0};
  const std::string list_name =
      *toc.header.version >= kVersionBlobGroups ? "blobs_" + std::to_string(entry.dump_id) + ".toc" : "blobs.toc";
  const TarMemberRange* list = index.find(list_name);
  if (!list)
    throw DumpError(DumpErrc::missing_large_object_toc, file.path(), std::nullopt,
                    "the tar archive has no member " + quote_bytes(list_name) + " listing the large objects of " +
                        blobs_label(entry));
  const TarMemberRange& toc_member = member_in_file(file, *list, list_name, entry_label(entry));
  BlobsTocReader lines(file.path(), toc_member.begin, [&](const BlobsTocLine& line, std::uint64_t at) {
    context.objects.add(line.oid, entry, file.path(), at);
    const TarMemberRange* m = index.find(line.file);
    if (!m)
      throw DumpError(DumpErrc::missing_large_object_member, file.path(), std::nullopt,
                      "the tar archive has no member " + quote_bytes(line.file) + " holding the data of " +
                          large_object_label(line.oid, entry));
    const TarMemberRange& object = member_in_file(file, *m, line.file, "the data of " + large_object_label(line.oid, entry));
    stream_object(file, object.begin, object.begin + object.size, entry, line.oid, kind_of_file(line.file), context,
                  "its tar member ends here", object.begin);
  });
  read_text(file, toc_member.begin, toc_member.begin + toc_member.size, std::nullopt,
            [&](std::string_view text) { lines.feed(text); }, context.progress, toc_member.begin,
            "the large object TOC member of " + blobs_label(entry));
  lines.finish();
}

void read_tar_entries(const ArchiveToc& toc, const std::vector<const TocEntry*>& wanted, ReadContext& context,
                      TarMembers* shared) {
  FileSource file(toc.path);
  for (const TocEntry* e : wanted) {
    if (e->is_table_data() && e->filename.empty())
      throw DumpError(DumpErrc::missing_tar_member, toc.path, e->entry_offset,
                      "the TOC names no data member for " + table_label(*e));
  }
  std::optional<TarMembers> own;
  TarMembers& index = shared ? *shared : own.emplace(file);
  for (const TocEntry* e : wanted) {
    if (e->is_large_objects()) {
      read_tar_blobs(toc, file, index, *e, context);
      continue;
    }
    const TarMemberRange* m = index.find(e->filename);
    if (!m)
      throw DumpError(DumpErrc::missing_tar_member, toc.path, std::nullopt,
                      "the tar archive has no member " + quote_bytes(e->filename) + " holding the data of " +
                          table_label(*e));
    const TarMemberRange& range = member_in_file(file, *m, e->filename, "the data of " + table_label(*e));
    stream_range(file, range.begin, range.begin + range.size, *e, kind_of_file(e->filename), context,
                 "its tar member ends here", range.begin);
  }
}

// ------------------------------------------------------------------ sizes

std::uint64_t file_size_or_zero(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  return ec ? 0 : size;
}

// A directory BLOBS entry's stored bytes: its blobs TOC file and the files it
// names, as far as they can be found. Only an estimate for progress: it stops
// at the first line that is no "OID FILE" (a file of garbage is not read to its
// end for it) and counts 0 for what cannot be read; reading reports those.
std::uint64_t directory_blobs_bytes(const ArchiveToc& toc, const TocEntry& entry) {
  if (entry.filename.empty()) return 0;
  const auto list = discover_file(toc.path / entry.filename);
  if (!list || kind_of_file(list->filename().string())) return list ? file_size_or_zero(*list) : 0;
  std::uint64_t total = file_size_or_zero(*list);
  // Whether the line is "OID FILE"; counts FILE's size when it is.
  auto count = [&](std::string_view line) {
    const std::size_t space = line.find(' ');
    if (space == 0 || space == std::string_view::npos || line.find('/') != std::string_view::npos ||
        line.find_first_not_of("0123456789") != space)
      return false;
    if (auto data = discover_file(toc.path / line.substr(space + 1))) total += file_size_or_zero(*data);
    return true;
  };
  try {
    const FileSource file(*list);
    std::vector<std::uint8_t> buffer(kPiece);
    std::string line;
    for (std::uint64_t at = 0; at < file.size();) {
      const std::size_t got = file.read_at(at, buffer);
      if (got == 0) break;
      at += got;
      for (std::size_t i = 0; i < got; ++i) {
        if (buffer[i] != '\n') {
          line += static_cast<char>(buffer[i]);
          if (line.size() > kBlobsTocLineLimit) return total;
        } else if (!count(line)) {
          return total;
        } else {
          line.clear();
        }
      }
    }
    if (!line.empty()) count(line);
  } catch (const DumpError&) {
  }
  return total;
}

void read_entries(const ArchiveToc& toc, const std::vector<const TocEntry*>& wanted, ReadContext& context,
                  TarMembers* tar_members) {
  switch (toc.header.format) {
    case ArchiveFormat::custom: {
      FileSource file(toc.path);
      CustomReader(toc, file, context).read(wanted);
      break;
    }
    case ArchiveFormat::directory:
      for (const TocEntry* e : wanted) {
        if (e->is_large_objects()) read_directory_blobs(toc, *e, context);
        else read_directory_table(toc, *e, context);
      }
      break;
    case ArchiveFormat::tar:
      read_tar_entries(toc, wanted, context, tar_members);
      break;
    case ArchiveFormat::plain:
      detail::read_plain_tables(toc, wanted, context);
      break;
  }
}

std::size_t count_tables(const std::vector<const TocEntry*>& entries) {
  return static_cast<std::size_t>(
      std::count_if(entries.begin(), entries.end(), [](const TocEntry* e) { return e->is_table_data(); }));
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
  for (const TocEntry* e : tables) {
    if (e->is_large_objects()) {
      total += directory_blobs_bytes(toc, *e);
      continue;
    }
    if (e->filename.empty()) continue;
    if (auto found = discover_file(toc.path / e->filename)) total += file_size_or_zero(*found);
  }
  return total;
}

std::vector<std::uint32_t> read_entries_data(const ArchiveToc& toc, const std::vector<const TocEntry*>& entries,
                                             RowSink& sink, const DataReadOptions& options) {
  ProgressTracker progress(options.on_progress, archive_bytes(toc, entries), count_tables(entries));
  detail::LargeObjectTally objects;
  ReadContext context{sink, progress, options.max_row_bytes, objects};
  read_entries(toc, entries, context, options.tar_members);
  progress.finish();
  return objects.take();
}

void read_table_data(const ArchiveToc& toc, RowSink& sink, const DataReadOptions& options) {
  const auto entries = toc.entries_with_data();
  ProgressTracker progress(options.on_progress, archive_bytes(toc, entries), count_tables(entries));
  // The header and TOC are read already.
  if (toc.header.format == ArchiveFormat::custom) progress.set_bytes_read(toc.data_start);
  else if (toc.header.format == ArchiveFormat::directory) progress.set_bytes_read(file_size_or_zero(toc.header.header_file));
  detail::LargeObjectTally objects;
  ReadContext context{sink, progress, options.max_row_bytes, objects};
  read_entries(toc, entries, context, options.tar_members);
  check_large_objects(toc, objects.take());
  progress.finish();
}

void read_table_data(const ArchiveToc& toc, RowSink& sink, std::function<void(const ReadProgress&)> on_progress) {
  DataReadOptions options;
  options.on_progress = std::move(on_progress);
  read_table_data(toc, sink, options);
}

void read_entry_data(const ArchiveToc& toc, const TocEntry& entry, RowSink& sink, const DataReadOptions& options) {
  read_entries_data(toc, {&entry}, sink, options);
}

void check_large_objects(const ArchiveToc& toc, std::vector<std::uint32_t> oids_read) {
  std::sort(oids_read.begin(), oids_read.end());
  const auto twice = std::adjacent_find(oids_read.begin(), oids_read.end());
  if (twice != oids_read.end())
    throw DumpError(DumpErrc::duplicate_large_object, toc.path, std::nullopt,
                    "large object " + std::to_string(*twice) +
                        " is stored twice in the archive's BLOBS data (pg_restore would write the second copy over "
                        "the first)");
  // Without BLOBS data (pg_dump --section=pre-data) the listing stands alone;
  // without a listing (BLOBS data only) there is nothing to hold the data against.
  if (toc.listed_large_objects.empty() || toc.large_object_entries().empty()) return;
  auto unlisted = [&](std::uint32_t oid) {
    throw DumpError(DumpErrc::unlisted_large_object, toc.path, std::nullopt,
                    "large object " + std::to_string(oid) +
                        " is stored in the archive's BLOBS data, but no BLOB or BLOB METADATA entry lists it "
                        "(pg_restore cannot open it to write: \"could not open large object\")");
  };
  auto read = oids_read.begin();
  for (const ListedLargeObject& listed : toc.listed_large_objects) {
    if (read != oids_read.end() && *read < listed.oid) unlisted(*read);
    if (read == oids_read.end() || *read != listed.oid) {
      const TocEntry* by = toc.find(listed.dump_id);
      throw DumpError(DumpErrc::missing_large_object, by ? toc.header.header_file : toc.path,
                      by ? std::optional<std::uint64_t>(by->entry_offset) : std::nullopt,
                      "large object " + std::to_string(listed.oid) + " is listed by entry " +
                          std::to_string(listed.dump_id) + (by ? " (" + by->desc + ")" : "") +
                          ", but no BLOBS data holds it: pg_restore would create it empty");
    }
    ++read;
  }
  if (read != oids_read.end()) unlisted(*read);
}

std::vector<TableRowCount> count_table_rows(const ArchiveToc& toc, const DataReadOptions& options) {
  CountingSink sink;
  read_table_data(toc, sink, options);
  return std::move(sink.counts);
}

}  // namespace pgverify::dump
