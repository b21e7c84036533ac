#include "dump/plain_dump.hpp"

#include <map>

namespace pgverify::dump::detail {

namespace {

namespace fs = std::filesystem;

// Statement lines are looked at up to this length: a COPY line listing 1600
// quoted column names fits; longer lines are only stepped over.
constexpr std::size_t kStatementLineLimit = 4 * 1024 * 1024;
constexpr std::size_t kInputChunk = 256 * 1024;

constexpr std::string_view kCopyPrefix = "COPY ";
constexpr std::string_view kCopySuffix = " FROM stdin;";
constexpr std::string_view kSetvalPrefix = "SELECT pg_catalog.setval(";
// pg_dump.c, dumpExtension: "CREATE EXTENSION IF NOT EXISTS %s WITH SCHEMA %s;\n".
constexpr std::string_view kExtensionPrefix = "CREATE EXTENSION IF NOT EXISTS ";

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }
bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

class PlainScanner final : private LineSplitter::Handler {
 public:
  struct Events {
    virtual ~Events() = default;
    // Returns whether the block's rows are wanted (row() is called for them).
    virtual bool copy_begin(const CopyTarget& target, std::string_view line, std::uint64_t line_at,
                            std::uint64_t rows_at) = 0;
    virtual void row(std::string_view) {}
    virtual void copy_end(std::uint64_t rows) = 0;
    virtual void statement(std::string_view /*line*/, std::uint64_t /*at*/) {}
  };

  PlainScanner(const fs::path& path, Events& events, std::size_t max_row, std::string offset_note)
      : m_path(path), m_events(events), m_lines(*this), m_max_row(max_row), m_note(std::move(offset_note)) {
    m_lines.set_limit(kStatementLineLimit, false);
  }

  LineSplitter& lines() { return m_lines; }
  bool in_copy() const { return m_in_copy; }
  const std::string& copy_label() const { return m_label; }

  // Starts inside a COPY block (reading one table from its rows' offset).
  void start_in_copy(std::string label, bool want_rows) {
    m_in_copy = true;
    m_label = std::move(label);
    m_want_rows = want_rows;
    m_rows = 0;
    m_lines.set_limit(want_rows ? m_max_row : 2, want_rows);
  }

  void want_rows() {
    m_want_rows = true;
    m_lines.set_limit(m_max_row, true);
  }
  void set_copy_label(std::string label) { m_label = std::move(label); }

  // The text ended at `end` (a text offset).
  void finish(std::uint64_t end) {
    if (m_in_copy)
      throw DumpError(DumpErrc::truncated, m_path, end,
                      "the plain-text dump ends inside the COPY block of " + m_label + " after " +
                          std::to_string(m_rows) + " rows, before its \"\\.\" line" + m_note);
  }

 private:
  void on_line(std::string_view kept, std::uint64_t length, std::uint64_t start) override {
    if (m_in_copy) {
      if (length == 2 && kept == "\\.") {
        m_in_copy = false;
        m_lines.set_limit(kStatementLineLimit, false);
        m_events.copy_end(m_rows);
        return;
      }
      ++m_rows;
      if (m_want_rows) m_events.row(kept);
      return;
    }
    if (length != kept.size()) return;  // too long to be anything looked for
    if (starts_with(kept, kCopyPrefix) && ends_with(kept, kCopySuffix)) {
      auto target = parse_copy_statement(kept);
      if (!target)
        throw DumpError(DumpErrc::bad_copy_statement, m_path, start,
                        "the plain-text dump's COPY line " + quote_bytes(kept) + " names no table this reader can parse" +
                            m_note);
      start_in_copy("table " + (target->schema.empty() ? "" : target->schema + ".") + target->table, false);
      if (m_events.copy_begin(*target, kept, start, m_lines.offset())) want_rows();
      return;
    }
    m_events.statement(kept, start);
  }

  [[noreturn]] void on_too_long(std::uint64_t start, std::uint64_t length) override {
    throw DumpError(DumpErrc::row_too_long, m_path, start,
                    "a row of " + m_label + " is longer than " + std::to_string(m_max_row) + " bytes (" +
                        std::to_string(length) + " so far)" + m_note);
  }

  const fs::path& m_path;
  Events& m_events;
  LineSplitter m_lines;
  std::size_t m_max_row;
  std::string m_note;
  bool m_in_copy = false;
  bool m_want_rows = false;
  std::string m_label;
  std::uint64_t m_rows = 0;
};

std::string offset_note(const ArchiveHeader& header) {
  return header.compression == Compression::none ? "" : " (offset in the decompressed text)";
}

// Feeds the dump's text from text offset `start` to the scanner until it
// stops or the file ends.
void drive(const fs::path& path, const ArchiveHeader& header, std::uint64_t start, PlainScanner& scanner,
           ProgressTracker* progress) {
  FileSource file(path);
  std::vector<std::uint8_t> buffer(kInputChunk);
  const auto kind = stream_kind(header.compression);
  scanner.lines().set_offset(start);
  if (!kind) {
    if (start > file.size())
      throw DumpError(DumpErrc::truncated, path, file.size(),
                      "the plain-text dump ends before the rows at byte offset " + std::to_string(start));
    std::uint64_t at = start;
    while (at < file.size() && !scanner.lines().stopped()) {
      const std::size_t got = file.read_at(at, buffer);
      if (got == 0) throw DumpError(DumpErrc::io_error, path, at, "the file shrank while being read");
      scanner.lines().feed({reinterpret_cast<const char*>(buffer.data()), got});
      at += got;
      if (progress) progress->set_bytes_read(at);
    }
    if (!scanner.lines().stopped()) scanner.finish(at);
    return;
  }

  StreamDecoder decoder(kind);
  std::uint64_t produced = 0;  // decompressed bytes so far
  std::uint64_t at = 0;
  auto out = [&](std::string_view text) {
    if (scanner.lines().stopped()) return;
    if (produced + text.size() <= start) {
      produced += text.size();
      return;
    }
    if (produced < start) {
      text.remove_prefix(static_cast<std::size_t>(start - produced));
      produced = start;
    }
    produced += text.size();
    scanner.lines().feed(text);
  };
  while (at < file.size() && !scanner.lines().stopped()) {
    const std::size_t got = file.read_at(at, buffer);
    if (got == 0) throw DumpError(DumpErrc::io_error, path, at, "the file shrank while being read");
    auto error = decoder.feed({buffer.data(), got}, out);
    if (error)
      throw DumpError(DumpErrc::corrupt_compressed_stream, path, at,
                      "corrupt " + std::string(decoder.name()) + " data near this offset" +
                          (scanner.in_copy() ? " (inside the COPY block of " + scanner.copy_label() + ")" : "") +
                          ": " + *error);
    at += got;
    if (progress) progress->set_bytes_read(at);
  }
  if (scanner.lines().stopped()) return;
  if (!decoder.at_stream_end())
    throw DumpError(DumpErrc::incomplete_compressed_stream, path, at,
                    "the plain-text dump ends before its " + std::string(decoder.name()) + " stream does" +
                        (scanner.in_copy() ? " (inside the COPY block of " + scanner.copy_label() + ")" : ""));
  scanner.finish(produced);
}

class TocCollector final : public PlainScanner::Events {
 public:
  explicit TocCollector(const fs::path& path) : m_path(path) {}
  std::vector<TocEntry> entries;

  bool copy_begin(const CopyTarget& target, std::string_view line, std::uint64_t line_at,
                  std::uint64_t rows_at) override {
    TocEntry& e = add(line_at, line.size());
    e.had_dumper = true;
    e.desc = "TABLE DATA";
    e.section = TocSection::data;
    e.tag = target.table;
    e.schema = target.schema;
    e.copy_stmt = std::string(line) + "\n";
    e.offset = {DataOffsetState::set, rows_at};
    return false;
  }
  void copy_end(std::uint64_t) override {}

  void statement(std::string_view line, std::uint64_t at) override {
    if (starts_with(line, kSetvalPrefix)) {
      const auto set = parse_setval(line);
      if (!set) return;
      const auto name = split_qualified_name(set->sequence);
      TocEntry& e = add(at, line.size());
      e.desc = "SEQUENCE SET";
      e.section = TocSection::data;
      e.schema = name ? name->first : "";
      e.tag = name ? name->second : set->sequence;
      e.defn = std::string(line) + "\n";
      e.defn_length = e.defn.size();
      return;
    }
    if (starts_with(line, kExtensionPrefix) && ends_with(line, ";")) {
      const std::string_view rest = line.substr(kExtensionPrefix.size());
      const auto name = split_qualified_name(rest.substr(0, std::min(rest.find(' '), rest.size() - 1)));
      if (!name || !name->first.empty()) return;
      TocEntry& e = add(at, line.size());
      e.desc = "EXTENSION";
      e.section = TocSection::pre_data;
      e.tag = name->second;
      e.defn = std::string(line) + "\n";
      e.defn_length = e.defn.size();
    }
  }

 private:
  TocEntry& add(std::uint64_t at, std::size_t bytes) {
    m_kept += bytes + 128;
    if (entries.size() >= static_cast<std::size_t>(kMaxTocEntries) || m_kept > kTocMemoryLimit)
      throw DumpError(DumpErrc::toc_too_large, m_path, at,
                      "the plain-text dump holds more COPY blocks, extensions and sequences than this reader keeps "
                      "in memory");
    TocEntry& e = entries.emplace_back();
    e.dump_id = static_cast<int>(entries.size());
    e.table_oid = "0";
    e.oid = "0";
    e.entry_offset = at;
    return e;
  }

  const fs::path& m_path;
  std::uint64_t m_kept = 0;
};

class RowReader final : public PlainScanner::Events {
 public:
  RowReader(const fs::path& path, const std::vector<const TocEntry*>& wanted, RowSink& sink, ProgressTracker& progress)
      : m_path(path), m_sink(sink), m_progress(progress) {
    for (const TocEntry* e : wanted) m_wanted.emplace(e->offset.value, e);
  }
  PlainScanner* scanner = nullptr;

  bool copy_begin(const CopyTarget&, std::string_view line, std::uint64_t line_at, std::uint64_t rows_at) override {
    auto it = m_wanted.find(rows_at);
    if (it == m_wanted.end()) return false;
    if (it->second->copy_stmt != std::string(line) + "\n")
      throw DumpError(DumpErrc::io_error, m_path, line_at,
                      "the file changed since its TOC was read: another COPY line stands here");
    begin(it->second);
    scanner->set_copy_label(table_label(*it->second));
    return true;
  }
  void row(std::string_view row) override { m_sink.row(row); }
  void copy_end(std::uint64_t) override {
    if (!m_current) return;  // a block not wanted
    m_sink.end_table(*m_current);
    m_progress.table_done();
    m_wanted.erase(m_current->offset.value);
    m_current = nullptr;
    if (m_wanted.empty()) scanner->lines().stop();
  }

  void begin(const TocEntry* entry) {
    m_current = entry;
    m_sink.begin_table(*entry);
  }
  bool all_found() const { return m_wanted.empty(); }
  const TocEntry* first_missing() const { return m_wanted.empty() ? nullptr : m_wanted.begin()->second; }

 private:
  const fs::path& m_path;
  RowSink& m_sink;
  ProgressTracker& m_progress;
  std::map<std::uint64_t, const TocEntry*> m_wanted;
  const TocEntry* m_current = nullptr;
};

}  // namespace

std::vector<TocEntry> synthesize_plain_toc(const fs::path& path, const ArchiveHeader& header) {
  TocCollector collector(path);
  PlainScanner scanner(path, collector, kMaxRowBytes, offset_note(header));
  drive(path, header, 0, scanner, nullptr);
  return std::move(collector.entries);
}

void read_plain_tables(const ArchiveToc& toc, const std::vector<const TocEntry*>& wanted, RowSink& sink,
                       ProgressTracker& progress, std::size_t max_row_bytes) {
  if (wanted.empty()) return;
  RowReader reader(toc.path, wanted, sink, progress);
  PlainScanner scanner(toc.path, reader, max_row_bytes, offset_note(toc.header));
  reader.scanner = &scanner;
  std::uint64_t start = 0;
  if (wanted.size() == 1 && toc.header.compression == Compression::none) {
    // One table of an uncompressed dump: straight to its rows.
    const TocEntry* entry = wanted.front();
    start = entry->offset.value;
    reader.begin(entry);
    scanner.start_in_copy(table_label(*entry), true);
  }
  drive(toc.path, toc.header, start, scanner, &progress);
  if (!reader.all_found())
    throw DumpError(DumpErrc::io_error, toc.path, reader.first_missing()->entry_offset,
                    "the file changed since its TOC was read: the COPY block of " +
                        table_label(*reader.first_missing()) + " is gone");
}

}  // namespace pgverify::dump::detail
