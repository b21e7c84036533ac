#include <catch2/catch.hpp>

#include "checks/checks.hpp"
#include "support/check_fixture.hpp"
#include "support/plain_dump.hpp"
#include "support/servers.hpp"
#include "support/special_files.hpp"

using namespace pgverify;

TEST_CASE("dump.readable passes a whole dump and says what it holds", "[checks][dump.readable]") {
  testing::TempDir dir("dump-readable");
  testing::CheckFixture f;
  f.dump_path = testing::write_plain_dump(dir.path() / "qrydb.sql",
                                          testing::plain_dump_text({{"public.a", {"1", "2"}}, {"public.b", {}}}));
  auto result = f.run(checks::DumpReadable());
  CHECK(result.status == Status::pass);
  CHECK_THAT(result.summary, Catch::StartsWith("plain archive by pg_dump 17.12 (Debian 17.12-0+deb13u1): "
                                               "2 tables with data, 2 rows, "));
}

// pg_dump --inserts restores as well as COPY data: it is readable, only its
// rows are SQL (dump.matches-source says it cannot compare them).
TEST_CASE("dump.readable passes a dump whose data is INSERT statements", "[checks][dump.readable]") {
  testing::TempDir dir("dump-readable-inserts");
  testing::CheckFixture f;
  std::string text = testing::plain_dump_text({{"public.a", {"1", "2"}}, {"public.b", {}}});
  const std::string copy = "COPY public.a (c) FROM stdin;\n1\n2\n\\.\n";
  text.replace(text.find(copy), copy.size(), "INSERT INTO public.a VALUES ('1');\nINSERT INTO public.a VALUES ('2');\n");
  f.dump_path = testing::write_plain_dump(dir.path() / "inserts.sql", text);
  auto result = f.run(checks::DumpReadable());
  CHECK(result.status == Status::pass);
  CHECK_THAT(result.summary, Catch::Contains(": 2 tables with data (1 as INSERT statements, rows not counted), 0 rows, "));
}

TEST_CASE("dump.readable fails a dump cut inside a table, naming where", "[checks][dump.readable]") {
  testing::TempDir dir("dump-readable-cut");
  testing::CheckFixture f;
  std::string text = testing::plain_dump_text({{"public.a", {"1", "2", "3"}}});
  text.resize(text.find("2\n3\n") + 2);  // the dump ends in the middle of public.a's rows
  f.dump_path = testing::write_plain_dump(dir.path() / "cut.sql", text);
  auto result = f.run(checks::DumpReadable());
  CHECK(result.status == Status::fail);
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].object == f.dump_path->string());
  CHECK(result.findings[0].actual == "truncated");
  CHECK_THAT(result.findings[0].message, Catch::Contains("public.a"));
  CHECK_THAT(result.findings[0].hint, Catch::Contains("never through port-forward"));
}

TEST_CASE("dump.readable fails what is no dump and skips without one", "[checks][dump.readable]") {
  testing::TempDir dir("dump-readable-bad");
  testing::CheckFixture f;
  CHECK(f.run(checks::DumpReadable()).status == Status::skip);
  f.dump_path = testing::write_plain_dump(dir.path() / "notes.txt", "hello, this is not a dump\n");
  auto result = f.run(checks::DumpReadable());
  CHECK(result.status == Status::fail);
  CHECK(result.findings.at(0).actual == "unrecognized-format");
  f.dump_path = dir.path() / "missing.dump";
  CHECK(f.run(checks::DumpReadable()).findings.at(0).actual == "io-error");
}

TEST_CASE("dump.readable fails a FIFO or a device at once, without opening it", "[checks][dump.readable]") {
  testing::TempDir dir("dump-readable-special");
  testing::CheckFixture f;
  const auto fifo = dir.path() / "pipe.dump";
  testing::make_fifo(fifo);
  for (const std::filesystem::path& path : {fifo, std::filesystem::path("/dev/zero")}) {
    f.dump_path = path;
    const auto result = testing::finishes_promptly({fifo}, [&] { return f.run(checks::DumpReadable()); });
    CHECK(result.status == Status::fail);
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].actual == "not-a-file");
    CHECK_THAT(result.findings[0].message, Catch::Contains(path.string() + ": a "));
    CHECK_THAT(result.findings[0].hint, Catch::Contains("a pipe or a device is no dump"));
  }
}
