// The TOC reader on archives built byte by byte: every field of every archive
// version 1.12 to 1.16, the custom/directory/tar extras, each way an entry can
// be wrong (one DumpErrc each), and the plain-dump TOC made from its text.

#include <catch2/catch.hpp>

#include <set>

#include "dump/archive_toc.hpp"
#include "dump_test_support.hpp"
#include "support/servers.hpp"

using namespace pgverify::dump;
using namespace pgverify::dump::testing;

namespace {

std::vector<TocEntry> read_entries(const std::string& toc_bytes, const HeaderSpec& h, const std::string& label = "test.dump") {
  const std::string bytes = build_header(h) + toc_bytes;
  MemorySource source(label, bytes);
  ArchiveCursor cursor(source);
  const ArchiveHeader header = read_binary_header(cursor, h.format == 1 ? ArchiveFormat::custom : ArchiveFormat::directory);
  return read_toc_entries(cursor, header);
}

DumpError toc_error(const std::vector<EntrySpec>& entries, const HeaderSpec& h = {},
                    std::optional<long long> count = std::nullopt) {
  return expect_dump_error([&] { read_entries(build_toc(h, entries, count), h); });
}

void expect(const DumpError& e, DumpErrc code, const std::string& reason_part) {
  INFO(e.what());
  CHECK(to_string(e.code()) == to_string(code));
  CHECK_THAT(e.reason(), Catch::Contains(reason_part));
  check_message_form(e);
}

}  // namespace

TEST_CASE("every TOC field is read, for archive versions 1.12 to 1.16", "[dump]") {
  const int vmin = GENERATE(12, 13, 14, 15, 16);
  INFO("archive 1." << vmin);
  HeaderSpec h;
  h.vmin = vmin;
  EntrySpec table;
  table.dump_id = 218;
  table.tag = "Mixed Case";
  table.defn = "CREATE TABLE public.\"Mixed Case\" (a int, b text);\n";
  table.drop = "DROP TABLE public.\"Mixed Case\";\n";
  table.tablespace = "fast";
  EntrySpec data = table_data(3659, "Mixed Case");
  data.copy = "COPY public.\"Mixed Case\" (a, b) FROM stdin;\n";
  data.deps = {"218", "7"};
  data.offset_flag = 2;
  data.offset = 4000;
  EntrySpec seq;
  seq.dump_id = 3669;
  seq.desc = "SEQUENCE SET";
  seq.tag = "counter";
  seq.section = 3;
  seq.defn = "SELECT pg_catalog.setval('public.counter', 6, true);\n";
  seq.relkind = 0;
  EntrySpec ext;
  ext.dump_id = 2;
  ext.desc = "EXTENSION";
  ext.tag = "vector";
  ext.ns = std::nullopt;
  ext.owner = std::nullopt;
  ext.relkind = 0;

  const auto entries = read_entries(build_toc(h, {table, data, seq, ext}), h);
  REQUIRE(entries.size() == 4);
  const TocEntry& t = entries[0];
  CHECK(t.dump_id == 218);
  CHECK_FALSE(t.had_dumper);
  CHECK(t.table_oid == "1259");
  CHECK(t.oid == "16384");
  CHECK(t.tag == "Mixed Case");
  CHECK(t.desc == "TABLE");
  CHECK(t.section == TocSection::pre_data);
  CHECK(t.defn == "CREATE TABLE public.\"Mixed Case\" (a int, b text);\n");
  CHECK(t.defn_length == t.defn.size());
  CHECK(t.drop_stmt == "DROP TABLE public.\"Mixed Case\";\n");
  CHECK(t.schema == "public");
  CHECK(t.tablespace == "fast");
  CHECK(t.table_am == (vmin >= 14 ? "heap" : ""));
  CHECK(t.relkind == (vmin >= 16 ? std::optional<char>('r') : std::nullopt));
  CHECK(t.owner == "postgres");
  CHECK_FALSE(t.with_oids);
  CHECK(t.offset.state == DataOffsetState::no_data);
  CHECK(t.entry_offset == build_header(h).size() + 5);

  const TocEntry& d = entries[1];
  CHECK(d.is_table_data());
  CHECK(d.had_dumper);
  CHECK(d.section == TocSection::data);
  CHECK(d.dependencies == std::vector<int>{218, 7});
  CHECK(d.offset.state == DataOffsetState::set);
  CHECK(d.offset.value == 4000);
  CHECK(d.plain_name() == "public.Mixed Case");
  CHECK(d.relation() == "public.\"Mixed Case\"");

  CHECK(entries[3].schema.empty());
  CHECK(entries[3].owner.empty());
}

TEST_CASE("the TOC helpers find tables, extensions and sequence values", "[dump]") {
  ArchiveToc toc;
  TocEntry table;
  table.dump_id = 10;
  table.desc = "TABLE DATA";
  table.had_dumper = true;
  TocEntry blobs;
  blobs.dump_id = 11;
  blobs.desc = "BLOBS";
  blobs.had_dumper = true;
  TocEntry ext;
  ext.dump_id = 12;
  ext.desc = "EXTENSION";
  ext.tag = "vector";
  TocEntry seq;
  seq.dump_id = 13;
  seq.desc = "SEQUENCE SET";
  seq.defn = "SELECT pg_catalog.setval('public.\"My \"\"Seq\"\"\"', -42, false);\n";
  TocEntry odd;
  odd.dump_id = 14;
  odd.desc = "SEQUENCE SET";
  odd.defn = "SELECT 1;";
  toc.entries = {table, blobs, ext, seq, odd};
  for (std::size_t i = 0; i < toc.entries.size(); ++i) toc.by_dump_id[toc.entries[i].dump_id] = i;

  REQUIRE(toc.tables_with_data().size() == 1);
  CHECK(toc.tables_with_data()[0]->dump_id == 10);
  REQUIRE(toc.extensions().size() == 1);
  CHECK(toc.extensions()[0]->tag == "vector");
  const auto sets = toc.sequences_set();
  REQUIRE(sets.size() == 1);
  CHECK(sets[0].sequence == "public.\"My \"\"Seq\"\"\"");
  CHECK(sets[0].value == "-42");
  CHECK_FALSE(sets[0].is_called);
  CHECK(sets[0].entry->dump_id == 13);
  CHECK(toc.find(13)->desc == "SEQUENCE SET");
  CHECK(toc.find(99) == nullptr);
}

TEST_CASE("COPY statements and qualified names are split as PostgreSQL quotes them", "[dump]") {
  auto t = parse_copy_statement("COPY public.\"Mixed \"\"Case\"\"\" (\"Id\", \"select\") FROM stdin;\n");
  REQUIRE(t);
  CHECK(t->schema == "public");
  CHECK(t->table == "Mixed \"Case\"");
  CHECK(t->quoted == "public.\"Mixed \"\"Case\"\"\"");
  CHECK(t->columns == std::vector<std::string>{"Id", "select"});
  auto no_columns = parse_copy_statement("COPY s.z FROM stdin;");
  REQUIRE(no_columns);
  CHECK(no_columns->table == "z");
  CHECK_FALSE(no_columns->columns);
  // --quote-all-identifiers, names holding ", " and quotes, pg_dump's empty list.
  CHECK(parse_copy_statement("COPY \"public\".\"t\" (\"id\", \"a, b\", \"q\"\"\", Ünï) FROM stdin;")->columns ==
        std::vector<std::string>{"id", "a, b", "q\"", "Ünï"});
  CHECK(parse_copy_statement("COPY public.t  FROM stdin;")->columns == std::vector<std::string>{});
  CHECK(parse_copy_statement("COPY public.t (ID) FROM stdin;")->columns == std::vector<std::string>{"id"});
  CHECK_FALSE(parse_copy_statement("COPY public.t (a b) FROM stdin;"));
  CHECK_FALSE(parse_copy_statement("COPY public.t (a,b) FROM stdin;"));
  CHECK_FALSE(parse_copy_statement("COPY public.t () FROM stdin;"));
  CHECK_FALSE(parse_copy_statement("COPY public.t (a) TO stdout;"));
  CHECK_FALSE(parse_copy_statement("INSERT INTO t VALUES (1);"));
  CHECK_FALSE(parse_copy_statement("COPY \"unterminated FROM stdin;"));
  CHECK(split_qualified_name("public.\"a.b\"") == std::pair<std::string, std::string>("public", "a.b"));
  CHECK(split_qualified_name("seq") == std::pair<std::string, std::string>("", "seq"));
  CHECK_FALSE(split_qualified_name("a.b.c"));
  CHECK_FALSE(parse_setval("SELECT pg_catalog.setval('x', , true);"));
}

TEST_CASE("each way a TOC can be wrong has its own error, with its byte offset", "[dump]") {
  const HeaderSpec h;
  const std::uint64_t toc_at = build_header(h).size();

  SECTION("entry count") {
    expect(toc_error({}, h, -1), DumpErrc::bad_entry_count, "the TOC entry count is negative (-1)");
    const DumpError e = toc_error({EntrySpec{}}, h, 1000);
    expect(e, DumpErrc::bad_entry_count, "implausible TOC entry count 1000");
    CHECK(e.offset() == toc_at);
    expect(toc_error({}, h, 2147483647LL), DumpErrc::bad_entry_count, "implausible TOC entry count 2147483647");
  }
  SECTION("dump ids") {
    EntrySpec zero;
    zero.dump_id = 0;
    const DumpError e = toc_error({zero});
    expect(e, DumpErrc::bad_dump_id, "the dump id of TOC entry 1 is 0 (dump ids are positive)");
    CHECK(e.offset() == toc_at + 5);
    EntrySpec negative;
    negative.dump_id = -7;
    expect(toc_error({negative}), DumpErrc::bad_dump_id, "is -7");
    EntrySpec a, b;
    a.dump_id = b.dump_id = 5;
    expect(toc_error({a, b}), DumpErrc::duplicate_dump_id, "entry 2 of the TOC has dump id 5, which the entry at byte offset " +
                                                               std::to_string(toc_at + 5) + " has already");
  }
  SECTION("section") {
    EntrySpec e;
    e.section = 9;
    expect(toc_error({e}), DumpErrc::bad_section, "the section of entry 1 (\"TABLE\") is 9");
    e.section = 0;
    expect(toc_error({e}), DumpErrc::bad_section, "is 0");
  }
  SECTION("other impossible fields") {
    EntrySpec dumper;
    dumper.had_dumper = 2;
    expect(toc_error({dumper}), DumpErrc::bad_toc_entry, "the hadDumper flag of entry 1 is 2");
    EntrySpec oid;
    oid.oid = "12x";
    expect(toc_error({oid}), DumpErrc::bad_toc_entry, "the oid of entry 1 \"12x\" is not an OID");
    EntrySpec table_oid;
    table_oid.table_oid = "";
    expect(toc_error({table_oid}), DumpErrc::bad_toc_entry, "the table oid of entry 1");
    EntrySpec relkind;
    relkind.relkind = 999;
    expect(toc_error({relkind}), DumpErrc::bad_toc_entry, "the relkind of entry 1 is 999");
    EntrySpec oids;
    oids.with_oids = "maybe";
    expect(toc_error({oids}), DumpErrc::bad_toc_entry, "the withOids flag of entry 1 is \"maybe\"");
    HeaderSpec dir = h;
    dir.format = 3;
    EntrySpec escape = table_data(3, "t");
    escape.filename = "../../etc/passwd";
    expect(expect_dump_error([&] { read_entries(build_toc(dir, {escape}), dir); }), DumpErrc::bad_toc_entry,
           "the data file name of entry 3 is \"../../etc/passwd\", which is not a plain file name");
  }
  SECTION("missing strings") {
    EntrySpec tag;
    tag.tag = std::nullopt;
    expect(toc_error({tag}), DumpErrc::missing_string, "the tag of entry 1 is null (pg_dump always writes it)");
    EntrySpec desc;
    desc.desc = std::nullopt;
    expect(toc_error({desc}), DumpErrc::missing_string, "the description of entry 1");
    EntrySpec oids;
    oids.with_oids = std::nullopt;
    expect(toc_error({oids}), DumpErrc::missing_string, "the withOids flag of entry 1");
  }
  SECTION("dependencies") {
    EntrySpec e;
    e.deps = {"12", "x"};
    expect(toc_error({e}), DumpErrc::bad_dependency, "a dependency of entry 1 is \"x\", not a positive dump id");
    e.deps = {"0"};
    expect(toc_error({e}), DumpErrc::bad_dependency, "is \"0\"");
    e.deps = {"99999999999"};
    expect(toc_error({e}), DumpErrc::bad_dependency, "is \"99999999999\"");
  }
  SECTION("data offsets") {
    EntrySpec e = table_data(4, "t");
    e.offset_flag = 2;
    e.offset = 10;
    expect(toc_error({e}), DumpErrc::bad_data_offset, "the data offset of entry 4 is 10, inside the archive's header");
    e.offset_flag = 7;
    expect(toc_error({e}), DumpErrc::bad_integer, "data offset flag 0x07");
  }
  SECTION("string lengths") {
    std::string bytes = build_toc(h, {EntrySpec{}});
    // The tag's length (after count, dump id, hadDumper, tableoid, oid): 2^31-1.
    const std::size_t tag_at = 5 + 5 + 5 + (5 + 4) + (5 + 5);
    bytes.replace(tag_at, 5, std::string("\x00\xff\xff\xff\x7f", 5));
    expect(expect_dump_error([&] { read_entries(bytes, h); }), DumpErrc::bad_string_length,
           "the tag of entry 1 has an implausible length of 2147483647 bytes");
    EntrySpec big;
    big.defn = std::string(2 * 1024 * 1024, 'x');  // stepped over, not kept
    const auto entries = read_entries(build_toc(h, {big}), h);
    CHECK(entries[0].defn.empty());
    CHECK(entries[0].defn_length == 2 * 1024 * 1024);
  }
  SECTION("truncation at every offset") {
    EntrySpec a = table_data(3659, "t");
    a.defn = "some definition";
    const std::string toc = build_toc(h, {EntrySpec{}, a});
    for (std::size_t n = 0; n < toc.size(); ++n) {
      INFO("cut to " << n << " TOC bytes");
      const DumpError e = expect_dump_error([&] { read_entries(toc.substr(0, n), h); });
      // A cut count can only claim too many entries; anything later is cut short.
      CHECK((e.code() == DumpErrc::truncated || e.code() == DumpErrc::bad_entry_count));
      check_message_form(e);
    }
    CHECK(read_entries(toc, h).size() == 2);
  }
}

TEST_CASE("read_archive_toc reads custom, directory and tar archives from disk", "[dump]") {
  pgverify::testing::TempDir dir("dumprd-toc");
  HeaderSpec h;
  const std::vector<EntrySpec> entries{EntrySpec{}, table_data(3659, "t")};

  write_file(dir.path() / "a.dump", build_custom(h, entries, {}, false));
  const ArchiveToc custom = read_archive_toc(dir.path() / "a.dump");
  CHECK(custom.header.format == ArchiveFormat::custom);
  CHECK(custom.entries.size() == 2);
  CHECK(custom.data_start == std::filesystem::file_size(dir.path() / "a.dump"));
  CHECK(custom.find(3659)->tag == "t");

  HeaderSpec tar_h = h;
  tar_h.format = 3;
  const std::string toc_dat = build_header(tar_h) + build_toc(tar_h, entries);
  std::filesystem::create_directory(dir.path() / "d");
  write_file(dir.path() / "d" / "toc.dat", toc_dat);
  const ArchiveToc directory = read_archive_toc(dir.path() / "d");
  CHECK(directory.header.format == ArchiveFormat::directory);
  CHECK(directory.find(3659)->filename == "3659.dat");

  write_file(dir.path() / "a.tar", tar_archive(toc_dat));
  const ArchiveToc tar = read_archive_toc(dir.path() / "a.tar");
  CHECK(tar.header.format == ArchiveFormat::tar);
  CHECK(tar.find(3659)->filename == "3659.dat");
  CHECK(tar.path == dir.path() / "a.tar");
}

TEST_CASE("a plain dump's TOC comes from its COPY, CREATE EXTENSION and setval lines", "[dump]") {
  pgverify::testing::TempDir dir("dumprd-plain-toc");
  const std::string text =
      "--\n-- PostgreSQL database dump\n--\n\n"
      "-- Dumped from database version 17.2\n-- Dumped by pg_dump version 17.2\n\n"
      "CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;\n"
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$SELECT 1$$;\n"
      "COPY public.\"Mixed Case\" (\"Id\", b) FROM stdin;\n"
      "1\tx\n"
      "SELECT pg_catalog.setval('public.not_a_statement', 1, true);\n"
      "\\.\n\n"
      "COPY s.empty FROM stdin;\n\\.\n\n"
      "SELECT pg_catalog.setval('public.\"Seq\"', 12, false);\n"
      "--\n-- PostgreSQL database dump complete\n--\n\n";
  write_file(dir.path() / "p.sql", text);
  write_file(dir.path() / "p.sql.gz", deflate_bytes(text, true));
  for (const char* name : {"p.sql", "p.sql.gz"}) {
    INFO(name);
    const ArchiveToc toc = read_archive_toc(dir.path() / name);
    CHECK(toc.header.format == ArchiveFormat::plain);
    REQUIRE(toc.entries.size() == 4);
    const auto tables = toc.tables_with_data();
    REQUIRE(tables.size() == 2);
    CHECK(tables[0]->plain_name() == "public.Mixed Case");
    CHECK(tables[0]->relation() == "public.\"Mixed Case\"");
    CHECK(tables[0]->offset.value == text.find("1\tx"));
    CHECK(tables[1]->plain_name() == "s.empty");
    REQUIRE(toc.extensions().size() == 1);
    CHECK(toc.extensions()[0]->tag == "vector");
    const auto sets = toc.sequences_set();
    REQUIRE(sets.size() == 1);  // the setval inside the COPY block is a row, not a statement
    CHECK(sets[0].sequence == "public.\"Seq\"");
    CHECK(sets[0].entry->tag == "Seq");
    CHECK(sets[0].value == "12");
  }
}

TEST_CASE("every DumpErrc has its own name", "[dump]") {
  std::set<std::string_view> names;
  const int last = static_cast<int>(DumpErrc::bad_large_object_statement);
  for (int i = 0; i <= last; ++i) names.insert(to_string(static_cast<DumpErrc>(i)));
  CHECK(names.size() == static_cast<std::size_t>(last) + 1);
  CHECK(names.count("unknown") == 0);
}
