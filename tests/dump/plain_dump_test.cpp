// Plain SQL dumps lexed the way psql splits them: only a COPY statement at a
// statement's start begins data, never a "COPY ... FROM stdin;" line inside a
// literal, a dollar-quoted body, a quoted identifier or a comment; a table
// without columns.

#include <catch2/catch.hpp>

#include <map>

#include "dump/archive_data.hpp"
#include "dump_test_support.hpp"
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
};

Read read_plain(const pgverify::testing::TempDir& dir, const std::string& body, const std::string& name = "p.sql") {
  const fs::path path = dir.path() / name;
  write_file(path, kHead + body);
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

TEST_CASE("a plain dump that ends inside a literal or a body is cut short", "[dump][plain]") {
  pgverify::testing::TempDir dir("plain-cut");
  const DumpError e = plain_error(dir, std::string(kRealTable) + "CREATE FUNCTION f() AS $$\nSELECT 1;\n");
  CHECK(e.code() == DumpErrc::truncated);
  CHECK_THAT(e.reason(), Catch::Contains("ends inside a dollar-quoted string"));
}
