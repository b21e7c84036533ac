// The header reader on real archives: pg_dump 15, 16, 17 and 18 (scripts/pg-env)
// in every format and compression they offer, and pg_restore's own verdict
// on which archive versions it reads, checked against our table.

#include <catch2/catch.hpp>

#include <cctype>

#include <vector>

#include "dump/archive_header.hpp"
#include "dump_test_support.hpp"
#include "support/servers.hpp"

using namespace pgverify;
using namespace pgverify::dump;
using pgverify::testing::real_server;

namespace {

struct DumpCase {
  std::string file;
  std::vector<std::string> options;
  ArchiveFormat format;
  Compression compression;
  std::optional<int> level;  // recorded only before archive 1.15
};

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

// What `pg_dump --version` says after "(PostgreSQL) ": the string pg_dump records.
std::string tool_version(const pgverify::testing::RealServer& server, const std::string& tool) {
  const std::string out = trimmed(pgverify::testing::run_ok({server.tool(tool), "--version"}).out);
  return out.substr(out.find(") ") + 2);
}

std::vector<DumpCase> cases_for(int pg_dump_major) {
  const bool algorithms = pg_dump_major >= 16;  // --compress=METHOD arrived in 16
  const std::optional<int> deflt = algorithms ? std::nullopt : std::optional<int>(-1);
  std::vector<DumpCase> cases{
      {"custom.dump", {"-Fc"}, ArchiveFormat::custom, Compression::gzip, deflt},
      {"custom-none.dump", {"-Fc", "-Z", "0"}, ArchiveFormat::custom, Compression::none,
       algorithms ? std::nullopt : std::optional<int>(0)},
      {"directory", {"-Fd"}, ArchiveFormat::directory, Compression::gzip, deflt},
      {"archive.tar", {"-Ft"}, ArchiveFormat::tar, Compression::none, algorithms ? std::nullopt : std::optional<int>(0)},
      {"plain.sql", {"-Fp"}, ArchiveFormat::plain, Compression::none, std::nullopt},
  };
  if (algorithms) {
    cases.push_back({"custom-gzip.dump", {"-Fc", "--compress=gzip:5"}, ArchiveFormat::custom, Compression::gzip, {}});
    cases.push_back({"custom-lz4.dump", {"-Fc", "--compress=lz4"}, ArchiveFormat::custom, Compression::lz4, {}});
    cases.push_back({"custom-zstd.dump", {"-Fc", "--compress=zstd"}, ArchiveFormat::custom, Compression::zstd, {}});
    cases.push_back({"directory-lz4", {"-Fd", "--compress=lz4"}, ArchiveFormat::directory, Compression::lz4, {}});
    cases.push_back({"plain.sql.gz", {"-Fp", "--compress=gzip"}, ArchiveFormat::plain, Compression::gzip, {}});
    cases.push_back({"plain.sql.lz4", {"-Fp", "--compress=lz4"}, ArchiveFormat::plain, Compression::lz4, {}});
    cases.push_back({"plain.sql.zst", {"-Fp", "--compress=zstd"}, ArchiveFormat::plain, Compression::zstd, {}});
  } else {
    cases.push_back({"custom-gzip.dump", {"-Fc", "-Z", "5"}, ArchiveFormat::custom, Compression::gzip, 5});
    cases.push_back({"plain.sql.gz", {"-Fp", "-Z", "5"}, ArchiveFormat::plain, Compression::gzip, std::nullopt});
  }
  return cases;
}

void fill(const pgverify::testing::ScratchDatabase& db) {
  db.exec(
      "CREATE TABLE messages (id bigint PRIMARY KEY, body text, sent timestamptz);"
      "INSERT INTO messages SELECT g, repeat('message ' || g, 20), '2025-01-01'::timestamptz + g * interval '1 min'"
      "  FROM generate_series(1, 2000) g;");
}

}  // namespace

TEST_CASE("real pg_dump 15, 16, 17 and 18 archives in every format give their header facts", "[server][dump]") {
  const int major = GENERATE(15, 16, 17, 18);
  const auto& server = real_server(major);
  pgverify::testing::ScratchDatabase db(server, "pgv_dump_header");
  fill(db);
  pgverify::testing::TempDir dir("dump-header-" + std::to_string(major));
  const std::string server_version =
      trimmed(pgverify::testing::run_ok({server.tool("psql"), "-XAtc", "SHOW server_version", db.dsn()}).out);
  const std::string pg_dump_version = tool_version(server, "pg_dump");
  const ArchiveVersion expected_version = major == 15   ? ArchiveVersion{1, 14, 0}
                                           : major == 16 ? ArchiveVersion{1, 15, 0}
                                                         : ArchiveVersion{1, 16, 0};
  CHECK(archive_version_written_by_pg_dump(major) == expected_version);

  for (const DumpCase& c : cases_for(major)) {
    const auto path = dir.path() / c.file;
    std::vector<std::string> argv{server.tool("pg_dump")};
    argv.insert(argv.end(), c.options.begin(), c.options.end());
    argv.insert(argv.end(), {"-f", path.string(), "-d", db.dsn()});
    pgverify::testing::run_ok(argv);

    INFO("pg_dump " << major << " " << c.file);
    ArchiveHeader h;
    try {
      h = read_archive_header(path);
    } catch (const DumpError& e) {
      FAIL("cannot read the header: " << e.what());
    }
    CHECK(h.format == c.format);
    CHECK(h.compression == c.compression);
    CHECK(h.compression_level == c.level);
    CHECK(h.server_version == server_version);
    CHECK(h.pg_dump_version == pg_dump_version);
    CHECK(h.server_major() == major);
    CHECK(h.pg_dump_major() == major);
    if (c.format == ArchiveFormat::plain) {
      CHECK_FALSE(h.version);
      CHECK_FALSE(h.int_size);
      CHECK(h.database.empty());
      continue;
    }
    CHECK(h.version == expected_version);
    CHECK(h.int_size == 4);
    CHECK(h.off_size == 8);
    CHECK(h.database == db.name());
    // "2026-11-24T18:52:53": the shape of an ISO 8601 local time, in this century.
    const std::string shape = "20dd-dd-ddTdd:dd:dd";
    REQUIRE(h.dump_time.size() == shape.size());
    for (std::size_t i = 0; i < shape.size(); ++i)
      CHECK((shape[i] == 'd' ? std::isdigit(static_cast<unsigned char>(h.dump_time[i])) != 0
                             : h.dump_time[i] == shape[i]));
    CHECK(h.header_file == (c.format == ArchiveFormat::directory ? path / "toc.dat" : path));
    CHECK(h.toc_offset > 0);
  }
}

TEST_CASE("real archives cut anywhere inside their header are refused", "[server][dump]") {
  const auto& pg17 = real_server(17);
  pgverify::testing::ScratchDatabase db(pg17, "pgv_dump_cut");
  fill(db);
  pgverify::testing::TempDir dir("dump-cut");
  const auto path = dir.path() / "whole.dump";
  pgverify::testing::run_ok({pg17.tool("pg_dump"), "-Fc", "-f", path.string(), "-d", db.dsn()});
  const ArchiveHeader whole = read_archive_header(path);

  std::string bytes(static_cast<std::size_t>(whole.toc_offset), '\0');
  FileSource source(path);
  REQUIRE(source.read_at(0, {reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size()}) == bytes.size());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    INFO("cut to " << n << " bytes");
    const DumpError e = dump::testing::memory_error(bytes.substr(0, n), path.string());
    CHECK(e.code() == (n == 0 ? DumpErrc::empty_file : DumpErrc::truncated));
  }
  CHECK(dump::testing::read_memory(bytes).toc_offset == whole.toc_offset);
}

TEST_CASE("pg_dump of one major against a server of another records both", "[server][dump]") {
  struct Pair {
    int dumper;
    int server;
  };
  for (const Pair p : {Pair{17, 15}, Pair{18, 17}, Pair{18, 16}, Pair{17, 16}, Pair{16, 15}, Pair{18, 15}}) {
    const auto& dumper = real_server(p.dumper);
    const auto& server = real_server(p.server);
    pgverify::testing::ScratchDatabase db(server, "pgv_dump_cross");
    fill(db);
    pgverify::testing::TempDir dir("dump-cross");
    const auto path = dir.path() / "cross.dump";
    pgverify::testing::run_ok({dumper.tool("pg_dump"), "-Fc", "-f", path.string(), "-d", db.dsn()});
    const ArchiveHeader h = read_archive_header(path);
    INFO("pg_dump " << p.dumper << " against PostgreSQL " << p.server);
    CHECK(h.server_major() == p.server);
    CHECK(h.pg_dump_major() == p.dumper);
    CHECK(h.version == archive_version_written_by_pg_dump(p.dumper));
  }
}

TEST_CASE("pg_restore reads exactly the archive versions our table says", "[server][dump]") {
  std::vector<std::pair<int, std::filesystem::path>> archives;
  pgverify::testing::TempDir dir("dump-restore-matrix");
  std::vector<std::unique_ptr<pgverify::testing::ScratchDatabase>> keep;
  for (int major : {15, 16, 17, 18}) {
    const auto& server = real_server(major);
    keep.push_back(std::make_unique<pgverify::testing::ScratchDatabase>(server, "pgv_dump_matrix"));
    fill(*keep.back());
    const auto path = dir.path() / ("pg_dump" + std::to_string(major) + ".dump");
    pgverify::testing::run_ok({server.tool("pg_dump"), "-Fc", "-f", path.string(), "-d", keep.back()->dsn()});
    archives.emplace_back(major, path);
  }
  for (const auto& [dumper, path] : archives) {
    const ArchiveHeader h = read_archive_header(path);
    for (int restorer : {15, 16, 17, 18}) {
      const auto max = max_archive_version_for_pg_restore(restorer);
      REQUIRE(max);
      const bool predicted = *h.version <= *max;
      const auto real = exec::run_process({real_server(restorer).tool("pg_restore"), "-l", path.string()});
      INFO("pg_restore " << restorer << " on an archive " << h.version->str() << " of pg_dump " << dumper
                         << ": " << real.err);
      CHECK((real.exit_code == 0) == predicted);
      if (!predicted)
        CHECK_THAT(real.err, Catch::Contains("unsupported version (" + h.version->str() + ") in file header"));
    }
  }
}
