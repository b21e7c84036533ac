#include "dump/copy_stream.hpp"

#include <cstring>

namespace pgverify::dump::detail {

namespace {

// A line buffer grown for one long row is given back rather than kept.
constexpr std::size_t kKeepCapacity = 4 * 1024 * 1024;

}  // namespace

std::size_t LineSplitter::feed(std::string_view text) {
  const std::size_t given = text.size();
  while (!text.empty() && !m_stopped) {
    const void* found = std::memchr(text.data(), '\n', text.size());
    if (!found) {
      if (m_length == 0) m_line_start = m_offset;
      const std::uint64_t length = m_length + text.size();
      if (length > m_keep) {
        if (m_fail) m_handler.on_too_long(m_line_start, length);
        if (m_partial.size() < m_keep) m_partial.append(text.substr(0, m_keep - m_partial.size()));
      } else {
        m_partial.append(text);
      }
      m_length = length;
      m_offset += text.size();
      return given;
    }
    const auto eol = static_cast<std::size_t>(static_cast<const char*>(found) - text.data());
    const std::string_view piece = text.substr(0, eol);
    if (m_length == 0 && (piece.size() <= m_keep || !m_fail)) {
      // The whole line lies in this piece: no copy.
      const std::uint64_t start = m_offset;
      const std::string_view kept = piece.substr(0, m_keep);
      m_offset += eol + 1;
      text.remove_prefix(eol + 1);
      m_keep = m_next_keep;
      m_fail = m_next_fail;
      m_handler.on_line(kept, piece.size(), start);
      continue;
    }
    if (m_length == 0) m_line_start = m_offset;
    const std::uint64_t length = m_length + piece.size();
    if (length > m_keep) {
      if (m_fail) m_handler.on_too_long(m_line_start, length);
      if (m_partial.size() < m_keep) m_partial.append(piece.substr(0, m_keep - m_partial.size()));
    } else {
      m_partial.append(piece);
    }
    m_offset += eol + 1;
    text.remove_prefix(eol + 1);
    m_length = 0;
    const std::uint64_t start = m_line_start;
    m_keep = m_next_keep;
    m_fail = m_next_fail;
    m_handler.on_line(m_partial, length, start);
    m_partial.clear();
    if (m_partial.capacity() > kKeepCapacity) m_partial.shrink_to_fit();
  }
  return given - text.size();
}

std::string table_label(const TocEntry& entry) {
  return "table " + entry.plain_name() + " (dump id " + std::to_string(entry.dump_id) + ")";
}

ProgressTracker::ProgressTracker(std::function<void(const ReadProgress&)> callback, std::uint64_t bytes_total,
                                 std::size_t tables_total)
    : m_callback(std::move(callback)) {
  m_progress.bytes_total = bytes_total;
  m_progress.tables_total = tables_total;
}

void ProgressTracker::set_bytes_read(std::uint64_t bytes) {
  m_progress.bytes_read = std::min(bytes, m_progress.bytes_total);
  if (m_progress.bytes_read >= m_reported_at + kProgressStep) report();
}

void ProgressTracker::table_done() {
  ++m_progress.tables_done;
  report();
}

void ProgressTracker::finish() {
  m_progress.bytes_read = m_progress.bytes_total;
  report();
}

void ProgressTracker::report() {
  m_reported_at = m_progress.bytes_read;
  if (m_callback) m_callback(m_progress);
}

TablePipeline::TablePipeline(const std::filesystem::path& path, const TocEntry& entry,
                             std::optional<StreamCompression> compression, RowSink& sink, std::size_t max_row_bytes,
                             std::string where, StreamDecoder::GzipInput gzip_input)
    : m_path(path),
      m_entry(entry),
      m_decoder(compression, gzip_input),
      m_lines(*this),
      m_sink(sink),
      m_max_row(max_row_bytes),
      m_where(std::move(where)),
      m_statements(entry.data_as_statements()) {
  m_lines.set_limit(m_max_row, true);
}

void TablePipeline::fail(DumpErrc code, std::uint64_t at, const std::string& reason) const {
  throw DumpError(code, m_path, at, reason);
}

void TablePipeline::on_text(std::string_view text) {
  if (m_statements) on_statements(text);
  else m_lines.feed(text);
}

void TablePipeline::on_statements(std::string_view text) {
  if (text.empty()) return;
  m_statement_bytes += text.size();
  m_last = text.back();
  const std::size_t last = text.find_last_not_of('\n');
  if (last != std::string_view::npos) m_last_not_newline = text[last];
}

void TablePipeline::feed(std::span<const std::uint8_t> bytes, std::uint64_t at) {
  m_at = at;
  auto error = m_decoder.feed(bytes, [this](std::string_view text) { on_text(text); });
  if (error)
    fail(DumpErrc::corrupt_compressed_stream, at,
         "corrupt " + std::string(m_decoder.name()) + " data in the data of " + table_label(m_entry) +
             " near this offset: " + *error);
}

void TablePipeline::finish(std::uint64_t at) {
  m_at = at;
  m_decoder.flush([this](std::string_view text) { on_text(text); });
  if (!m_decoder.at_stream_end())
    fail(DumpErrc::incomplete_compressed_stream, at,
         "the data of " + table_label(m_entry) + " ends before its " + std::string(m_decoder.name()) +
             " stream does: " + m_where);
  // Every statement pg_dump writes ends in ";\n"; a table without rows is "\n\n".
  const bool ends_a_statement = m_last == '\n' && (m_last_not_newline == 0 || m_last_not_newline == ';');
  if (m_statements && m_statement_bytes > 0 && !ends_a_statement)
    fail(DumpErrc::bad_statement_data, at,
         "the data of " + table_label(m_entry) + " (SQL statements, pg_dump --inserts) ends inside a statement: " +
             "it does not end in \";\" and a newline, as pg_dump ends every statement");
  if (m_lines.pending() > 0)
    fail(DumpErrc::bad_copy_data, at,
         "the data of " + table_label(m_entry) + " ends inside a row: its last " +
             std::to_string(m_lines.pending()) + " bytes have no newline");
}

void TablePipeline::on_line(std::string_view kept, std::uint64_t length, std::uint64_t start) {
  if (m_ended) {
    // pg_dump writes "\.\n\n" after the rows; only empty lines may follow the marker.
    if (length != 0)
      fail(DumpErrc::bad_copy_data, m_at,
           "the data of " + table_label(m_entry) + " goes on after its end-of-copy marker \"\\.\" (" +
               std::to_string(length) + " bytes at text offset " + std::to_string(start) + ")");
    return;
  }
  if (kept == "\\.") {
    // COPY text escapes every backslash, so no row can be "\." itself.
    m_ended = true;
    m_lines.set_limit(0, false);
    return;
  }
  ++m_rows;
  m_sink.row(kept);
}

void TablePipeline::on_too_long(std::uint64_t start, std::uint64_t length) {
  fail(DumpErrc::row_too_long, m_at,
       "a row of " + table_label(m_entry) + " starting at text offset " + std::to_string(start) + " is longer than " +
           std::to_string(m_max_row) + " bytes (" + std::to_string(length) + " so far)");
}

std::string large_object_label(std::uint32_t oid, const TocEntry& blobs_entry) {
  return "large object " + std::to_string(oid) + " (entry " + std::to_string(blobs_entry.dump_id) + ")";
}

LargeObjectStream::LargeObjectStream(const std::filesystem::path& path, const TocEntry& blobs_entry, std::uint32_t oid,
                                     std::optional<StreamCompression> compression, RowSink& sink, std::string where,
                                     StreamDecoder::GzipInput gzip_input)
    : m_path(path),
      m_entry(blobs_entry),
      m_oid(oid),
      m_decoder(compression, gzip_input),
      m_sink(sink),
      m_where(std::move(where)) {
  m_sink.begin_large_object(blobs_entry, oid);
}

void LargeObjectStream::feed(std::span<const std::uint8_t> bytes, std::uint64_t at) {
  auto error = m_decoder.feed(bytes, [this](std::string_view data) { m_sink.large_object_data(data); });
  if (error)
    throw DumpError(DumpErrc::corrupt_compressed_stream, m_path, at,
                    "corrupt " + std::string(m_decoder.name()) + " data in " + large_object_label(m_oid, m_entry) +
                        " near this offset: " + *error);
}

void LargeObjectStream::finish(std::uint64_t at) {
  m_decoder.flush([this](std::string_view data) { m_sink.large_object_data(data); });
  if (!m_decoder.at_stream_end())
    throw DumpError(DumpErrc::incomplete_compressed_stream, m_path, at,
                    "the data of " + large_object_label(m_oid, m_entry) + " ends before its " +
                        std::string(m_decoder.name()) + " stream does: " + m_where);
  m_sink.end_large_object();
}

void LargeObjectTally::add(std::uint32_t oid, const TocEntry& blobs_entry, const std::filesystem::path& path,
                           std::optional<std::uint64_t> at) {
  auto [it, fresh] = m_seen.emplace(oid, blobs_entry.dump_id);
  if (!fresh)
    throw DumpError(DumpErrc::duplicate_large_object, path, at,
                    "large object " + std::to_string(oid) + " is stored twice: in entry " + std::to_string(it->second) +
                        " and again in entry " + std::to_string(blobs_entry.dump_id) +
                        " (pg_restore would write the second copy over the first)");
}

std::vector<std::uint32_t> LargeObjectTally::take() {
  std::vector<std::uint32_t> oids;
  oids.reserve(m_seen.size());
  for (const auto& [oid, id] : m_seen) oids.push_back(oid);
  m_seen.clear();
  return oids;
}

}  // namespace pgverify::dump::detail
