// Large objects (BLOBS entries) read to their last byte, on archives built byte
// by byte: a custom archive's BLOBS block in every compression, with and
// without data offsets; a directory archive's blobs TOC file and blob files; a
// tar archive's members. Each way large objects can be wrong is its own
// DumpErrc, naming the object.

#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "dump/archive_data.hpp"
#include "dump_test_support.hpp"
#include "support/servers.hpp"
#include "support/special_files.hpp"

using namespace pgverify::dump;
using namespace pgverify::dump::testing;
namespace fs = std::filesystem;

namespace {

// Each object's bytes as the sink sees them, in archive order.
class ObjectSink final : public RowSink {
 public:
  std::vector<std::pair<std::uint32_t, std::string>> objects;
  std::vector<int> entries;  // dump id of each object's BLOBS entry
  std::map<std::string, std::size_t> rows;
  bool open = false;
  void begin_table(const TocEntry& entry) override { rows[entry.plain_name()] += 0; m_table = entry.plain_name(); }
  void row(std::string_view) override { ++rows[m_table]; }
  void end_table(const TocEntry&) override {}
  void begin_large_object(const TocEntry& blobs_entry, std::uint32_t oid) override {
    REQUIRE_FALSE(open);
    open = true;
    objects.push_back({oid, {}});
    entries.push_back(blobs_entry.dump_id);
  }
  void large_object_data(std::string_view bytes) override {
    REQUIRE(open);
    CHECK(bytes.size() <= 64 * 1024);  // streamed in pieces, never a whole object at once
    objects.back().second += bytes;
  }
  void end_large_object() override {
    REQUIRE(open);
    open = false;
  }

 private:
  std::string m_table;
};

std::string compress(Compression c, const std::string& bytes) {
  switch (c) {
    case Compression::none: return bytes;
    case Compression::gzip: return deflate_bytes(bytes);
    case Compression::lz4: return lz4_frame(bytes);
    case Compression::zstd: return zstd_frame(bytes);
  }
  return bytes;
}

HeaderSpec header_for(Compression c, int format = 1) {
  HeaderSpec h;
  h.format = format;
  h.algorithm = c == Compression::none ? 0 : c == Compression::gzip ? 1 : c == Compression::lz4 ? 2 : 3;
  return h;
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

// WriteInt takes an int: an OID from 2^31 on is written as the negative int it converts to.
long long as_written(std::uint32_t oid) { return static_cast<long long>(static_cast<std::int32_t>(oid)); }

const std::vector<std::pair<std::uint32_t, std::string>> kObjects{
    {16400, "large object bytes"},
    {16401, ""},
    {3000000000u, random_bytes(200 * 1024, 7)},  // beyond 2^31, and more than one read piece
};

// BLOB METADATA (archive 1.16): the objects' OIDs, one a line, and their owner.
EntrySpec metadata(long long dump_id, const std::vector<std::uint32_t>& oids, const std::string& owner) {
  EntrySpec e;
  e.dump_id = dump_id;
  e.desc = std::string("BLOB METADATA");
  e.tag = std::to_string(oids.front());
  e.section = 3;
  e.table_oid = std::string("2613");
  e.oid = std::to_string(oids.front());
  std::string defn;
  for (auto oid : oids) defn += std::to_string(oid) + "\n";
  e.defn = defn;
  e.drop = std::string("-- dummy");
  e.ns = std::nullopt;
  e.tableam = std::nullopt;
  e.relkind = 0;
  e.owner = owner;
  return e;
}

EntrySpec blobs_entry(long long dump_id, const std::string& tag) {
  EntrySpec e;
  e.dump_id = dump_id;
  e.had_dumper = 1;
  e.desc = std::string("BLOBS");
  e.tag = tag;
  e.section = 3;
  e.table_oid = std::string("0");
  e.oid = std::string("0");
  e.ns = std::nullopt;
  e.tableam = std::nullopt;
  e.relkind = 0;
  e.offset_flag = 1;
  e.filename = "blobs_" + std::to_string(dump_id) + ".toc";
  return e;
}

// A BLOBS block whose objects are each their own compressed stream, in chunks.
std::string blobs_block(long long id, const std::vector<std::pair<std::uint32_t, std::string>>& objects, Compression c,
                        bool end = true) {
  Bytes b;
  b.byte(3).integer(id);
  for (const auto& [oid, bytes] : objects) {
    b.integer(as_written(oid));
    // pg_dump's lz4 and zstd compressors write nothing for an empty object.
    if (!(bytes.empty() && (c == Compression::lz4 || c == Compression::zstd)))
      for (const auto& chunk : chunked(compress(c, bytes), 5000)) b.integer(static_cast<long long>(chunk.size())).raw(chunk);
    b.integer(0);
  }
  if (end) b.integer(0);
  return b.data();
}

// A custom archive: TABLE DATA of t, BLOB METADATA, a BLOBS entry and its block.
std::string custom_archive(Compression c, const std::vector<std::pair<std::uint32_t, std::string>>& objects,
                           bool offsets, const std::vector<std::uint32_t>& listed, const std::string& block = {}) {
  HeaderSpec h = header_for(c);
  std::vector<EntrySpec> entries{table_data(10, "t"), metadata(20, listed, "alice"), blobs_entry(21, "16400..")};
  entries[2].deps = {"20"};
  const std::string data = build_block({1, 10, chunked(compress(c, "1\tone\n\\.\n\n"))});
  const std::string blobs = block.empty() ? blobs_block(21, objects, c) : block;
  const std::string head = build_header(h);
  const std::size_t toc_size = build_toc(h, entries).size();
  if (offsets) {
    entries[0].offset_flag = 2, entries[0].offset = head.size() + toc_size;
    entries[2].offset_flag = 2, entries[2].offset = head.size() + toc_size + data.size();
  }
  return head + build_toc(h, entries) + data + blobs;
}

std::vector<std::uint32_t> oids_of(const std::vector<std::pair<std::uint32_t, std::string>>& objects) {
  std::vector<std::uint32_t> out;
  for (const auto& o : objects) out.push_back(o.first);
  return out;
}

ObjectSink read_all(const fs::path& path) {
  const ArchiveToc toc = read_archive_toc(path);
  ObjectSink sink;
  read_table_data(toc, sink);
  CHECK_FALSE(sink.open);
  return sink;
}

DumpError read_error(const fs::path& path) {
  return expect_dump_error([&] { read_all(path); });
}

void expect(const DumpError& e, DumpErrc code, const std::string& reason_part) {
  INFO(e.what());
  CHECK(to_string(e.code()) == to_string(code));
  CHECK_THAT(e.reason(), Catch::Contains(reason_part));
  check_message_form(e);
}

fs::path write(const pgverify::testing::TempDir& dir, const std::string& name, const std::string& bytes) {
  write_file(dir.path() / name, bytes);
  return dir.path() / name;
}

}  // namespace

TEST_CASE("a custom archive's large objects stream to the sink, each its own stream, in every compression",
          "[dump][large-objects]") {
  const Compression c = GENERATE(Compression::none, Compression::gzip, Compression::lz4, Compression::zstd);
  const bool offsets = GENERATE(true, false);
  INFO(to_string(c) << (offsets ? " with data offsets" : " written to a pipe"));
  pgverify::testing::TempDir dir("lo-custom");
  const auto path = write(dir, "lo.dump", custom_archive(c, kObjects, offsets, oids_of(kObjects)));
  const ObjectSink sink = read_all(path);
  CHECK(sink.objects == kObjects);
  CHECK(sink.entries == std::vector<int>{21, 21, 21});
  CHECK(sink.rows == std::map<std::string, std::size_t>{{"public.t", 1}});

  const ArchiveToc toc = read_archive_toc(path);
  CHECK(toc.holds_large_objects());
  REQUIRE(toc.listed_large_objects.size() == 3);
  CHECK(toc.listed_large_object(3000000000u)->owner == "alice");
  CHECK(toc.listed_large_object(16401)->dump_id == 20);
  CHECK(toc.listed_large_object(16402) == nullptr);

  // One table read apart steps over the BLOBS block, OIDs beyond 2^31 included.
  ObjectSink table_only;
  read_entry_data(toc, *toc.tables_with_data().front(), table_only);
  CHECK(table_only.rows == std::map<std::string, std::size_t>{{"public.t", 1}});
  CHECK(table_only.objects.empty());
  // The BLOBS entry read apart gives the OIDs it read, for check_large_objects.
  ObjectSink blobs_only;
  auto oids = read_entries_data(toc, toc.large_object_entries(), blobs_only);
  std::sort(oids.begin(), oids.end());
  CHECK(oids == std::vector<std::uint32_t>{16400, 16401, 3000000000u});
  CHECK_NOTHROW(check_large_objects(toc, oids));
}

TEST_CASE("each way a custom archive's large objects are wrong is its own error, naming the object",
          "[dump][large-objects]") {
  pgverify::testing::TempDir dir("lo-custom-bad");
  const auto listed = oids_of(kObjects);

  SECTION("cut inside an object") {
    const std::string whole = custom_archive(Compression::gzip, kObjects, true, listed);
    const auto path = write(dir, "cut.dump", whole.substr(0, whole.size() - 20000));
    expect(read_error(path), DumpErrc::truncated, "large object 3000000000 (entry 21)");
  }
  SECTION("a stream that stops short though its chunks end") {
    std::string frame = lz4_frame(kObjects[0].second);
    frame.resize(frame.size() - 4);  // the frame's end mark
    Bytes b;
    b.byte(3).integer(21).integer(16400).integer(static_cast<long long>(frame.size())).raw(frame).integer(0).integer(0);
    const auto path = write(dir, "short.dump", custom_archive(Compression::lz4, {}, true, {16400}, b.data()));
    expect(read_error(path), DumpErrc::incomplete_compressed_stream, "large object 16400 (entry 21)");
  }
  SECTION("an object stored twice") {
    auto objects = kObjects;
    objects.push_back(kObjects[0]);
    const auto path = write(dir, "twice.dump", custom_archive(Compression::none, objects, true, listed));
    expect(read_error(path), DumpErrc::duplicate_large_object, "large object 16400 is stored twice");
  }
  SECTION("an OID no pg_dump writes") {
    Bytes minus_zero;
    minus_zero.byte(3).integer(21).byte(1).raw(std::string(4, '\0'));
    auto path = write(dir, "minus-zero.dump", custom_archive(Compression::none, {}, true, listed, minus_zero.data()));
    expect(read_error(path), DumpErrc::bad_large_object_oid, "is -0");
    Bytes too_big;
    too_big.byte(3).integer(21).integer(3000000000LL);  // positive beyond INT_MAX: WriteInt never writes it
    path = write(dir, "too-big.dump", custom_archive(Compression::none, {}, true, listed, too_big.data()));
    expect(read_error(path), DumpErrc::bad_large_object_oid, "3000000000, which is no 32-bit OID");
  }
  SECTION("an object the TOC lists that no BLOBS data holds: pg_restore would create it empty") {
    auto with_extra = listed;
    with_extra.push_back(16402);
    const auto path = write(dir, "missing.dump", custom_archive(Compression::zstd, kObjects, true, with_extra));
    expect(read_error(path), DumpErrc::missing_large_object, "large object 16402 is listed by entry 20 (BLOB METADATA)");
  }
  SECTION("an object stored that the TOC does not list") {
    const auto path = write(dir, "unlisted.dump", custom_archive(Compression::none, kObjects, true, {16400, 16401}));
    expect(read_error(path), DumpErrc::unlisted_large_object, "large object 3000000000 is stored");
  }
  SECTION("a BLOBS offset that leads to a table's block") {
    HeaderSpec h = header_for(Compression::none);
    std::vector<EntrySpec> entries{table_data(10, "t"), blobs_entry(21, "x")};
    const std::string head = build_header(h);
    const std::size_t toc_size = build_toc(h, entries).size();
    entries[0].offset_flag = 2, entries[0].offset = head.size() + toc_size;
    entries[1].offset_flag = 2, entries[1].offset = head.size() + toc_size;
    const auto path = write(dir, "offset.dump", head + build_toc(h, entries) + build_block({1, 10, {"1\n\\.\n"}}));
    expect(read_error(path), DumpErrc::unexpected_data_block, "not to its own large object block");
  }
}

namespace {

// A directory archive: toc.dat (TABLE DATA 10, BLOB METADATA 20, BLOBS 21), 10.dat.gz,
// blobs_21.toc listing the objects, and their blob_OID.dat.gz files.
struct DirectoryArchive {
  pgverify::testing::TempDir dir{"lo-directory"};
  fs::path path = dir.path() / "archive";
  std::string list;

  explicit DirectoryArchive(const std::vector<std::pair<std::uint32_t, std::string>>& objects = kObjects,
                            std::vector<std::uint32_t> listed = oids_of(kObjects)) {
    HeaderSpec h = header_for(Compression::gzip, 3);
    std::vector<EntrySpec> entries{table_data(10, "t"), metadata(20, listed, "alice"), blobs_entry(21, "16400..")};
    fs::create_directory(path);
    write_file(path / "toc.dat", build_header(h) + build_toc(h, entries));
    write_file(path / "10.dat.gz", deflate_bytes("1\tone\n\\.\n\n", true));
    for (const auto& [oid, bytes] : objects) {
      list += std::to_string(oid) + " blob_" + std::to_string(oid) + ".dat\n";
      write_file(path / ("blob_" + std::to_string(oid) + ".dat.gz"), deflate_bytes(bytes, true));
    }
    write_file(path / "blobs_21.toc", list);
  }
};

}  // namespace

TEST_CASE("a directory archive's large objects are read from the files its blobs TOC lists", "[dump][large-objects]") {
  DirectoryArchive a;
  CHECK(read_all(a.path).objects == kObjects);
  const ArchiveToc toc = read_archive_toc(a.path);
  CHECK(archive_bytes(toc, toc.entries_with_data()) > 3 * 1024);  // the blob files count

  SECTION("a blob file of uncompressed bytes under .gz, as gzread reads it") {
    write_file(a.path / "blob_16400.dat.gz", "large object bytes");
    CHECK(read_all(a.path).objects == kObjects);
  }
  SECTION("a blob file without its suffix, as pg_restore finds it") {
    fs::remove(a.path / "blob_16401.dat.gz");
    write_file(a.path / "blob_16401.dat", "");
    CHECK(read_all(a.path).objects == kObjects);
  }
  SECTION("a blobs TOC whose last line lacks its newline") {
    write_file(a.path / "blobs_21.toc", a.list.substr(0, a.list.size() - 1));
    CHECK(read_all(a.path).objects == kObjects);
  }
}

TEST_CASE("each way a directory archive's large objects are wrong is its own error", "[dump][large-objects]") {
  DirectoryArchive a;
  SECTION("a blob file missing") {
    fs::remove(a.path / "blob_16401.dat.gz");
    expect(read_error(a.path), DumpErrc::missing_large_object_file, "large object 16401 (entry 21) is missing");
  }
  SECTION("the blobs TOC missing") {
    fs::remove(a.path / "blobs_21.toc");
    expect(read_error(a.path), DumpErrc::missing_large_object_toc, "entry 21 (BLOBS \"16400..\") is missing");
  }
  SECTION("a line that does not parse") {
    write_file(a.path / "blobs_21.toc", a.list + "16402\n");
    expect(read_error(a.path), DumpErrc::bad_large_object_toc_line, "line 4 of the large object TOC file is \"16402\"");
    write_file(a.path / "blobs_21.toc", "16400 ../../etc/passwd\n");
    expect(read_error(a.path), DumpErrc::bad_large_object_toc_line, "not \"OID FILENAME\"");
  }
  SECTION("an OID of 0 or beyond 32 bits") {
    write_file(a.path / "blobs_21.toc", "0 blob_0.dat\n");
    expect(read_error(a.path), DumpErrc::bad_large_object_oid, "names large object \"0\"");
    write_file(a.path / "blobs_21.toc", "4294967296 blob_16400.dat\n");
    expect(read_error(a.path), DumpErrc::bad_large_object_oid, "\"4294967296\", which is no OID");
  }
  SECTION("an object listed twice") {
    write_file(a.path / "blobs_21.toc", a.list + "16400 blob_16400.dat\n");
    const DumpError e = read_error(a.path);
    expect(e, DumpErrc::duplicate_large_object, "large object 16400 is stored twice");
    CHECK(e.offset() == a.list.size());  // the line that repeats it
  }
  SECTION("a line lost from the blobs TOC: the object the TOC lists would be restored empty") {
    write_file(a.path / "blobs_21.toc", a.list.substr(0, a.list.find('\n') + 1));
    expect(read_error(a.path), DumpErrc::missing_large_object, "large object 16401 is listed by entry 20");
  }
  SECTION("a blob file cut short") {
    const std::string gz = deflate_bytes(kObjects[2].second, true);
    write_file(a.path / "blob_3000000000.dat.gz", gz.substr(0, gz.size() / 2));
    expect(read_error(a.path), DumpErrc::incomplete_compressed_stream, "large object 3000000000 (entry 21)");
  }
  SECTION("an lz4 blob file that holds uncompressed bytes, which pg_restore refuses") {
    fs::remove(a.path / "blob_16400.dat.gz");
    write_file(a.path / "blob_16400.dat.lz4", "large object bytes");
    expect(read_error(a.path), DumpErrc::corrupt_compressed_stream, "large object 16400 (entry 21)");
  }
}

TEST_CASE("a directory archive's large object files that are no regular file are refused, never opened",
          "[dump][large-objects]") {
  DirectoryArchive a;
  auto refused = [&](const fs::path& file, bool fifo) {
    fs::remove(file);
    if (fifo) pgverify::testing::make_fifo(file);
    else pgverify::testing::link_to_dev_zero(file);
    const DumpError e = pgverify::testing::finishes_promptly({file}, [&] { return read_error(a.path); });
    expect(e, DumpErrc::not_a_file, fifo ? "a FIFO (named pipe), not a regular file" : "a character device, not a regular file");
    CHECK(e.path() == file);
  };
  SECTION("the blobs TOC a FIFO") { refused(a.path / "blobs_21.toc", true); }
  SECTION("the blobs TOC a link to /dev/zero") { refused(a.path / "blobs_21.toc", false); }
  SECTION("a blob file a FIFO") { refused(a.path / "blob_16401.dat.gz", true); }
  SECTION("a blob file a link to /dev/zero") { refused(a.path / "blob_16401.dat.gz", false); }
  SECTION("a blobs TOC of 64 GiB of zeros (sparse) is refused at its first line, not read to its end") {
    write_file(a.path / "blobs_21.toc", "");
    fs::resize_file(a.path / "blobs_21.toc", std::uint64_t{64} << 30);
    const auto began = std::chrono::steady_clock::now();
    expect(read_error(a.path), DumpErrc::bad_large_object_toc_line, "line 1 of the large object TOC file");
    CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(5));
  }
}

TEST_CASE("a tar archive's large objects are its blob members, listed by the blobs TOC member", "[dump][large-objects]") {
  pgverify::testing::TempDir dir("lo-tar");
  HeaderSpec h = header_for(Compression::none, 3);
  std::vector<EntrySpec> entries{table_data(10, "t"), metadata(20, oids_of(kObjects), "alice"),
                                 blobs_entry(21, "16400..")};
  entries[2].filename = std::string("21.dat");  // what pg_dump -Ft records for a BLOBS entry
  const std::string toc = build_header(h) + build_toc(h, entries);
  std::string list;
  std::vector<std::pair<std::string, std::string>> members{{"10.dat", "1\tone\n\\.\n\n"}};
  for (const auto& [oid, bytes] : kObjects) {
    members.push_back({"blob_" + std::to_string(oid) + ".dat", bytes});
    list += std::to_string(oid) + " blob_" + std::to_string(oid) + ".dat\n";
  }
  auto archive = [&](const std::vector<std::pair<std::string, std::string>>& m) {
    return write(dir, "archive.tar", tar_archive_with(toc, m));
  };
  auto with_list = members;
  with_list.push_back({"blobs_21.toc", list});
  CHECK(read_all(archive(with_list)).objects == kObjects);

  SECTION("a blob member missing: pg_restore 18 restores the object empty, and exits 0") {
    auto lost = with_list;
    lost.erase(lost.begin() + 2);
    expect(read_error(archive(lost)), DumpErrc::missing_large_object_member,
           "no member \"blob_16401.dat\" holding the data of large object 16401 (entry 21)");
  }
  SECTION("the blobs TOC member missing") {
    expect(read_error(archive(members)), DumpErrc::missing_large_object_toc, "no member \"blobs_21.toc\"");
  }
}

TEST_CASE("one large object listed by two BLOB METADATA entries is refused", "[dump][large-objects]") {
  pgverify::testing::TempDir dir("lo-listing");
  HeaderSpec h = header_for(Compression::none);
  const auto path = write(dir, "listing.dump",
                          build_header(h) + build_toc(h, {metadata(20, {16400, 16401}, "a"), metadata(22, {16401}, "b")}));
  expect(expect_dump_error([&] { read_archive_toc(path); }), DumpErrc::duplicate_large_object,
         "large object 16401 is listed twice: by entry 20 and by entry 22");
}
