// The table data reader on archives built byte by byte: custom archives with
// and without data offsets in every compression, directory and tar archives,
// plain dumps; each way data can be wrong (one DumpErrc each); truncation at
// every offset; parallel readers.

#include <catch2/catch.hpp>

#include <random>
#include <thread>

#include "dump/archive_data.hpp"
#include "dump/decompress.hpp"
#include "dump_test_support.hpp"
#include "support/servers.hpp"
#include "support/special_files.hpp"

using namespace pgverify::dump;
using namespace pgverify::dump::testing;
namespace fs = std::filesystem;

namespace {

struct Table {
  std::string name;
  std::vector<std::string> rows;
};

class CollectingSink final : public RowSink {
 public:
  std::vector<Table> tables;
  bool open = false;
  void begin_table(const TocEntry& entry) override {
    REQUIRE_FALSE(open);
    open = true;
    tables.push_back({entry.plain_name(), {}});
  }
  void row(std::string_view row) override {
    REQUIRE(open);
    tables.back().rows.emplace_back(row);
  }
  void end_table(const TocEntry& entry) override {
    REQUIRE(open);
    CHECK(tables.back().name == entry.plain_name());
    open = false;
  }
};

// Rows as COPY text writes them: tabs, escaped newlines and backslashes, \N, UTF-8.
const std::vector<std::string> kRows{
    "1\ttab\\there\\nnewline \\\\ backslash ünïcödé 😀",
    "2\t\\N",
    "3\t",
    "4\t\\\\.",  // a backslash and a dot: escaped, so no end marker
};

std::string copy_text(const std::vector<std::string>& rows, bool end_marker = true) {
  std::string text;
  for (const auto& r : rows) text += r + "\n";
  if (end_marker) text += "\\.\n\n";
  return text;
}

std::string compress(Compression c, const std::string& text) {
  switch (c) {
    case Compression::none: return text;
    case Compression::gzip: return deflate_bytes(text);
    case Compression::lz4: return lz4_frame(text);
    case Compression::zstd: return zstd_frame(text);
  }
  return text;
}

HeaderSpec header_for(Compression c) {
  HeaderSpec h;
  h.algorithm = c == Compression::none ? 0 : c == Compression::gzip ? 1 : c == Compression::lz4 ? 2 : 3;
  return h;
}

// A small custom archive: a TABLE, two TABLE DATA entries (kRows, and an
// empty table), a BLOBS entry with its block between them (each object its
// own stream, as pg_dump compresses them; lz4 and zstd write nothing for an
// empty one).
struct SmallArchive {
  HeaderSpec header;
  Compression compression;
  std::vector<EntrySpec> entries;
  std::vector<BlockSpec> blocks;

  explicit SmallArchive(Compression c = Compression::none, bool end_marker = true)
      : header(header_for(c)), compression(c) {
    EntrySpec table;
    table.dump_id = 1;
    EntrySpec blobs;
    blobs.dump_id = 20;
    blobs.had_dumper = 1;
    blobs.desc = "BLOBS";
    blobs.tag = "BLOBS";
    blobs.section = 3;
    blobs.offset_flag = 1;
    entries = {table, table_data(10, "t"), table_data(11, "empty"), blobs};
    blocks = {{1, 10, chunked(compress(c, copy_text(kRows, end_marker)), 7)},
              {1, 11, chunked(compress(c, copy_text({}, end_marker)), 7)}};
  }
  // The blob block sits between the two tables' blocks.
  std::string bytes(bool set_offsets) const {
    const bool empty_is_nothing = compression == Compression::lz4 || compression == Compression::zstd;
    const std::string blob = build_blobs_block(
        20, {{16400, compress(compression, "large object bytes")}, {16401, empty_is_nothing ? "" : compress(compression, "")}});
    HeaderSpec h = header;
    h.format = 1;
    const std::string head = build_header(h);
    const std::size_t toc_size = build_toc(h, entries).size();
    const std::string b0 = build_block(blocks[0]);
    const std::string b1 = build_block(blocks[1]);
    std::vector<EntrySpec> es = entries;
    if (set_offsets) {
      for (auto& e : es) {
        if (e.dump_id == 10) e.offset_flag = 2, e.offset = head.size() + toc_size;
        if (e.dump_id == 20) e.offset_flag = 2, e.offset = head.size() + toc_size + b0.size();
        if (e.dump_id == 11) e.offset_flag = 2, e.offset = head.size() + toc_size + b0.size() + blob.size();
      }
    }
    return head + build_toc(h, es) + b0 + blob + b1;
  }
};

fs::path write_archive(const pgverify::testing::TempDir& dir, const std::string& name, const std::string& bytes) {
  const fs::path path = dir.path() / name;
  write_file(path, bytes);
  return path;
}

std::vector<Table> read_all(const fs::path& path, const DataReadOptions& options = {}) {
  const ArchiveToc toc = read_archive_toc(path);
  CollectingSink sink;
  read_table_data(toc, sink, options);
  CHECK_FALSE(sink.open);
  return sink.tables;
}

DumpError data_error(const fs::path& path, const DataReadOptions& options = {}) {
  return expect_dump_error([&] { read_all(path, options); });
}

void expect(const DumpError& e, DumpErrc code, const std::string& reason_part) {
  INFO(e.what());
  CHECK(to_string(e.code()) == to_string(code));
  CHECK_THAT(e.reason(), Catch::Contains(reason_part));
  check_message_form(e);
}

void check_small_tables(const std::vector<Table>& tables) {
  REQUIRE(tables.size() == 2);
  CHECK(tables[0].name == "public.t");
  CHECK(tables[0].rows == kRows);
  CHECK(tables[1].name == "public.empty");
  CHECK(tables[1].rows.empty());
}

}  // namespace

TEST_CASE("custom archives stream their rows in every compression, with offsets and without", "[dump]") {
  pgverify::testing::TempDir dir("dumprd-custom");
  const Compression c = GENERATE(Compression::none, Compression::gzip, Compression::lz4, Compression::zstd);
  const bool offsets = GENERATE(true, false);
  const bool end_marker = GENERATE(true, false);
  INFO(to_string(c) << (offsets ? " with offsets" : " from a pipe") << (end_marker ? " with \\." : " without \\."));
  const fs::path path = write_archive(dir, "a.dump", SmallArchive(c, end_marker).bytes(offsets));
  check_small_tables(read_all(path));

  const ArchiveToc toc = read_archive_toc(path);
  const auto counts = count_table_rows(toc);
  REQUIRE(counts.size() == 2);
  CHECK(counts[0].rows == kRows.size());
  CHECK(counts[1].rows == 0);

  CollectingSink one;
  read_entry_data(toc, *toc.find(11), one);
  REQUIRE(one.tables.size() == 1);
  CHECK(one.tables[0].name == "public.empty");
}

TEST_CASE("progress counts bytes and tables up to the archive's size", "[dump]") {
  pgverify::testing::TempDir dir("dumprd-progress");
  const fs::path path = write_archive(dir, "a.dump", SmallArchive(Compression::gzip).bytes(true));
  std::vector<ReadProgress> seen;
  DataReadOptions options;
  options.on_progress = [&](const ReadProgress& p) { seen.push_back(p); };
  read_all(path, options);
  REQUIRE(seen.size() >= 3);
  for (std::size_t i = 1; i < seen.size(); ++i) CHECK(seen[i].bytes_read >= seen[i - 1].bytes_read);
  CHECK(seen.back().bytes_read == fs::file_size(path));
  CHECK(seen.back().bytes_total == fs::file_size(path));
  CHECK(seen.back().tables_done == 2);
  CHECK(seen.back().tables_total == 2);
}

TEST_CASE("several threads read entries of one archive at once", "[dump]") {
  pgverify::testing::TempDir dir("dumprd-parallel");
  HeaderSpec h = header_for(Compression::zstd);
  std::vector<EntrySpec> entries;
  std::vector<BlockSpec> blocks;
  for (int i = 0; i < 8; ++i) {
    entries.push_back(table_data(100 + i, "t" + std::to_string(i)));
    std::vector<std::string> rows;
    for (int r = 0; r < 1000 * (i + 1); ++r) rows.push_back(std::to_string(r) + "\trow " + std::to_string(i));
    blocks.push_back({1, 100 + i, chunked(zstd_frame(copy_text(rows)), 4096)});
  }
  const fs::path path = write_archive(dir, "p.dump", build_custom(h, entries, blocks, true));
  const ArchiveToc toc = read_archive_toc(path);
  std::vector<CollectingSink> sinks(8);
  std::vector<std::thread> threads;
  std::vector<std::string> errors(8);
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      try {
        read_entry_data(toc, *toc.find(100 + i), sinks[static_cast<std::size_t>(i)]);
      } catch (const std::exception& e) {
        errors[static_cast<std::size_t>(i)] = e.what();
      }
    });
  for (auto& t : threads) t.join();
  for (int i = 0; i < 8; ++i) {
    CHECK(errors[static_cast<std::size_t>(i)].empty());
    REQUIRE(sinks[static_cast<std::size_t>(i)].tables.size() == 1);
    CHECK(sinks[static_cast<std::size_t>(i)].tables[0].rows.size() == 1000u * static_cast<std::size_t>(i + 1));
  }
}

TEST_CASE("each way custom archive data can be wrong has its own error", "[dump]") {
  pgverify::testing::TempDir dir("dumprd-custom-errors");
  const HeaderSpec h = header_for(Compression::none);
  const std::vector<EntrySpec> entries{table_data(10, "t")};
  auto write = [&](const std::string& bytes) { return write_archive(dir, "bad.dump", bytes); };

  SECTION("a data block naming a dump id the TOC does not have") {
    const DumpError e = data_error(write(build_custom(h, entries, {{1, 77, {"x\n"}}, {1, 10, {"1\ta\n"}}}, false)));
    expect(e, DumpErrc::unknown_data_block, "a data block names dump id 77, which no TOC entry has");
    CHECK(e.offset() == read_archive_toc(dir.path() / "bad.dump").data_start);
  }
  SECTION("an unknown block type") {
    BlockSpec odd{9, 10, {}};
    expect(data_error(write(build_custom(h, entries, {odd}, false))), DumpErrc::unknown_block_type,
           "unknown data block type 9");
  }
  SECTION("a data offset leading to another entry's block") {
    std::vector<EntrySpec> two{table_data(10, "t"), table_data(11, "u")};
    std::string bytes = build_custom(h, two, {{1, 10, {"1\n"}}, {1, 11, {"2\n"}}}, true);
    // Swap the ids of the two blocks: each offset now finds the other table.
    const ArchiveToc toc = [&] {
      write(bytes);
      return read_archive_toc(dir.path() / "bad.dump");
    }();
    const auto first = toc.find(10)->offset.value;
    bytes[first + 2] = 11;
    expect(data_error(write(bytes)), DumpErrc::unexpected_data_block,
           "the data offset of table public.t (dump id 10) leads to a data block of dump id 11");
  }
  SECTION("a table whose block is nowhere") {
    std::vector<EntrySpec> two{table_data(10, "t"), table_data(11, "u")};
    const DumpError e = data_error(write(build_custom(h, two, {{1, 10, {"1\n"}}}, false)));
    expect(e, DumpErrc::missing_data_block, "the archive ends without a data block for table public.u (dump id 11)");
  }
  SECTION("a negative chunk length") {
    std::string bytes = build_custom(h, entries, {{1, 10, {"1\ta\n"}}}, true);
    const std::size_t chunk_length_at = bytes.size() - 5 - 4 - 5;  // before "1\ta\n" and the end marker
    bytes[chunk_length_at] = 1;
    const DumpError e = data_error(write(bytes));
    expect(e, DumpErrc::bad_chunk_length, "a data chunk of table public.t (dump id 10) has negative length -4");
    CHECK(e.offset() == chunk_length_at);
  }
  SECTION("a chunk longer than the file") {
    std::string bytes = build_custom(h, entries, {{1, 10, {"1\ta\n"}}}, true);
    bytes.resize(bytes.size() - 7);
    expect(data_error(write(bytes)), DumpErrc::truncated, "a chunk's length says 4 bytes");
  }
  SECTION("a data offset past the end of the file") {
    std::string bytes = build_custom(h, entries, {{1, 10, {"1\ta\n"}}}, true);
    const auto toc_end = read_archive_toc(write(bytes)).data_start;
    bytes.resize(toc_end);
    expect(data_error(write(bytes)), DumpErrc::truncated, "past the end of the file");
  }
  SECTION("rows after the end marker, a last row without newline, a row too long") {
    expect(data_error(write(build_custom(h, entries, {{1, 10, {"1\n\\.\n\n2\n"}}}, true))), DumpErrc::bad_copy_data,
           "goes on after its end-of-copy marker");
    expect(data_error(write(build_custom(h, entries, {{1, 10, {"1\n2"}}}, true))), DumpErrc::bad_copy_data,
           "ends inside a row: its last 1 bytes have no newline");
    DataReadOptions small;
    small.max_row_bytes = 10;
    expect(data_error(write(build_custom(h, entries, {{1, 10, {"12345", "678901\n"}}}, true)), small),
           DumpErrc::row_too_long, "is longer than 10 bytes");
    CHECK(read_all(write(build_custom(h, entries, {{1, 10, {"12345", "67890\n"}}}, true)), small)[0].rows ==
          std::vector<std::string>{"1234567890"});
  }
  SECTION("data written as INSERT statements, cut inside a statement") {
    EntrySpec inserts = table_data(10, "t");
    inserts.copy = "";
    expect(data_error(write(build_custom(h, {inserts}, {{1, 10, {"INSERT INTO public.t VALUES (1);\nINSERT INTO"}}}, true))),
           DumpErrc::bad_statement_data, "(SQL statements, pg_dump --inserts) ends inside a statement");
    expect(data_error(write(build_custom(h, {inserts}, {{1, 10, {"INSERT INTO public.t VALUES\n\t(1),\n"}}}, true))),
           DumpErrc::bad_statement_data, "ends inside a statement");
  }
}

// pg_dump --inserts (and --column-inserts, --rows-per-insert) writes a table's
// data as SQL, and no COPY statement: dumpTableData_insert ends each statement
// with ";\n" and the data with "\n\n", so a table without rows is "\n\n".
TEST_CASE("data written as INSERT statements is read to its end, without rows", "[dump]") {
  pgverify::testing::TempDir dir("dumprd-inserts");
  const std::string rows = "INSERT INTO public.t VALUES (1, 'a;\nb');\nINSERT INTO public.t VALUES (2, NULL);\n\n\n";
  for (const Compression c : {Compression::none, Compression::gzip, Compression::lz4, Compression::zstd}) {
    INFO(to_string(c));
    const HeaderSpec h = header_for(c);
    EntrySpec t = table_data(10, "t"), empty = table_data(11, "empty");
    t.copy = empty.copy = "";
    for (const bool offsets : {true, false}) {
      const auto path = write_archive(dir, "ins.dump",
                                      build_custom(h, {t, empty},
                                                   {{1, 10, chunked(compress(c, rows), 5)},
                                                    {1, 11, chunked(compress(c, "\n\n"), 5)}},
                                                   offsets));
      const auto tables = read_all(path);
      REQUIRE(tables.size() == 2);
      CHECK(tables[0].name == "public.t");
      CHECK(tables[0].rows.empty());
      CHECK(tables[1].rows.empty());
      const ArchiveToc toc = read_archive_toc(path);
      CHECK(toc.find(10)->data_as_statements());
      CHECK_FALSE(toc.find(10)->copy_columns());
    }
    // Cut inside its compressed stream: as unreadable as COPY data.
    if (c != Compression::none) {
      const std::string packed = compress(c, rows);
      const auto path = write_archive(dir, "cut.dump",
                                      build_custom(h, {t}, {{1, 10, {packed.substr(0, packed.size() - 4)}}}, true));
      expect(data_error(path), DumpErrc::incomplete_compressed_stream, "table public.t");
    }
  }
  // A directory archive's NNNN.dat holds the statements too.
  HeaderSpec h;
  h.format = 3;
  EntrySpec t = table_data(10, "t");
  t.copy = "";
  const fs::path archive = dir.path() / "d";
  fs::create_directory(archive);
  write_file(archive / "toc.dat", build_header(h) + build_toc(h, {t}));
  write_file(archive / "10.dat.gz", deflate_bytes(rows, true));
  CHECK(read_all(archive).at(0).rows.empty());
  write_file(archive / "10.dat.gz", deflate_bytes("INSERT INTO public.t VALUES (1, 'a", true));
  expect(data_error(archive), DumpErrc::bad_statement_data, "ends inside a statement");
}

TEST_CASE("corrupt or cut compressed data names the table and the offset", "[dump]") {
  pgverify::testing::TempDir dir("dumprd-corrupt");
  const Compression c = GENERATE(Compression::gzip, Compression::lz4, Compression::zstd);
  INFO(to_string(c));
  const HeaderSpec h = header_for(c);
  std::vector<std::string> rows;
  for (int i = 0; i < 300; ++i) rows.push_back(std::to_string(i) + "\tsome text " + std::to_string(i * 7));
  const std::string packed = compress(c, copy_text(rows));
  const std::vector<EntrySpec> entries{table_data(10, "t")};

  SECTION("a damaged stream header") {
    std::string damaged = packed;
    damaged[0] = static_cast<char>(damaged[0] ^ 0x55);
    const fs::path path = write_archive(dir, "c.dump", build_custom(h, entries, {{1, 10, chunked(damaged, 100)}}, true));
    const DumpError e = data_error(path);
    expect(e, DumpErrc::corrupt_compressed_stream,
           "corrupt " + std::string(to_string(c)) + " data in the data of table public.t (dump id 10) near this offset");
    CHECK(e.offset() == read_archive_toc(path).find(10)->offset.value + 1 + 5 + 5);
  }
  SECTION("damage inside the stream") {
    std::string damaged = packed;
    for (std::size_t i = damaged.size() / 3; i < damaged.size() / 3 + 16; ++i) damaged[i] = static_cast<char>(~damaged[i]);
    const fs::path path = write_archive(dir, "c.dump", build_custom(h, entries, {{1, 10, chunked(damaged, 100)}}, true));
    if (c != Compression::gzip) {
      // lz4 and zstd frames carry no checksum as pg_dump writes them, so damage
      // may decode into other text (dump.matches-source catches that); reading
      // must still end in rows or a well-formed DumpError.
      std::optional<DumpError> error;
      std::size_t tables = 0;
      try {
        tables = read_all(path).size();
      } catch (const DumpError& e) {
        error = e;
      }
      if (error) check_message_form(*error);
      else CHECK(tables == 1);
      return;
    }
    const DumpError e = data_error(path);
    INFO(e.what());
    CHECK((e.code() == DumpErrc::corrupt_compressed_stream || e.code() == DumpErrc::incomplete_compressed_stream ||
           e.code() == DumpErrc::bad_copy_data));
    CHECK_THAT(e.reason(), Catch::Contains("table public.t (dump id 10)"));
    check_message_form(e);
  }
  SECTION("ending early") {
    const std::string cut = packed.substr(0, packed.size() / 2);
    const fs::path path = write_archive(dir, "c.dump", build_custom(h, entries, {{1, 10, chunked(cut, 100)}}, true));
    expect(data_error(path), DumpErrc::incomplete_compressed_stream,
           "the data of table public.t (dump id 10) ends before its " + std::string(to_string(c)) +
               " stream does: its data block's chunks end here");
  }
}

TEST_CASE("a corrupt zlib stream is corrupt_compressed_stream", "[dump]") {
  pgverify::testing::TempDir dir("dumprd-zlib");
  const HeaderSpec h = header_for(Compression::gzip);
  std::string packed = deflate_bytes(copy_text(kRows));
  packed[0] = 0x79;  // no zlib or gzip header starts so
  const fs::path path = write_archive(dir, "z.dump", build_custom(h, {table_data(10, "t")}, {{1, 10, {packed}}}, true));
  const DumpError e = data_error(path);
  expect(e, DumpErrc::corrupt_compressed_stream, "corrupt gzip data in the data of table public.t (dump id 10) near this offset");
  const auto toc = read_archive_toc(path);
  CHECK(e.offset() == toc.find(10)->offset.value + 1 + 5 + 5);
}

TEST_CASE("a custom archive cut at any offset ends in a DumpError", "[dump]") {
  pgverify::testing::TempDir dir("dumprd-cut");
  const Compression c = GENERATE(Compression::none, Compression::gzip);
  const bool offsets = GENERATE(true, false);
  INFO(to_string(c) << (offsets ? " with offsets" : " from a pipe"));
  const std::string whole = SmallArchive(c).bytes(offsets);
  const fs::path path = dir.path() / "cut.dump";
  for (std::size_t n = 0; n < whole.size(); ++n) {
    INFO("cut to " << n << " of " << whole.size() << " bytes");
    write_file(path, whole.substr(0, n));
    try {
      const ArchiveToc toc = read_archive_toc(path);
      CollectingSink sink;
      read_table_data(toc, sink);
      FAIL("a cut archive read without error");
    } catch (const DumpError& e) {
      check_message_form(e);
    }
  }
  write_file(path, whole);
  check_small_tables(read_all(path));
}

TEST_CASE("directory archives read NNNN.dat in every compression; a missing file is named", "[dump]") {
  pgverify::testing::TempDir dir("dumprd-dir");
  HeaderSpec h;
  h.format = 3;
  const std::vector<EntrySpec> entries{table_data(10, "t"), table_data(11, "empty")};
  const fs::path archive = dir.path() / "d";
  fs::create_directory(archive);
  write_file(archive / "toc.dat", build_header(h) + build_toc(h, entries));
  write_file(archive / "10.dat.gz", deflate_bytes(copy_text(kRows), true));
  write_file(archive / "11.dat", copy_text({}, false));
  check_small_tables(read_all(archive));

  fs::remove(archive / "10.dat.gz");
  write_file(archive / "10.dat.lz4", lz4_frame(copy_text(kRows)) + lz4_frame(""));
  check_small_tables(read_all(archive));
  fs::remove(archive / "10.dat.lz4");
  // Two zstd frames one after another read as one stream.
  const std::string text = copy_text(kRows);
  write_file(archive / "10.dat.zst", zstd_frame(text.substr(0, 20)) + zstd_frame(text.substr(20)));
  check_small_tables(read_all(archive));

  fs::remove(archive / "10.dat.zst");
  const DumpError e = data_error(archive);
  expect(e, DumpErrc::missing_data_file, "the data file of table public.t (dump id 10) is missing");
  CHECK(e.path() == archive / "10.dat");

  std::string cut = deflate_bytes(copy_text(kRows), true);
  write_file(archive / "10.dat.gz", cut.substr(0, cut.size() - 10));
  expect(data_error(archive), DumpErrc::incomplete_compressed_stream, "the file ends here");
}

TEST_CASE("a directory archive's files that are no regular file are refused, never opened", "[dump]") {
  pgverify::testing::TempDir dir("dumprd-dir-special");
  HeaderSpec h;
  h.format = 3;
  const fs::path archive = dir.path() / "d";
  fs::create_directory(archive);
  write_file(archive / "toc.dat", build_header(h) + build_toc(h, {table_data(10, "t"), table_data(11, "empty")}));
  write_file(archive / "10.dat.gz", deflate_bytes(copy_text(kRows), true));
  write_file(archive / "11.dat", copy_text({}, false));
  check_small_tables(read_all(archive));

  auto refused = [&](const fs::path& file, bool fifo) {
    fs::remove(file);
    if (fifo) pgverify::testing::make_fifo(file);
    else pgverify::testing::link_to_dev_zero(file);
    const DumpError e = pgverify::testing::finishes_promptly({file}, [&] { return data_error(archive); });
    expect(e, DumpErrc::not_a_file, fifo ? "a FIFO (named pipe), not a regular file" : "a character device, not a regular file");
    CHECK(e.path() == file);
  };
  SECTION("toc.dat a FIFO") { refused(archive / "toc.dat", true); }
  SECTION("toc.dat a link to /dev/zero") { refused(archive / "toc.dat", false); }
  SECTION("a data file a FIFO") { refused(archive / "10.dat.gz", true); }
  SECTION("a data file a link to /dev/zero") { refused(archive / "10.dat.gz", false); }
  SECTION("a data file under the name pg_restore looks for first, a FIFO") {
    // pg_restore finds 11.dat before 11.dat.gz: so does the reader, and refuses it.
    fs::rename(archive / "11.dat", archive / "11.dat.gz");
    write_file(archive / "11.dat.gz", deflate_bytes(copy_text({}, false), true));
    refused(archive / "11.dat", true);
  }
}

TEST_CASE("a custom, tar or plain dump that is no regular file, or is huge garbage, is refused at once", "[dump]") {
  pgverify::testing::TempDir dir("dumprd-special");
  const fs::path fifo = dir.path() / "pipe.dump";
  pgverify::testing::make_fifo(fifo);
  const DumpError e = pgverify::testing::finishes_promptly({fifo}, [&] { return data_error(fifo); });
  expect(e, DumpErrc::not_a_file, "a FIFO (named pipe), not a regular file");
  expect(data_error("/dev/zero"), DumpErrc::not_a_file, "a character device, not a regular file");

  // 64 GiB without a byte of data (sparse): only its start is read.
  auto huge = [&](const std::string& name, const std::string& start) {
    const fs::path path = dir.path() / name;
    write_file(path, start);
    fs::resize_file(path, std::uint64_t{64} << 30);
    const auto began = std::chrono::steady_clock::now();
    const DumpError error = data_error(path);
    CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(5));
    return error;
  };
  expect(huge("zeros.dump", ""), DumpErrc::unrecognized_format, "not a pg_dump archive");
  expect(huge("custom.dump", "PGDMP"), DumpErrc::unsupported_version, "unsupported archive version 0.0");
  expect(huge("tar.dump", tar_header("toc.dat", std::size_t{7} << 30)), DumpErrc::bad_magic, "no \"PGDMP\" magic");
  expect(huge("plain.sql", "--\n-- PostgreSQL database dump\n--\n\n"), DumpErrc::missing_version_comment, "");
}

TEST_CASE("tar archives read NNNN.dat members; a missing member is named", "[dump]") {
  pgverify::testing::TempDir dir("dumprd-tar");
  HeaderSpec h;
  h.format = 3;
  h.algorithm = 0;
  const std::vector<EntrySpec> entries{table_data(10, "t"), table_data(11, "empty")};
  const std::string toc = build_header(h) + build_toc(h, entries);
  const fs::path path = dir.path() / "a.tar";
  write_file(path, tar_archive_with(toc, {{"10.dat", copy_text(kRows)}, {"11.dat", copy_text({})}}));
  check_small_tables(read_all(path));

  write_file(path, tar_archive_with(toc, {{"10.dat", copy_text(kRows)}}));
  expect(data_error(path), DumpErrc::missing_tar_member,
         "the tar archive has no member \"11.dat\" holding the data of table public.empty (dump id 11)");

  const std::string whole = tar_archive_with(toc, {{"10.dat", copy_text(kRows)}, {"11.dat", copy_text({})}});
  auto padded = [](std::size_t n) { return n + (512 - n % 512) % 512; };
  const std::size_t first_member = 512 + padded(toc.size());
  const std::size_t last_byte = first_member + 512 + padded(copy_text(kRows).size()) + 512 + copy_text({}).size();
  for (std::size_t n = first_member; n < last_byte; n += 37) {
    INFO("cut to " << n);
    write_file(path, whole.substr(0, n));
    check_message_form(data_error(path));
  }
}

TEST_CASE("plain dumps stream their COPY blocks, compressed or not", "[dump]") {
  pgverify::testing::TempDir dir("dumprd-plain");
  const std::string head =
      "--\n-- PostgreSQL database dump\n--\n\n"
      "-- Dumped from database version 17.2\n-- Dumped by pg_dump version 17.2\n\n";
  const std::string text = head + "COPY public.t (a, b) FROM stdin;\n" + copy_text(kRows) +
                           "CREATE INDEX i ON public.t (a);\nCOPY public.empty (a, b) FROM stdin;\n\\.\n\n"
                           "--\n-- PostgreSQL database dump complete\n--\n\n";
  const Compression c = GENERATE(Compression::none, Compression::gzip, Compression::lz4, Compression::zstd);
  INFO(to_string(c));
  const std::string bytes = c == Compression::gzip ? deflate_bytes(text, true) : compress(c, text);
  const fs::path path = dir.path() / "p.sql";
  write_file(path, bytes);
  check_small_tables(read_all(path));

  const ArchiveToc toc = read_archive_toc(path);
  CollectingSink one;
  read_entry_data(toc, *toc.tables_with_data()[0], one);
  REQUIRE(one.tables.size() == 1);
  CHECK(one.tables[0].rows == kRows);
  CollectingSink second;  // past a block not wanted
  read_entry_data(toc, *toc.tables_with_data()[1], second);
  REQUIRE(second.tables.size() == 1);
  CHECK(second.tables[0].name == "public.empty");
  CHECK(second.tables[0].rows.empty());

  SECTION("cut inside a COPY block") {
    const std::string cut = text.substr(0, text.find("3\t"));
    write_file(path, c == Compression::gzip ? deflate_bytes(cut, true) : compress(c, cut));
    const DumpError e = expect_dump_error([&] { read_archive_toc(path); });
    expect(e, DumpErrc::truncated, "the plain-text dump ends inside the COPY block of table public.t after 2 rows");
  }
  SECTION("a COPY line naming no table") {
    // An unterminated quote would run psql (and the lexer) to the end of the file.
    const std::string odd = head + "COPY public. FROM stdin;\n\\.\n";
    write_file(path, c == Compression::gzip ? deflate_bytes(odd, true) : compress(c, odd));
    expect(expect_dump_error([&] { read_archive_toc(path); }), DumpErrc::bad_copy_statement,
           "COPY line \"COPY public. FROM stdin;\" names no table");
  }
  SECTION("a row too long") {
    DataReadOptions small;
    small.max_row_bytes = 20;
    expect(data_error(path, small), DumpErrc::row_too_long, "a row of table public.t (dump id 1) is longer than 20 bytes");
  }
}

TEST_CASE("a compressed plain dump cut short or corrupt is named so", "[dump]") {
  pgverify::testing::TempDir dir("dumprd-plain-gz");
  std::string text =
      "--\n-- PostgreSQL database dump\n--\n\n"
      "-- Dumped from database version 17.2\n-- Dumped by pg_dump version 17.2\n\n"
      "COPY public.t (a, b) FROM stdin;\n";
  // More than the header reader decompresses (64 KiB), so the cut is found by the TOC pass.
  for (int i = 0; i < 40000; ++i) text += std::to_string(i) + "\tvalue " + std::to_string(i * 31 % 977) + "\n";
  text += "\\.\n\n";
  const std::string packed = deflate_bytes(text, true);
  const fs::path path = dir.path() / "p.sql.gz";
  write_file(path, packed.substr(0, packed.size() * 2 / 3));
  expect(expect_dump_error([&] { read_archive_toc(path); }), DumpErrc::incomplete_compressed_stream,
         "the plain-text dump ends before its gzip stream does (inside the COPY block of table public.t)");
  std::string damaged = packed;
  for (std::size_t i = packed.size() / 2; i < packed.size() / 2 + 32; ++i) damaged[i] = 'x';
  write_file(path, damaged);
  const DumpError e = expect_dump_error([&] { read_archive_toc(path); });
  CHECK((e.code() == DumpErrc::corrupt_compressed_stream || e.code() == DumpErrc::incomplete_compressed_stream));
  check_message_form(e);
}

TEST_CASE("the stream decoder reads concatenated streams and never stalls", "[dump]") {
  std::string out;
  auto sink = [&](std::string_view piece) {
    CHECK(piece.size() <= kDecodeOutputChunk);
    out += piece;
  };
  const std::string big(300 * 1024, 'a');  // more output than one piece
  StreamDecoder gz(StreamCompression::gzip);
  const std::string two = deflate_bytes(big, true) + deflate_bytes("tail", true);
  for (std::size_t at = 0; at < two.size(); at += 3)
    REQUIRE_FALSE(gz.feed({reinterpret_cast<const std::uint8_t*>(two.data()) + at, std::min<std::size_t>(3, two.size() - at)}, sink));
  CHECK(gz.at_stream_end());
  CHECK(out == big + "tail");

  out.clear();
  StreamDecoder none(std::nullopt);
  REQUIRE_FALSE(none.feed({reinterpret_cast<const std::uint8_t*>(big.data()), big.size()}, sink));
  CHECK(out == big);

  StreamDecoder garbage(StreamCompression::zstd);
  const std::string junk(64, '\x7f');
  CHECK(garbage.feed({reinterpret_cast<const std::uint8_t*>(junk.data()), junk.size()}, sink));
  StreamDecoder half(StreamCompression::lz4);
  const std::string frame = lz4_frame(big);
  REQUIRE_FALSE(half.feed({reinterpret_cast<const std::uint8_t*>(frame.data()), frame.size() / 2}, sink));
  CHECK_FALSE(half.at_stream_end());
}

TEST_CASE("random damage to a custom archive ends in a DumpError or a clean read, never a crash", "[dump]") {
  pgverify::testing::TempDir dir("dumprd-damage");
  const Compression c = GENERATE(Compression::none, Compression::gzip, Compression::zstd);
  const bool offsets = GENERATE(true, false);
  const std::string whole = SmallArchive(c).bytes(offsets);
  const fs::path path = dir.path() / "damaged.dump";
  std::mt19937 random(static_cast<unsigned>(whole.size()) * 7 + (offsets ? 1 : 0));
  std::size_t errors = 0;
  for (int round = 0; round < 400; ++round) {
    std::string bytes = whole;
    const int flips = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < flips; ++i) {
      // The header is covered by its own tests: damage the TOC and the data.
      const std::size_t at = 60 + random() % (bytes.size() - 60);
      bytes[at] = static_cast<char>(random() % 256);
    }
    write_file(path, bytes);
    try {
      const ArchiveToc toc = read_archive_toc(path);
      CollectingSink sink;
      read_table_data(toc, sink);
    } catch (const DumpError& e) {
      ++errors;
      check_message_form(e);
    }
  }
  CHECK(errors > 0);
}
