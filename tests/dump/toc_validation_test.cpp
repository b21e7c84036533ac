// What pg_restore relies on in a TOC besides its layout, checked as the TOC is
// read: entry types pg_dump writes in the archive's version, data flags and
// sections of the data-bearing types, the ENCODING and STDSTRINGS settings,
// COPY statements (a table without columns included), the OIDs of large objects.

#include <catch2/catch.hpp>

#include "dump/archive_data.hpp"
#include "dump/entry_types.hpp"
#include "dump_test_support.hpp"
#include "support/servers.hpp"

using namespace pgverify::dump;
using namespace pgverify::dump::testing;
namespace fs = std::filesystem;

namespace {

std::vector<TocEntry> read_entries(const std::string& toc, const HeaderSpec& h) {
  const std::string bytes = build_header(h) + toc;
  MemorySource source("test.dump", bytes);
  ArchiveCursor cursor(source);
  const ArchiveHeader header = read_binary_header(cursor, ArchiveFormat::custom);
  return read_toc_entries(cursor, header);
}

DumpError toc_error(const std::vector<EntrySpec>& entries, int vmin = 16) {
  HeaderSpec h;
  h.vmin = vmin;
  return expect_dump_error([&] { read_entries(build_toc(h, entries), h); });
}

void expect(const DumpError& e, DumpErrc code, const std::string& reason_part) {
  INFO(e.what());
  CHECK(to_string(e.code()) == to_string(code));
  CHECK_THAT(e.reason(), Catch::Contains(reason_part));
  check_message_form(e);
}

EntrySpec entry_of(const std::string& desc, long long section = 2) {
  EntrySpec e;
  e.desc = desc;
  e.section = section;
  return e;
}

}  // namespace

TEST_CASE("every entry type pg_dump writes is known, with the versions that write it", "[dump]") {
  for (const char* desc : {"TABLE", "TABLE DATA", "SEQUENCE SET", "EXTENSION", "FUNCTION", "PROCEDURE", "COMMENT",
                           "ACL", "DEFAULT ACL", "BLOBS", "PUBLICATION TABLES IN SCHEMA", "STATISTICS DATA"})
    CHECK(find_entry_type(desc) != nullptr);
  CHECK(find_entry_type("TABLF") == nullptr);
  CHECK(find_entry_type("BLOB COMMENTS") == nullptr);  // pg_dump 8.x, before archive 1.12
  const EntryType& blob = *find_entry_type("BLOB");
  const EntryType& metadata = *find_entry_type("BLOB METADATA");
  CHECK(written_in(blob, {1, 14, 0}));
  CHECK_FALSE(written_in(blob, {1, 16, 0}));
  CHECK(written_in(metadata, {1, 16, 0}));
  CHECK_FALSE(written_in(metadata, {1, 15, 0}));
  CHECK(written_by(blob) == "archives 1.12 to 1.15 (pg_dump 9.0 to 16)");
  CHECK(written_by(metadata) == "archive 1.16 (pg_dump 17 to 18)");
  CHECK(find_entry_type("TABLE DATA")->has_data);
  CHECK(find_entry_type("TABLE DATA")->section == TocSection::data);
}

TEST_CASE("an entry type no pg_dump writes is refused, as pg_restore refuses TABLF", "[dump]") {
  expect(toc_error({entry_of("TABLF")}), DumpErrc::unknown_entry_type,
         "the type of entry 1 is \"TABLF\", which no pg_dump writes");
  expect(toc_error({entry_of("")}), DumpErrc::unknown_entry_type, "is \"\"");
  SECTION("a type of another archive version") {
    EntrySpec metadata = entry_of("BLOB METADATA", 3);
    metadata.defn = std::string("16400\n");
    expect(toc_error({metadata}, 14), DumpErrc::unknown_entry_type,
           "\"BLOB METADATA\", which pg_dump writes only in archive 1.16 (pg_dump 17 to 18), not in this 1.14 archive");
    EntrySpec blob = entry_of("BLOB");
    blob.tag = std::string("16400");
    expect(toc_error({blob}, 16), DumpErrc::unknown_entry_type, "archives 1.12 to 1.15");
    expect(toc_error({entry_of("TABLE ATTACH")}, 13), DumpErrc::unknown_entry_type, "archives 1.14 to 1.16");
    CHECK_NOTHROW(read_entries(build_toc(HeaderSpec{}, {entry_of("TABLE ATTACH")}), HeaderSpec{}));
  }
}

TEST_CASE("data flags and sections where pg_restore would lose data", "[dump]") {
  SECTION("TABLE DATA without its data flag: pg_restore restores the table empty") {
    EntrySpec data = table_data(3, "t");
    data.had_dumper = 0;
    expect(toc_error({data}), DumpErrc::entry_without_data,
           "entry 3 (TABLE DATA \"t\") has its hadDumper flag 0, which pg_dump never writes for TABLE DATA");
  }
  SECTION("a data flag on a type without data") {
    EntrySpec comment = entry_of("COMMENT", 1);
    comment.had_dumper = 1;
    expect(toc_error({comment}), DumpErrc::unexpected_entry_data, "which pg_dump writes only for TABLE DATA and BLOBS");
  }
  SECTION("TABLE DATA outside the data section: pg_restore --section=data skips it") {
    EntrySpec data = table_data(3, "t");
    data.section = 2;
    expect(toc_error({data}), DumpErrc::bad_section,
           "is in section pre-data, but pg_dump writes TABLE DATA in section data (pg_restore --section=data would "
           "skip it)");
    EntrySpec set = entry_of("SEQUENCE SET", 4);
    set.defn = std::string("SELECT pg_catalog.setval('public.s', 1, true);\n");
    expect(toc_error({set}), DumpErrc::bad_section, "SEQUENCE SET in section data");
  }
}

TEST_CASE("the ENCODING and STDSTRINGS entries parse as pg_restore parses them", "[dump]") {
  EntrySpec encoding = entry_of("ENCODING");
  encoding.tag = std::string("ENCODING");
  for (const char* name : {"UTF8", "utf-8", "LATIN1", "WIN1252", "SQL_ASCII", "EUC_JP", "UNICODE"}) {
    encoding.defn = "SET client_encoding = '" + std::string(name) + "';\n";
    CHECK_NOTHROW(read_entries(build_toc(HeaderSpec{}, {encoding}), HeaderSpec{}));
  }
  encoding.defn = std::string("SET client_encoding = 'UTF9';\n");
  expect(toc_error({encoding}), DumpErrc::bad_encoding_entry, "names the encoding \"UTF9\", which PostgreSQL does not know");
  encoding.defn = std::string("SET client_encoding = UTF8;\n");
  expect(toc_error({encoding}), DumpErrc::bad_encoding_entry, "names no quoted encoding");

  EntrySpec std_strings = entry_of("STDSTRINGS");
  for (const char* value : {"on", "off"}) {
    std_strings.defn = "SET standard_conforming_strings = '" + std::string(value) + "';\n";
    CHECK_NOTHROW(read_entries(build_toc(HeaderSpec{}, {std_strings}), HeaderSpec{}));
  }
  std_strings.defn = std::string("SET standard_conforming_strings = 'ox';\n");
  expect(toc_error({std_strings}), DumpErrc::bad_stdstrings_entry, "neither 'on' nor 'off'");
}

TEST_CASE("COPY statements: a table without columns is \"COPY t  FROM stdin;\", others must parse", "[dump]") {
  // pg_dump's "COPY %s %s FROM stdin;\n" with an empty column list.
  auto none = parse_copy_statement("COPY public.nocols  FROM stdin;\n");
  REQUIRE(none);
  CHECK(none->quoted == "public.nocols");
  CHECK(none->table == "nocols");
  CHECK(parse_copy_statement("COPY public.t FROM stdin;"));
  CHECK(parse_copy_statement("COPY public.t (a, \"b c\") FROM stdin;\n"));
  CHECK_FALSE(parse_copy_statement("COPY public.t   FROM stdin;"));
  CHECK_FALSE(parse_copy_statement("COPY public.t (a FROM stdin;"));
  CHECK_FALSE(parse_copy_statement("COPY public.t x FROM stdin;"));

  EntrySpec data = table_data(3, "nocols");
  data.copy = std::string("COPY public.nocols  FROM stdin;\n");
  const auto entries = read_entries(build_toc(HeaderSpec{}, {data}), HeaderSpec{});
  CHECK(entries[0].relation() == "public.nocols");
  data.copy = std::string("COPY public.nocols garbage FROM stdin;\n");
  expect(toc_error({data}), DumpErrc::bad_copy_statement, "not the \"COPY table (columns) FROM stdin;\" pg_dump writes");
}

TEST_CASE("BLOB tags and BLOB METADATA definitions list large objects' OIDs", "[dump]") {
  EntrySpec metadata = entry_of("BLOB METADATA", 3);
  metadata.defn = std::string("16400\n3000000000\n");
  CHECK_NOTHROW(read_entries(build_toc(HeaderSpec{}, {metadata}), HeaderSpec{}));
  metadata.defn = std::string("16400\nSELECT pg_catalog.lo_create('16401');\n");
  expect(toc_error({metadata}), DumpErrc::bad_large_object_entry, "lists \"SELECT pg_catalog.lo_create('16401');\"");
  metadata.defn = std::string("16400");
  expect(toc_error({metadata}), DumpErrc::bad_large_object_entry, "not large object OIDs each ended by a newline");
  metadata.defn = std::string("0\n");
  expect(toc_error({metadata}), DumpErrc::bad_large_object_entry, "lists \"0\", not the OID of a large object");
  EntrySpec blob = entry_of("BLOB");
  blob.tag = std::string("LARGE OBJECT 5");
  expect(toc_error({blob}, 14), DumpErrc::bad_large_object_entry, "not the OID of a large object");
  blob.tag = std::string("4294967295");
  HeaderSpec archive_1_14;
  archive_1_14.vmin = 14;
  CHECK_NOTHROW(read_entries(build_toc(archive_1_14, {blob}), archive_1_14));
}
