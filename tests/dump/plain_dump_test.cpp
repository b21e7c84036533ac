// Plain SQL dumps lexed the way psql splits them: only a COPY statement at a
// statement's start begins data, never a "COPY ... FROM stdin;" line inside a
// literal, a dollar-quoted body, a quoted identifier or a comment; a table
// without columns; large objects written as lo_open / lowrite / lo_close.

#include <catch2/catch.hpp>

#include <map>

#include "dump/archive_data.hpp"
#include "dump_test_support.hpp"
#include "support/plain_dump.hpp"
#include "support/servers.hpp"

using namespace pgverify::dump;
using namespace pgverify::dump::testing;
namespace fs = std::filesystem;

namespace {

constexpr const char* kHead =
    "--\n-- PostgreSQL database dump\n--\n\n"
    "\\restrict Zx9kQ\n\n"
    "-- Dumped from database version 17.12 (Debian 17.12-0+deb13u1)\n"
    "-- Dumped by pg_dump version 17.12 (Debian 17.12-0+deb13u1)\n\n"
    "SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n\n";

constexpr const char* kRealTable = "COPY public.real (a) FROM stdin;\n1\n2\n\\.\n\n";

struct Read {
  std::map<std::string, std::vector<std::string>> tables;
  std::vector<std::pair<std::uint32_t, std::string>> objects;
  ArchiveToc toc;
};

class Sink final : public RowSink {
 public:
  Read* out = nullptr;
  std::string current;
  void begin_table(const TocEntry& entry) override {
    current = entry.relation();
    out->tables[current];
  }
  void row(std::string_view row) override { out->tables[current].emplace_back(row); }
  void end_table(const TocEntry&) override {}
  void begin_large_object(const TocEntry&, std::uint32_t oid) override { out->objects.push_back({oid, {}}); }
  void large_object_data(std::string_view bytes) override { out->objects.back().second += bytes; }
};

Read read_plain(const pgverify::testing::TempDir& dir, const std::string& body, const std::string& name = "p.sql") {
  const fs::path path = dir.path() / name;
  write_file(path, kHead + body + pgverify::testing::kPlainDumpTrailer);
  Read r;
  r.toc = read_archive_toc(path);
  Sink sink;
  sink.out = &r;
  read_table_data(r.toc, sink);
  return r;
}

DumpError plain_error(const pgverify::testing::TempDir& dir, const std::string& body) {
  return expect_dump_error([&] { read_plain(dir, body); });
}

const std::vector<std::string> kTwo{"1", "2"};

}  // namespace

TEST_CASE("a COPY line inside a literal, a body, an identifier or a comment is no COPY", "[dump][plain]") {
  pgverify::testing::TempDir dir("plain-lexer");
  const std::vector<std::pair<std::string, std::string>> cases{
      {"a multi-line comment literal",
       "COMMENT ON TABLE public.t IS 'line1\nCOPY public.ghost (a) FROM stdin;\n1\n\\.\nit''s end';\n\n"},
      {"a dollar-quoted function body without the end marker after it",
       "CREATE FUNCTION public.f() RETURNS text LANGUAGE sql AS $_$\nCOPY public.ghost (a) FROM stdin;\n$_$;\n\n"},
      {"nested dollar quotes with tags, and $1",
       "CREATE FUNCTION public.g(int) RETURNS text LANGUAGE plpgsql AS $body$\nBEGIN RETURN $x$\n"
       "COPY public.ghost (a) FROM stdin;\n$x$ || $1::text; END\n$body$;\n\n"},
      {"an E'' string with escaped quotes",
       "COMMENT ON TABLE public.t IS E'it\\'s\nCOPY public.ghost (a) FROM stdin;\n\\\\';\n\n"},
      {"a quoted identifier across lines",
       "CREATE TABLE public.\"we'ird\nCOPY public.ghost (a) FROM stdin;\" (a int);\n\n"},
      {"nested block comments holding quotes",
       "/* outer /* inner ' */ still ' comment\nCOPY public.ghost (a) FROM stdin;\n*/\n\n"},
      {"a statement that goes on over lines",
       "SELECT 1,\nCOPY public.ghost (a) FROM stdin;\n\n"},
      {"identifiers with $ and a -- comment holding a quote",
       "SELECT a$b$c FROM t; -- it's\n\n"},
  };
  for (const auto& [what, text] : cases) {
    INFO(what);
    Read r;
    try {
      r = read_plain(dir, text + kRealTable);
    } catch (const DumpError& e) {
      FAIL(e.what());
    }
    CHECK(r.tables == std::map<std::string, std::vector<std::string>>{{"public.real", kTwo}});
  }
}

TEST_CASE("a COPY broken over lines by a line break in a quoted name reads its rows, under the names as they are",
          "[dump][plain]") {
  pgverify::testing::TempDir dir("plain-broken-copy");
  // pg_dump's comments spell a line break or CR in a name as a space; the COPY keeps it.
  const std::string body =
      "--\n-- Data for Name: new line; Type: TABLE DATA; Schema: public; Owner: postgres\n--\n\n"
      "COPY public.\"new\nline\" (id, \"col\r\numn\") FROM stdin;\n1\tx\n\\.\n\n\n"
      "--\n-- Data for Name: cr here; Type: TABLE DATA; Schema: public; Owner: postgres\n--\n\n"
      "COPY public.\"cr\rhere\" (id) FROM stdin;\n1\n2\n\\.\n\n\n"
      "--\n-- Data for Name: pipe|bar; Type: TABLE DATA; Schema: public; Owner: postgres\n--\n\n"
      "COPY public.\"pipe|bar\" (id) FROM stdin;\n1\n2\n\\.\n\n\n";
  const Read r = read_plain(dir, body + kRealTable);
  CHECK(r.tables == std::map<std::string, std::vector<std::string>>{{"public.\"new\nline\"", {"1\tx"}},
                                                                    {"public.\"cr\rhere\"", kTwo},
                                                                    {"public.\"pipe|bar\"", kTwo},
                                                                    {"public.real", kTwo}});
  const auto tables = r.toc.tables_with_data();
  REQUIRE(tables.size() == 4);
  CHECK(tables[0]->copy_stmt == "COPY public.\"new\nline\" (id, \"col\r\numn\") FROM stdin;\n");
  CHECK(*tables[0]->copy_columns() == std::vector<std::string>{"id", "col\r\numn"});
  // Cut inside the broken COPY statement: the dump ends inside a quoted identifier.
  const std::string cut = body.substr(0, body.find("line\" (id"));
  const DumpError e = plain_error(dir, cut);
  CHECK(e.code() == DumpErrc::truncated);
  CHECK_THAT(e.reason(), Catch::Contains("ends inside a quoted identifier"));
}

TEST_CASE("with standard_conforming_strings off, a backslash escapes a quote in a plain literal", "[dump][plain]") {
  pgverify::testing::TempDir dir("plain-stdstrings");
  const Read r = read_plain(dir, "SET standard_conforming_strings = off;\n"
                                 "COMMENT ON TABLE public.t IS 'it\\'s\nCOPY public.ghost (a) FROM stdin;\n';\n\n" +
                                     std::string(kRealTable));
  CHECK(r.tables == std::map<std::string, std::vector<std::string>>{{"public.real", kTwo}});
}

TEST_CASE("a plain dump's table without columns: \"COPY t  FROM stdin;\"", "[dump][plain]") {
  pgverify::testing::TempDir dir("plain-nocols");
  const Read r = read_plain(dir, "COPY public.nocols  FROM stdin;\n\n\n\\.\n\n");
  CHECK(r.tables == std::map<std::string, std::vector<std::string>>{{"public.nocols", {"", ""}}});
  CHECK(r.toc.tables_with_data().at(0)->relation() == "public.nocols");
}

// pg_dump --inserts / --column-inserts: the "Data for Name" header that no COPY
// follows heads a table's data written as INSERT statements (a table without
// rows has the header only); --load-via-partition-root names the root in its
// statements, the header the partition.
TEST_CASE("a plain dump's data written as INSERT statements is a TABLE DATA entry without rows", "[dump][plain]") {
  pgverify::testing::TempDir dir("plain-inserts");
  const std::string body =
      "--\n-- Data for Name: empty; Type: TABLE DATA; Schema: public; Owner: alice\n--\n\n\n\n"
      "--\n-- Data for Name: t; Type: TABLE DATA; Schema: public; Owner: alice\n--\n\n"
      "INSERT INTO public.t (id, v) VALUES (1, 'a');\nINSERT INTO public.t (id, v) VALUES (2, 'multi\n"
      "-- Data for Name: ghost; Type: TABLE DATA; Schema: public; Owner: alice\nline');\n\n\n"
      "--\n-- Data for Name: Part 1; Type: TABLE DATA; Schema: s; Owner: alice\n--\n\n"
      "INSERT INTO s.root VALUES\n\t(1),\n\t(2);\n\n\n" +
      std::string("--\n-- Data for Name: real; Type: TABLE DATA; Schema: public; Owner: alice\n--\n\n") + kRealTable +
      "--\n-- PostgreSQL database dump complete\n--\n\n";
  const Read r = read_plain(dir, body);
  const auto tables = r.toc.tables_with_data();
  REQUIRE(tables.size() == 4);
  CHECK(tables[0]->plain_name() == "public.empty");
  CHECK(tables[0]->data_as_statements());
  CHECK(tables[0]->offset.value == std::string(kHead).size() + body.find("-- Data for Name: empty"));
  CHECK(tables[1]->plain_name() == "public.t");
  CHECK(tables[1]->data_as_statements());
  CHECK(tables[1]->owner == "alice");
  CHECK(tables[2]->plain_name() == "s.Part 1");
  CHECK(tables[3]->plain_name() == "public.real");
  CHECK_FALSE(tables[3]->data_as_statements());
  CHECK(*tables[3]->copy_columns() == std::vector<std::string>{"a"});
  CHECK(r.tables == std::map<std::string, std::vector<std::string>>{
                        {"public.empty", {}}, {"public.t", {}}, {"s.\"Part 1\"", {}}, {"public.real", kTwo}});
  // Read one at a time, as a parallel reader would.
  for (const TocEntry* entry : tables) {
    INFO(entry->plain_name());
    Read one;
    Sink sink;
    sink.out = &one;
    read_entry_data(r.toc, *entry, sink);
    CHECK(one.tables.size() == 1);
    CHECK(one.tables.count(entry->relation()) == 1);
  }
}

// pg_dump heads every object of a plain dump with "-- Name: TAG; Type: DESC;
// Schema: S; Owner: O": the TOC a plain dump has. pg_dump -O writes "Owner: -".
TEST_CASE("a plain dump's TOC lists every object its header comments name, with owners", "[dump][plain]") {
  pgverify::testing::TempDir dir("plain-headers");
  const std::string body =
      "--\n-- Name: app; Type: SCHEMA; Schema: -; Owner: alice\n--\n\nCREATE SCHEMA app;\n\n"
      "--\n-- Name: vector; Type: EXTENSION; Schema: -; Owner: -\n--\n\n"
      "CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;\n\n"
      "--\n-- Name: t; Type: TABLE; Schema: public; Owner: -; Tablespace: fast\n--\n\nCREATE TABLE public.t (a int);\n\n"
      "--\n-- Name: TABLE t; Type: COMMENT; Schema: public; Owner: alice\n--\n\nCOMMENT ON TABLE public.t IS '\n"
      "-- Name: ghost; Type: TABLE; Schema: public; Owner: alice\n';\n\n"
      "--\n-- Name: TABLE t; Type: ACL; Schema: public; Owner: alice\n--\n\nGRANT SELECT ON TABLE public.t TO bob;\n\n"
      "--\n-- Name: pub; Type: PUBLICATION; Schema: -; Owner: alice\n--\n\nCREATE PUBLICATION pub;\n\n" +
      std::string(kRealTable);
  const Read r = read_plain(dir, body);
  std::vector<std::string> listed;
  for (const auto& e : r.toc.entries) listed.push_back(e.desc + " " + e.plain_name() + " owner=" + e.owner);
  CHECK(listed == std::vector<std::string>{"ENCODING ENCODING owner=", "SCHEMA app owner=alice", "EXTENSION vector owner=",
                                           "TABLE public.t owner=", "COMMENT public.TABLE t owner=alice",
                                           "ACL public.TABLE t owner=alice", "PUBLICATION pub owner=alice",
                                           "TABLE DATA public.real owner="});
  CHECK(r.toc.extensions().size() == 1);
  CHECK(r.tables == std::map<std::string, std::vector<std::string>>{{"public.real", kTwo}});
}

TEST_CASE("a plain dump that ends inside a literal or a body is cut short", "[dump][plain]") {
  pgverify::testing::TempDir dir("plain-cut");
  const DumpError e = plain_error(dir, std::string(kRealTable) + "CREATE FUNCTION f() AS $$\nSELECT 1;\n");
  CHECK(e.code() == DumpErrc::truncated);
  CHECK_THAT(e.reason(), Catch::Contains("ends inside a dollar-quoted string"));
}

namespace {

// As pg_dump 17 writes them: BLOB METADATA groups, then each BLOBS entry in a transaction.
constexpr const char* kObjects =
    "SELECT pg_catalog.lo_create('16400');\nSELECT pg_catalog.lo_create('3000000000');\n\n"
    "ALTER LARGE OBJECT 16400 OWNER TO postgres;\nALTER LARGE OBJECT 3000000000 OWNER TO \"Role X\";\n\n"
    "SELECT pg_catalog.lo_create('16401');\n\n"
    "--\n-- Data for Name: 16400; Type: BLOBS; Schema: -; Owner: postgres\n--\n\nBEGIN;\n\n"
    "SELECT pg_catalog.lo_open('16400', 131072);\n"
    "SELECT pg_catalog.lowrite(0, '\\x6c61726765');\nSELECT pg_catalog.lowrite(0, '\\x206f626a656374');\n"
    "SELECT pg_catalog.lo_close(0);\n\n"
    "SELECT pg_catalog.lo_open('3000000000', 131072);\nSELECT pg_catalog.lo_close(0);\n\nCOMMIT;\n\n"
    "BEGIN;\n\nSELECT pg_catalog.lo_open('16401', 131072);\n"
    "SELECT pg_catalog.lowrite(0, E'\\\\x00ff');\nSELECT pg_catalog.lo_close(0);\n\nCOMMIT;\n\n";

}  // namespace

TEST_CASE("a plain dump's large objects are read from its lowrite calls, owners from ALTER LARGE OBJECT",
          "[dump][plain][large-objects]") {
  pgverify::testing::TempDir dir("plain-lo");
  const Read r = read_plain(dir, std::string(kRealTable) + kObjects);
  using Objects = std::vector<std::pair<std::uint32_t, std::string>>;
  CHECK(r.objects == Objects{{16400, "large object"}, {3000000000u, ""}, {16401, std::string("\x00\xff", 2)}});
  CHECK(r.toc.large_object_entries().size() == 2);
  REQUIRE(r.toc.listed_large_objects.size() == 3);
  CHECK(r.toc.listed_large_object(3000000000u)->owner == "Role X");
  CHECK(r.toc.listed_large_object(16401)->owner.empty());  // pg_dump -O writes no ALTER ... OWNER

  SECTION("one BLOBS entry read alone, from its offset") {
    const ArchiveToc& toc = r.toc;
    Read alone;
    Sink sink;
    sink.out = &alone;
    read_entry_data(toc, *toc.large_object_entries().at(1), sink);
    CHECK(alone.objects == Objects{{16401, std::string("\x00\xff", 2)}});
  }
}

TEST_CASE("each way a plain dump's large objects are wrong is its own error", "[dump][plain][large-objects]") {
  pgverify::testing::TempDir dir("plain-lo-bad");
  auto error = [&](const std::string& replace, const std::string& with) {
    std::string text = kObjects;
    const auto at = text.find(replace);
    REQUIRE(at != std::string::npos);
    text.replace(at, replace.size(), with);
    return plain_error(dir, text);
  };
  auto expect = [](const DumpError& e, DumpErrc code, const std::string& part) {
    INFO(e.what());
    CHECK(to_string(e.code()) == to_string(code));
    CHECK_THAT(e.reason(), Catch::Contains(part));
    check_message_form(e);
  };
  expect(error("SELECT pg_catalog.lo_close(0);\n\nSELECT pg_catalog.lo_open('3000000000'", "SELECT pg_catalog.lo_open('3000000000'"),
         DumpErrc::bad_large_object_statement, "opens large object 3000000000 while large object 16400");
  expect(error("'\\x206f626a656374'", "'\\x206f626a65637'"), DumpErrc::bad_large_object_statement,
         "holds no bytea literal in hex");
  expect(error("SELECT pg_catalog.lo_close(0);\n\nCOMMIT;\n\nBEGIN", "\nCOMMIT;\n\nBEGIN"), DumpErrc::bad_large_object_statement,
         "ends without its lo_close");
  expect(error("SELECT pg_catalog.lo_open('16401', 131072);\n", ""), DumpErrc::bad_large_object_statement,
         "writes to a large object it has not opened");
  expect(error("SELECT pg_catalog.lo_open('16401', 131072);", "SELECT pg_catalog.lo_open('16402', 131072);"),
         DumpErrc::missing_large_object, "large object 16401 is listed");
  expect(error("SELECT pg_catalog.lo_open('16401', 131072);", "SELECT pg_catalog.lo_open('16400', 131072);"),
         DumpErrc::duplicate_large_object, "large object 16400 is stored twice");
  std::string cut = kObjects;
  cut.resize(cut.rfind("SELECT pg_catalog.lo_close(0);"));
  expect(plain_error(dir, cut), DumpErrc::truncated, "ends inside large object 16401 (entry");
}

// A plain dump cut between two statements is still valid SQL: only pg_dump's
// closing comment tells the whole dump from its first part.
TEST_CASE("a plain dump cut between statements, without its closing line, is truncated", "[dump][plain]") {
  pgverify::testing::TempDir dir("plain-cut-between");
  const fs::path path = dir.path() / "cut.sql";
  write_file(path, kHead + std::string(kRealTable));
  try {
    (void)read_archive_toc(path);
    FAIL("a plain dump without its closing line was read as whole");
  } catch (const DumpError& e) {
    CHECK(e.code() == DumpErrc::truncated);
    CHECK_THAT(e.reason(), Catch::Contains("PostgreSQL database dump complete"));
  }
  write_file(path, kHead + std::string(kRealTable) + pgverify::testing::kPlainDumpTrailer + "\\unrestrict abc\n\n");
  CHECK(read_archive_toc(path).tables_with_data().size() == 1);
}
