// The TOC and data readers on real archives: pg_dump 15, 16, 17 and 18 (scripts/pg-env)
// in every format and compression they offer, also written through a pipe.
// Per table, the rows streamed out of the archive must be as many as that
// major's pg_restore emits, and hash like the live table does in text mode.

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <thread>

#include "dump/archive_data.hpp"
#include "dump_test_support.hpp"
#include "hash/table_hasher.hpp"
#include "support/servers.hpp"

using namespace pgverify;
using namespace pgverify::dump;
using pgverify::testing::real_server;
namespace fs = std::filesystem;

namespace {

// Awkward values of common types; NULLs; an empty table; a partitioned table;
// a table outside public with a quoted name; a row longer than any read
// buffer; a materialized view and a large object, whose data are no COPY rows.
constexpr const char* kSchema = R"SQL(
CREATE TABLE every_type (
  id bigint PRIMARY KEY, t text, b bytea, n numeric, f8 float8, f4 float4, j jsonb, ints int[], texts text[],
  ts timestamptz, iv interval, ok bool);
INSERT INTO every_type VALUES
 (1, E'tab\there\nnewline \\ backslash ünïcödé 😀 \\. dot', '\x00ff5c0a', 123456789.000000001, 'NaN', '-Infinity',
  '{"b": 1, "a": [1, "x\ty"]}', '{1,NULL,3}', '{"x y","q\"uote",NULL,"back\\slash"}', '2024-06-01 00:00:00+02',
  '1 year 2 mons 3 days 04:05:06.7', true),
 (2, '', '\x', '-0.5', 'Infinity', 'NaN', '[]', '{}', '{}', 'infinity', '-1 days', false),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, E'\\.', E'\\x5c2e', 0, 1e-300, 1.5, 'null', '{-1}', '{"\\\\."}', '2000-01-01', '0', NULL);
INSERT INTO every_type (id, t, n, f8)
  SELECT g, repeat('row ' || g || E'\t', g % 40), g / 7.0, g * 0.1 FROM generate_series(10, 20000) g;
INSERT INTO every_type (id, t) VALUES (5, repeat('long row ', 350000));
CREATE TABLE empty_table (id int, note text);
CREATE SCHEMA "Other Schema";
CREATE TABLE "Other Schema"."Mixed Case" ("Id" int, "select" text);
INSERT INTO "Other Schema"."Mixed Case" VALUES (1, 'reserved words and spaces'), (2, NULL);
CREATE TABLE events (id int, at date, payload text) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO events SELECT g, date '2024-06-01' + g, 'p' || g FROM generate_series(1, 300) g;
CREATE MATERIALIZED VIEW event_counts AS SELECT at, count(*) AS n FROM events GROUP BY at;
CREATE SEQUENCE counter START 5;
SELECT nextval('counter'), nextval('counter');
SELECT lo_from_bytea(0, 'large object bytes');
)SQL";

constexpr const char* kVectorSchema = R"SQL(
CREATE EXTENSION vector;
CREATE TABLE embeddings (id int, e vector(3));
INSERT INTO embeddings SELECT g, ARRAY[g, -g, g * 0.5]::real[]::vector FROM generate_series(1, 500) g;
)SQL";

struct DumpCase {
  std::string file;
  std::vector<std::string> options;
  bool through_pipe = false;  // pg_dump -Fc writing to stdout, into `cat > file`
  bool gzip_after = false;    // plain text piped through gzip
};

std::vector<DumpCase> cases_for(int major) {
  std::vector<DumpCase> cases{
      {"custom.dump", {"-Fc"}},
      {"custom-none.dump", {"-Fc", "-Z", "0"}},
      {"custom-pipe.dump", {"-Fc"}, true},
      {"directory", {"-Fd"}},
      {"archive.tar", {"-Ft"}},
      {"plain.sql", {"-Fp"}},
      {"plain-piped.sql.gz", {"-Fp"}, false, true},
  };
  if (major >= 16) {  // --compress=METHOD arrived in pg_dump 16
    cases.push_back({"custom-gzip.dump", {"-Fc", "--compress=gzip:5"}});
    cases.push_back({"custom-lz4.dump", {"-Fc", "--compress=lz4"}});
    cases.push_back({"custom-zstd.dump", {"-Fc", "--compress=zstd"}});
    cases.push_back({"custom-zstd-pipe.dump", {"-Fc", "--compress=zstd"}, true});
    cases.push_back({"directory-lz4", {"-Fd", "--compress=lz4"}});
    cases.push_back({"directory-zstd", {"-Fd", "--compress=zstd"}});
    cases.push_back({"plain.sql.gz", {"-Fp", "--compress=gzip"}});
    cases.push_back({"plain.sql.zst", {"-Fp", "--compress=zstd"}});
  } else {
    // pg_dump 15 knows zlib levels only (no lz4 or zstd for pg_dump before 16).
    cases.push_back({"custom-gzip9.dump", {"-Fc", "-Z", "9"}});
    cases.push_back({"plain.sql.gz", {"-Fp", "-Z", "5"}});
  }
  return cases;
}

class DigestSink final : public RowSink {
 public:
  std::map<std::string, hash::TableDigest> digests;  // by relation, entries of one table summed
  void begin_table(const TocEntry& entry) override { m_current = &digests[entry.relation()]; }
  void row(std::string_view row) override { m_current->add_row(row.data(), row.size()); }
  void end_table(const TocEntry&) override { m_current = nullptr; }

 private:
  hash::TableDigest* m_current = nullptr;
};

// Rows per table in `pg_restore --data-only -f FILE` output: its COPY blocks.
std::map<std::string, std::uint64_t> restore_counts(const fs::path& sql) {
  std::map<std::string, std::uint64_t> counts;
  std::ifstream in(sql, std::ios::binary);
  std::string line;
  std::string current;
  while (std::getline(in, line)) {
    if (current.empty()) {
      if (auto target = parse_copy_statement(line)) {
        current = target->quoted;
        counts[current] += 0;
      }
    } else if (line == "\\.") {
      current.clear();
    } else {
      ++counts[current];
    }
  }
  return counts;
}

}  // namespace

TEST_CASE("real archives of pg_dump 15, 16, 17 and 18 stream rows that hash like the live tables", "[server][dump]") {
  const int major = GENERATE(15, 16, 17, 18);
  INFO("PostgreSQL " << major);
  const auto& server = real_server(major);
  pgverify::testing::ScratchDatabase db(server, "dumprd_data_" + std::to_string(major));
  db.exec(kSchema);
  if (major >= 16) db.exec(kVectorSchema);
  pgverify::testing::TempDir dir("dumprd-data-" + std::to_string(major));

  pg::LibpqConnector connector;
  hash::HashOptions options;
  options.mode = hash::Mode::text;
  const hash::DatabaseHash live = hash::hash_database(connector, db.dsn(), options);
  std::map<std::string, hash::TableDigest> expected;
  for (const auto& r : live.relations)
    if (r.relation.kind == hash::RelationKind::table || r.relation.kind == hash::RelationKind::partition)
      expected[r.relation.name] = r.digest;
  REQUIRE(expected.count("public.every_type"));
  CHECK(expected["public.every_type"].rows == 20000 - 10 + 1 + 5);
  CHECK(expected["public.empty_table"].rows == 0);
  CHECK(expected["\"Other Schema\".\"Mixed Case\""].rows == 2);
  CHECK(expected.count("public.events") == 0);  // partitioned: its partitions hold the rows
  CHECK(expected.size() == (major >= 16 ? 6u : 5u));

  for (const DumpCase& c : cases_for(major)) {
    INFO("pg_dump " << major << " " << c.file);
    const fs::path path = dir.path() / c.file;
    std::string args;
    for (const auto& o : c.options) args += " " + o;
    if (c.through_pipe || c.gzip_after) {
      const std::string filter = c.gzip_after ? "gzip" : "cat";
      pgverify::testing::run_ok({"sh", "-c", "\"$0\"" + args + " -d \"$1\" | " + filter + " > \"$2\"",
                                 server.tool("pg_dump"), db.dsn(), path.string()});
    } else {
      std::vector<std::string> argv{server.tool("pg_dump")};
      argv.insert(argv.end(), c.options.begin(), c.options.end());
      argv.insert(argv.end(), {"-f", path.string(), "-d", db.dsn()});
      pgverify::testing::run_ok(argv);
    }

    ArchiveToc toc;
    DigestSink sink;
    std::vector<ReadProgress> progress;
    try {
      toc = read_archive_toc(path);
      read_table_data(toc, sink, [&](const ReadProgress& p) { progress.push_back(p); });
    } catch (const DumpError& e) {
      FAIL("cannot read the archive: " << e.what());
    }
    CHECK(sink.digests == expected);
    for (const auto& [name, digest] : expected) {
      INFO(name);
      CHECK(sink.digests[name].rows == digest.rows);
      CHECK(sink.digests[name].hex() == digest.hex());
    }
    REQUIRE_FALSE(progress.empty());
    CHECK(progress.back().bytes_read == progress.back().bytes_total);
    CHECK(progress.back().tables_done == toc.tables_with_data().size());

    // What else the TOC tells: the sequence's value, the extension.
    const auto sets = toc.sequences_set();
    REQUIRE(sets.size() == 1);
    CHECK(sets[0].sequence == "public.counter");
    CHECK(sets[0].value == "6");
    const auto extensions = toc.extensions();
    CHECK(std::count_if(extensions.begin(), extensions.end(), [](const TocEntry* e) { return e->tag == "vector"; }) ==
          (major >= 16 ? 1 : 0));
    const bool pipe_custom = c.through_pipe;
    for (const TocEntry* t : toc.tables_with_data())
      if (toc.header.format == ArchiveFormat::custom)
        CHECK(t->offset.state == (pipe_custom ? DataOffsetState::not_set : DataOffsetState::set));

    // pg_restore of the same major emits as many rows per table.
    if (toc.header.format != ArchiveFormat::plain) {
      const fs::path restored = dir.path() / (c.file + ".restored.sql");
      pgverify::testing::run_ok(
          {server.tool("pg_restore"), "--data-only", "-f", restored.string(), path.string()});
      std::map<std::string, std::uint64_t> ours;
      for (const auto& [name, digest] : sink.digests) ours[name] = digest.rows;
      CHECK(restore_counts(restored) == ours);
    }
  }
}

TEST_CASE("tables of a real archive read in parallel threads give the sequential result", "[server][dump]") {
  const auto& server = real_server(17);
  pgverify::testing::ScratchDatabase db(server, "dumprd_parallel");
  db.exec(kSchema);
  pgverify::testing::TempDir dir("dumprd-parallel");
  for (const char* format : {"-Fc", "-Fd", "-Ft", "-Fp"}) {
    INFO(format);
    const fs::path path = dir.path() / (std::string("archive") + format);
    // Tar archives are never compressed.
    const std::string compress = std::string(format) == "-Ft" ? "--compress=none" : "--compress=zstd";
    pgverify::testing::run_ok({server.tool("pg_dump"), format, compress, "-f", path.string(), "-d", db.dsn()});
    const ArchiveToc toc = read_archive_toc(path);
    DigestSink whole;
    read_table_data(toc, whole);
    const auto tables = toc.tables_with_data();
    std::vector<DigestSink> sinks(tables.size());
    std::vector<std::string> errors(tables.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < tables.size(); ++i)
      threads.emplace_back([&, i] {
        try {
          read_entry_data(toc, *tables[i], sinks[i]);
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
      });
    for (auto& t : threads) t.join();
    std::map<std::string, hash::TableDigest> combined;
    for (std::size_t i = 0; i < tables.size(); ++i) {
      CHECK(errors[i].empty());
      for (const auto& [name, digest] : sinks[i].digests) combined[name] += digest;
    }
    CHECK(combined == whole.digests);
  }
}
