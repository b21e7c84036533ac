// dump.readable and dump.matches-source against real archives of a real PG17
// source: whole dumps pass in every format; a dump cut anywhere fails
// dump.readable; a flipped byte in an uncompressed data block, rows written
// after the dump and a table left out fail dump.matches-source, naming the table.

#include <catch2/catch.hpp>

#include <fstream>

#include "checks/checks.hpp"
#include "checks/dump_matches_source.hpp"
#include "evidence/baseline.hpp"
#include "evidence/dump_digest.hpp"
#include "support/servers.hpp"

using namespace pgverify;
using testing::real_server;

namespace {

constexpr const char* schema_sql = R"SQL(
CREATE EXTENSION vector;
CREATE TABLE messages (id bigint PRIMARY KEY, body text, meta jsonb, at timestamptz, e vector(3));
INSERT INTO messages SELECT g, E'body\t' || g || E'\n' || repeat('ü', g % 7), jsonb_build_object('n', g),
       '2025-01-01 00:00:00+00'::timestamptz + g * interval '1 minute', ARRAY[g, -g, 0.5]::real[]::vector
  FROM generate_series(1, 3000) g;
CREATE TABLE "Odd Name" (k text);
INSERT INTO "Odd Name" VALUES ('a\b'), (NULL);
CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO events SELECT g, date '2025-01-01' + g FROM generate_series(1, 200) g;
CREATE MATERIALIZED VIEW counts AS SELECT count(*) FROM messages;
)SQL";

struct Dumped {
  testing::ScratchDatabase source{real_server(17), "pgv_dchk_src"};
  testing::TempDir dir{"dump-checks"};
  TenantConfig tenant;
  pg::LibpqConnector connector;
  exec::SystemToolRunner tools;

  Dumped() {
    source.exec(schema_sql);
    tenant.name = "demo";
    tenant.source_dsn = source.dsn();
  }
  std::filesystem::path dump(const std::string& name, std::vector<std::string> args) {
    const auto path = dir.path() / name;
    args.insert(args.begin(), real_server(17).tool("pg_dump"));
    args.insert(args.end(), {"-f", path.string(), "-d", source.dsn()});
    testing::run_ok(args);
    return path;
  }
  std::pair<CheckResult, CheckResult> pre(const std::filesystem::path& path) {
    Context context{Phase::pre, tenant, connector, tools, path, nullptr};
    return {checks::DumpReadable().run(context), checks::DumpMatchesSource().run(context)};
  }
};

std::string findings(const CheckResult& result) {
  std::string out;
  for (const auto& f : result.findings) out += f.object + ": " + f.message + "\n";
  return out;
}

}  // namespace

TEST_CASE("whole dumps in every format are readable and match the source", "[server][dump-checks]") {
  Dumped d;
  const std::vector<std::pair<std::string, std::vector<std::string>>> formats = {
      {"custom.dump", {"-Fc"}}, {"custom-zstd.dump", {"-Fc", "-Z", "zstd"}}, {"dir", {"-Fd", "-Z", "lz4"}},
      {"archive.tar", {"-Ft"}}, {"plain.sql.gz", {"-Fp", "-Z", "gzip"}}};
  for (const auto& [name, args] : formats) {
    INFO(name);
    const auto path = d.dump(name, args);
    for (int jobs : {1, 2}) {
      d.tenant.hash.jobs = jobs;
      auto [readable, matches] = d.pre(path);
      INFO("jobs " << jobs << "\n" << findings(readable) << findings(matches));
      CHECK(readable.status == Status::pass);
      CHECK_THAT(readable.summary, Catch::Contains("3 tables with data, 3202 rows"));
      CHECK(matches.status == Status::pass);
      CHECK(matches.summary == "3 of 3 source tables are in the dump with the same rows (text mode)");
    }
  }
}

TEST_CASE("a dump cut anywhere fails dump.readable with the offset", "[server][dump-checks]") {
  Dumped d;
  const auto whole = d.dump("whole.dump", {"-Fc", "-Z", "gzip"});
  const std::string bytes = testing::read_file(whole);
  for (std::size_t cut : {std::size_t(3), std::size_t(200), bytes.size() / 4, bytes.size() / 2, bytes.size() - 40,
                          bytes.size() - 1}) {
    INFO("cut at " << cut << " of " << bytes.size());
    const auto path = d.dir.path() / ("cut-" + std::to_string(cut) + ".dump");
    std::ofstream(path, std::ios::binary) << bytes.substr(0, cut);
    auto [readable, matches] = d.pre(path);
    CHECK(readable.status == Status::fail);
    REQUIRE(readable.findings.size() == 1);
    CHECK_THAT(readable.findings[0].message, Catch::Contains(path.string()));
    CHECK(matches.status == Status::skip);
  }
}

TEST_CASE("a flipped byte in an uncompressed data block fails dump.matches-source, naming the table", "[server][dump-checks]") {
  Dumped d;
  const auto whole = d.dump("plain.dump", {"-Fc", "-Z", "0"});
  std::string bytes = testing::read_file(whole);
  // A byte inside one row of messages' data: change a digit of a body.
  const auto at = bytes.find("body\\t1500\\n");
  REQUIRE(at != std::string::npos);
  bytes[at + 7] = '9';
  const auto path = d.dir.path() / "flipped.dump";
  std::ofstream(path, std::ios::binary) << bytes;
  auto [readable, matches] = d.pre(path);
  CHECK(readable.status == Status::pass);
  CHECK(matches.status == Status::fail);
  CHECK(findings(matches) == "public.messages: the dump holds as many rows as the source, but different ones\n");
}

TEST_CASE("rows written after the dump and tables left out fail dump.matches-source", "[server][dump-checks]") {
  Dumped d;
  const auto partial = d.dump("partial.dump", {"-Fc", "--exclude-table-data", "\"Odd Name\""});
  d.source.exec("INSERT INTO messages (id, body) VALUES (5000, 'written after the dump')");
  auto [readable, matches] = d.pre(partial);
  CHECK(readable.status == Status::pass);
  CHECK(matches.status == Status::fail);
  CHECK(findings(matches) == "public.\"Odd Name\": the dump holds the table but not its data\n"
                             "public.messages: the dump holds 3000 rows of the source's 3001\n");
}

TEST_CASE("the baseline reuses the source's text-mode hash that dump.matches-source took", "[server][dump-checks]") {
  Dumped d;
  d.tenant.hash.mode = "text";
  const auto path = d.dump("reuse.dump", {"-Fc"});
  Context context{Phase::pre, d.tenant, d.connector, d.tools, path, nullptr};
  REQUIRE(checks::DumpMatchesSource().run(context).status == Status::pass);
  REQUIRE(context.evidence.source_text_hash_taken());
  auto records = [](const Manifest& m) {
    std::string out;
    for (const auto& t : m.tables) out += t.name + " " + std::to_string(t.rows) + " " + t.hash + " " + t.mode + "\n";
    return out;
  };
  const Manifest reused = capture_baseline(d.connector, d.tenant, {}, context.evidence.source_text_hash_taken());
  const Manifest fresh = capture_baseline(d.connector, d.tenant, {});
  CHECK(records(reused) == records(fresh));
  CHECK(reused.settings == fresh.settings);
  CHECK(reused.tables.size() == 5);  // messages, "Odd Name", events (sum), events_2025, counts
}
