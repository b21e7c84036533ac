#include <catch2/catch.hpp>

#include <functional>

#include "checks/dump_matches_source.hpp"
#include "support/check_fixture.hpp"
#include "support/plain_dump.hpp"
#include "support/servers.hpp"

using namespace pgverify;
using testing::FakeTable;

namespace {

const std::vector<FakeTable> source_tables = {{"public.a", {"1\tone", "2\ttwo"}}, {"public.b", {"x"}}};

CheckResult run_against(const std::vector<FakeTable>& dumped, const std::string& label) {
  testing::TempDir dir("dump-matches-" + label);
  testing::CheckFixture f;
  testing::serve_tables(*f.source, source_tables);
  f.dump_path = testing::write_plain_dump(dir.path() / "qrydb.sql", testing::plain_dump_text(dumped));
  return f.run(checks::DumpMatchesSource());
}

}  // namespace

TEST_CASE("dump.matches-source passes when the dump holds the source's rows", "[checks][dump.matches-source]") {
  auto result = run_against({{"public.a", {"2\ttwo", "1\tone"}}, {"public.b", {"x"}}}, "same");
  CHECK(result.status == Status::pass);
  CHECK(result.summary == "2 of 2 source tables are in the dump with the same rows (text mode)");
}

TEST_CASE("dump.matches-source fails on missing rows, changed rows and missing tables", "[checks][dump.matches-source]") {
  SECTION("a row missing") {
    auto result = run_against({{"public.a", {"1\tone"}}, {"public.b", {"x"}}}, "fewer");
    CHECK(result.status == Status::fail);
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].object == "public.a");
    CHECK(result.findings[0].message == "the dump holds 1 rows of the source's 2");
    CHECK_THAT(result.findings[0].hint, Catch::Contains("without port-forward"));
  }
  SECTION("a value changed") {
    auto result = run_against({{"public.a", {"1\tone", "2\tTWO"}}, {"public.b", {"x"}}}, "changed");
    CHECK(result.status == Status::fail);
    CHECK(result.findings.at(0).message == "the dump holds as many rows as the source, but different ones");
  }
  SECTION("a table missing, an extra one") {
    auto result = run_against({{"public.a", {"1\tone", "2\ttwo"}}, {"public.c", {}}}, "missing");
    CHECK(result.status == Status::fail);
    CHECK(result.summary == "1 of 2 source tables are in the dump with the same rows (text mode); 0 differ, 1 missing");
    REQUIRE(result.findings.size() == 2);
    CHECK(result.findings[0].object == "public.b");
    CHECK(result.findings[0].actual == "not in the dump");
    CHECK(result.findings[1].object == "public.c");
    CHECK(result.findings[1].expected == "not in the source");
  }
}

TEST_CASE("dump.matches-source leaves an unreadable dump to dump.readable", "[checks][dump.matches-source]") {
  testing::TempDir dir("dump-matches-bad");
  testing::CheckFixture f;
  f.dump_path = testing::write_plain_dump(dir.path() / "x.sql", "not a dump");
  auto result = f.run(checks::DumpMatchesSource());
  CHECK(result.status == Status::skip);
  CHECK_THAT(result.summary, Catch::StartsWith("the dump cannot be read (see dump.readable)"));
}

TEST_CASE("dump.matches-source counts tables only the dump holds as \"in the dump only\"", "[checks][dump.matches-source]") {
  auto result = run_against({{"public.a", {"1\tone", "2\ttwo"}}, {"public.b", {"x"}}, {"public.c", {"y"}}}, "extra");
  CHECK(result.status == Status::warn);
  CHECK(result.summary == "2 of 2 source tables are in the dump with the same rows (text mode); 1 in the dump only");
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].object == "public.c");
  CHECK(result.findings[0].expected == "not in the source");
  CHECK(result.findings[0].message == "the dump holds a table the live source does not have");
}

namespace {

// The source's answer to what a whole-database dump must hold besides data.
void serve_extras(testing::FakeServer& server, const std::vector<std::string>& counts) {
  std::vector<pg::Cell> cells(counts.begin(), counts.end());
  server.answers.insert(server.answers.begin(), {"pgverify inventory: dumpable extras", testing::rows({cells})});
}

CheckResult run_with(const std::string& text, const std::string& label,
                     const std::vector<std::string>& extras = {"0", "0", "0", "0", "0", "0", "0"},
                     const std::function<void(testing::CheckFixture&)>& adjust = {}) {
  testing::TempDir dir("dump-matches-" + label);
  testing::CheckFixture f;
  testing::serve_tables(*f.source, source_tables);
  serve_extras(*f.source, extras);
  if (adjust) adjust(f);
  f.dump_path = testing::write_plain_dump(dir.path() / "qrydb.sql", text);
  return f.run(checks::DumpMatchesSource());
}

const std::vector<FakeTable> same_tables = {{"public.a", {"1\tone", "2\ttwo"}}, {"public.b", {"x"}}};

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// pg_dump's comment and statement for one more object of a plain dump.
std::string object(const std::string& name, const std::string& type, const std::string& sql,
                   const std::string& owner = "postgres") {
  return "--\n-- Name: " + name + "; Type: " + type + "; Schema: public; Owner: " + owner + "\n--\n\n" + sql + "\n\n";
}

}  // namespace

// pg_dump --inserts: the table's data is SQL, which pgverify does not run; it
// is no missing table, and no pass either.
TEST_CASE("dump.matches-source cannot compare a table whose data is INSERT statements", "[checks][dump.matches-source]") {
  const std::string inserts = replaced(testing::plain_dump_text(same_tables), "COPY public.a (c) FROM stdin;\n1\tone\n2\ttwo\n\\.\n",
                                       "INSERT INTO public.a VALUES ('1\tone');\nINSERT INTO public.a VALUES ('2\ttwo');\n");
  auto result = run_with(inserts, "inserts");
  CHECK(result.status == Status::error);
  CHECK(result.summary == "1 of 2 source tables are in the dump with the same rows (text mode); 1 not compared (data "
                          "as INSERT statements)");
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].object == "public.a");
  CHECK(result.findings[0].actual == "INSERT statements");
  CHECK_THAT(result.findings[0].message, Catch::Contains("INSERT statements (pg_dump --inserts/--column-inserts)") &&
                                             Catch::Contains("cannot compare row by row"));
  CHECK_THAT(result.findings[0].hint, Catch::Contains("without --inserts"));
  // Another table that differs still fails the check.
  auto both = run_with(replaced(inserts, "x\n", "y\n"), "inserts-and-differ");
  CHECK(both.status == Status::fail);
  CHECK_THAT(both.summary, Catch::EndsWith("; 1 not compared (data as INSERT statements)"));
}

// The COPY statement says which column each value goes into; equal row bytes
// under another column list put values into the wrong columns.
TEST_CASE("dump.matches-source fails a COPY column list that is not the source's", "[checks][dump.matches-source]") {
  const std::string text = testing::plain_dump_text(same_tables);
  SECTION("another column") {
    auto result = run_with(replaced(text, "COPY public.a (c)", "COPY public.a (d)"), "columns");
    CHECK(result.status == Status::fail);
    CHECK(result.summary == "1 of 2 source tables are in the dump with the same rows (text mode); 0 differ, 0 missing, "
                            "1 with other columns");
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].object == "public.a");
    CHECK(result.findings[0].expected == "columns (c)");
    CHECK(result.findings[0].actual == "columns (d)");
    CHECK_THAT(result.findings[0].message, Catch::Contains("loads the columns (d) where the source's table has (c)"));
  }
  SECTION("one more column") {
    auto result = run_with(replaced(text, "COPY public.a (c)", "COPY public.a (c, e)"), "columns-more");
    CHECK(result.status == Status::fail);
    CHECK(result.findings.at(0).actual == "columns (c, e)");
  }
  SECTION("the same column, quoted") {
    auto result = run_with(replaced(text, "COPY public.a (c)", "COPY \"public\".\"a\" (\"c\")"), "columns-quoted");
    CHECK(result.status == Status::pass);
  }
}

// A dump taken with --no-privileges, --no-publications, --no-comments or (plain)
// --no-owner restores every row and loses the rest: judged by kind, "the
// source has some, the dump none".
TEST_CASE("dump.matches-source fails a dump that lacks every privilege, publication, comment or owner",
          "[checks][dump.matches-source]") {
  const std::string full = testing::plain_dump_text(same_tables, false) +
                           object("TABLE a", "ACL", "GRANT SELECT ON TABLE public.a TO reader;") +
                           object("TABLE a", "COMMENT", "COMMENT ON TABLE public.a IS 'x';") +
                           object("pub", "PUBLICATION", "CREATE PUBLICATION pub FOR TABLE public.a;") +
                           testing::kPlainDumpTrailer;
  const std::vector<std::string> has_all{"1", "1", "0", "1", "0", "2", "0"};
  SECTION("a whole dump passes") {
    CHECK(run_with(full, "extras-full", has_all).status == Status::pass);
  }
  SECTION("a source without any passes a dump without any") {
    CHECK(run_with(testing::plain_dump_text(same_tables), "extras-none").status == Status::pass);
  }
  SECTION("none of each kind") {
    auto result = run_with(testing::plain_dump_text(same_tables), "extras-lacking", has_all);
    CHECK(result.status == Status::fail);
    CHECK(result.summary == "2 of 2 source tables are in the dump with the same rows (text mode); 0 differ, 0 missing, "
                            "3 kinds of object lacking");
    REQUIRE(result.findings.size() == 3);
    CHECK(result.findings[0].object == "privileges");
    CHECK(result.findings[0].expected == "2 objects with granted or revoked privileges");
    CHECK(result.findings[0].actual == "none in the dump");
    CHECK_THAT(result.findings[0].message, Catch::Contains("--no-privileges"));
    CHECK(result.findings[1].object == "publications");
    CHECK_THAT(result.findings[1].message, Catch::Contains("--no-publications"));
    CHECK(result.findings[2].object == "comments");
    CHECK(result.findings[2].expected == "2 comments");
    CHECK_THAT(result.findings[2].message, Catch::Contains("--no-comments"));
  }
  SECTION("policies: pg_dump --no-policies") {
    const std::vector<std::string> with_policies{"1", "1", "0", "1", "2", "2", "0"};
    auto lacking = run_with(full, "extras-policies", with_policies);
    CHECK(lacking.status == Status::fail);
    REQUIRE(lacking.findings.size() == 1);
    CHECK(lacking.findings[0].object == "policies");
    CHECK(lacking.findings[0].expected == "2 row-level security policies");
    CHECK_THAT(lacking.findings[0].message, Catch::Contains("--no-policies"));
    const std::string with_policy =
        full + object("TABLE a p", "POLICY", "CREATE POLICY p ON public.a USING (true);");
    CHECK(run_with(with_policy, "extras-policies-ok", with_policies).status == Status::pass);
  }
  SECTION("large objects' privileges and comments count only when the dump holds large objects") {
    CHECK(run_with(testing::plain_dump_text(same_tables), "extras-lo", {"0", "0", "3", "0", "0", "0", "2"}).status ==
          Status::pass);
  }
  SECTION("no owners: pg_dump -O of a plain dump") {
    std::string text = full;
    for (std::size_t at; (at = text.find("Owner: postgres")) != std::string::npos;) text.replace(at, 15, "Owner: -");
    auto result = run_with(text, "extras-owners", has_all);
    CHECK(result.status == Status::fail);
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].object == "owners");
    CHECK(result.findings[0].expected == "2 objects with their owners");
    CHECK_THAT(result.findings[0].message, Catch::Contains("-O / --no-owner"));
  }
  SECTION("not judged when only some tables are compared, or some are missing") {
    auto filtered = run_with(testing::plain_dump_text(same_tables), "extras-filter", has_all,
                             [](testing::CheckFixture& f) { f.tenant.hash.exclude = {"public.z*"}; });
    CHECK(filtered.status == Status::pass);
    auto missing = run_with(testing::plain_dump_text({same_tables[0]}), "extras-missing", has_all);
    CHECK(missing.status == Status::fail);
    REQUIRE(missing.findings.size() == 1);
    CHECK(missing.findings[0].actual == "not in the dump");
  }
  SECTION("SQL without pg_dump's object comments is not judged") {
    std::string text = testing::plain_dump_text(same_tables);
    for (std::size_t at; (at = text.find("-- Name: ")) != std::string::npos;) text.replace(at, 9, "-- ");
    for (std::size_t at; (at = text.find("-- Data for Name: ")) != std::string::npos;) text.replace(at, 18, "-- ");
    CHECK(run_with(text, "extras-bare", has_all).status == Status::pass);
  }
}
