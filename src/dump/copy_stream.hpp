// The pieces every table data reader shares: splitting decompressed COPY text
// into rows (bounded: a row may be long, never longer than the row limit),
// decompressing a table's bytes as they stream by, and counting progress.
// Internal to dump/: archive_data.cpp and plain_dump.cpp use them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dump/archive_data.hpp"
#include "dump/decompress.hpp"

namespace pgverify::dump::detail {

// Cuts text into lines without their newline. Each line is handed over whole
// (contiguous) when it is at most `keep` bytes; a longer one is either an error
// (on_too_long, which must throw) or handed over cut to `keep` bytes with its
// full length. Memory: at most `keep` bytes of one line.
class LineSplitter {
 public:
  struct Handler {
    virtual ~Handler() = default;
    // kept: the line, or its first `keep` bytes; length: the whole line's; start:
    // the text offset where it began.
    virtual void on_line(std::string_view kept, std::uint64_t length, std::uint64_t start) = 0;
    [[noreturn]] virtual void on_too_long(std::uint64_t start, std::uint64_t length) = 0;
  };

  explicit LineSplitter(Handler& handler) : m_handler(handler) {}

  // Takes effect from the next line on (the handler may change it in on_line).
  void set_limit(std::size_t keep, bool fail_beyond) {
    m_next_keep = keep;
    m_next_fail = fail_beyond;
    if (m_length == 0) {
      m_keep = keep;
      m_fail = fail_beyond;
    }
  }
  // Stops handing out lines: feed returns at once, with how much of its piece
  // it consumed (up to the end of the line the handler stopped at); resume()
  // hands out lines again.
  void stop() { m_stopped = true; }
  void resume() { m_stopped = false; }
  bool stopped() const { return m_stopped; }

  // Returns how many bytes of text it consumed: all of them, unless stopped.
  std::size_t feed(std::string_view text);
  // Text offset consumed so far; set_offset before the first feed when the
  // text does not start at offset 0.
  std::uint64_t offset() const { return m_offset; }
  void set_offset(std::uint64_t offset) { m_offset = offset; }
  // Bytes of an unfinished last line.
  std::uint64_t pending() const { return m_length; }
  std::uint64_t pending_start() const { return m_line_start; }

 private:
  void finish_line(std::string_view tail);

  Handler& m_handler;
  std::string m_partial;  // the kept part of an unfinished line
  std::uint64_t m_length = 0;  // full length of the unfinished line
  std::uint64_t m_line_start = 0;
  std::uint64_t m_offset = 0;
  std::size_t m_keep = 0, m_next_keep = 0;
  bool m_fail = true, m_next_fail = true;
  bool m_stopped = false;
};

// Where a table's data came from, for messages: "the data of table public.t (dump id 3659)".
std::string table_label(const TocEntry& entry);

// Reports progress about every kProgressStep bytes and at every table's end.
class ProgressTracker {
 public:
  ProgressTracker(std::function<void(const ReadProgress&)> callback, std::uint64_t bytes_total,
                  std::size_t tables_total);
  void set_bytes_read(std::uint64_t bytes);
  void add_bytes(std::uint64_t bytes) { set_bytes_read(m_progress.bytes_read + bytes); }
  void table_done();
  void finish();  // everything read: bytes_read = bytes_total
  const ReadProgress& progress() const { return m_progress; }

 private:
  void report();
  std::function<void(const ReadProgress&)> m_callback;
  ReadProgress m_progress{};
  std::uint64_t m_reported_at = 0;
};

inline constexpr std::uint64_t kProgressStep = 4 * 1024 * 1024;

// One table's data as it streams out of an archive: compressed bytes in, COPY
// rows out to the sink, with pg_dump's "\." end marker (written by pg_dump 17
// and 18 as "\.\n\n", by others maybe not at all) taken off. Data written as
// SQL statements (pg_dump --inserts: the entry has no COPY statement) is read
// to its end the same way, but gives no rows: only its end is checked, which
// pg_dump writes as ";\n" and then "\n\n" (dumpTableData_insert, 10 to 18).
// Everything that goes wrong is a DumpError on `path`, naming the table and
// the file offset of the input piece at fault.
class TablePipeline final : private LineSplitter::Handler {
 public:
  TablePipeline(const std::filesystem::path& path, const TocEntry& entry, std::optional<StreamCompression> compression,
                RowSink& sink, std::size_t max_row_bytes, std::string where,
                StreamDecoder::GzipInput gzip_input = StreamDecoder::GzipInput::stream);

  // Compressed (or raw) bytes of the table found at file offset `at`.
  void feed(std::span<const std::uint8_t> bytes, std::uint64_t at);
  // The table's bytes ended at file offset `at`; checks they ended cleanly.
  void finish(std::uint64_t at);
  std::uint64_t rows() const { return m_rows; }

 private:
  void on_line(std::string_view kept, std::uint64_t length, std::uint64_t start) override;
  [[noreturn]] void on_too_long(std::uint64_t start, std::uint64_t length) override;
  [[noreturn]] void fail(DumpErrc code, std::uint64_t at, const std::string& reason) const;
  void on_text(std::string_view text);
  void on_statements(std::string_view text);

  const std::filesystem::path& m_path;
  const TocEntry& m_entry;
  StreamDecoder m_decoder;
  LineSplitter m_lines;
  RowSink& m_sink;
  std::size_t m_max_row;
  std::string m_where;  // where the bytes ended, for messages: "the data block's chunks end here"
  std::uint64_t m_at = 0;  // file offset of the current input piece
  std::uint64_t m_rows = 0;
  bool m_ended = false;  // "\." seen
  // SQL statements instead of COPY rows: how much text, and its last bytes.
  bool m_statements = false;
  std::uint64_t m_statement_bytes = 0;
  char m_last = 0;               // the text's last byte
  char m_last_not_newline = 0;   // its last byte that is no newline
};

// "large object 424203 (entry 3472)", for messages.
std::string large_object_label(std::uint32_t oid, const TocEntry& blobs_entry);

// One large object's bytes as they stream out of an archive: compressed bytes
// in, the object's bytes out to the sink (begin_large_object at construction,
// large_object_data in pieces, end_large_object at finish). Memory: one
// decoder output piece, whatever the object's size.
class LargeObjectStream {
 public:
  LargeObjectStream(const std::filesystem::path& path, const TocEntry& blobs_entry, std::uint32_t oid,
                    std::optional<StreamCompression> compression, RowSink& sink, std::string where,
                    StreamDecoder::GzipInput gzip_input = StreamDecoder::GzipInput::stream);
  void feed(std::span<const std::uint8_t> bytes, std::uint64_t at);
  // The object's bytes ended at file offset `at`; checks its stream ended too.
  void finish(std::uint64_t at);

 private:
  const std::filesystem::path& m_path;
  const TocEntry& m_entry;
  std::uint32_t m_oid;
  StreamDecoder m_decoder;
  RowSink& m_sink;
  std::string m_where;
};

// The large objects read so far, so one stored twice is caught: within a
// BLOBS entry as it is read, across entries by check_large_objects.
class LargeObjectTally {
 public:
  // Throws duplicate_large_object when oid was read before.
  void add(std::uint32_t oid, const TocEntry& blobs_entry, const std::filesystem::path& path,
           std::optional<std::uint64_t> at);
  std::vector<std::uint32_t> take();

 private:
  std::unordered_map<std::uint32_t, int> m_seen;  // OID → dump id of its BLOBS entry
};

// What every reader of entries' data shares in one read: the sink, progress,
// the row limit and the large objects read so far.
struct ReadContext {
  RowSink& sink;
  ProgressTracker& progress;
  std::size_t max_row;
  LargeObjectTally& objects;
};

}  // namespace pgverify::dump::detail
