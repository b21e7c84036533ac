// COPY statements as pg_dump writes them into a TOC, a table without columns included.

#include <catch2/catch.hpp>

#include "dump/archive_toc.hpp"
#include "dump_test_support.hpp"

using namespace pgverify::dump;
using namespace pgverify::dump::testing;

namespace {

std::vector<TocEntry> read_entries(const std::string& toc, const HeaderSpec& h) {
  const std::string bytes = build_header(h) + toc;
  MemorySource source("test.dump", bytes);
  ArchiveCursor cursor(source);
  const ArchiveHeader header = read_binary_header(cursor, ArchiveFormat::custom);
  return read_toc_entries(cursor, header);
}

}  // namespace

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
}
