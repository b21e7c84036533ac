// The hashing engine against real servers: a PG17 source dumped with pg_dump 17
// and restored into PG18 with pg_restore 18 must hash the same, in both modes;
// physical order must not matter; damage must show; parallel reading must give
// the single-stream result, also while the source is being written to.

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "checks/checks.hpp"
#include "evidence/baseline.hpp"
#include "hash/table_hasher.hpp"
#include "support/servers.hpp"

using namespace pgverify;
using testing::real_server;

namespace {

// Every common type, the awkward values of each, NULLs, and the binary-mode
// traps (an enum[] and a composite holding an enum embed type OIDs).
constexpr const char* rich_schema = R"SQL(
CREATE EXTENSION vector;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE pair AS (label text, feeling mood, weight float8);
CREATE TABLE every_type (
  id bigint PRIMARY KEY, i2 int2, i4 int4, i8 int8, num numeric, f4 float4, f8 float8,
  t text, b bytea, ok bool, d date, ts timestamp, tstz timestamptz, iv interval, u uuid,
  j json, jb jsonb, ints int[], texts text[], m mood, moods mood[], p pair, e vector(3),
  doubled int8 GENERATED ALWAYS AS (i4::int8 * 2) STORED);
INSERT INTO every_type VALUES
 (1, -32768, 2147483647, -9223372036854775808, 123456789.000000001, 'NaN', 'Infinity',
  E'tab\there\nnewline \\ backslash ünïcödé 😀', '\x00ff10', true, '2024-02-29', '2024-01-01 12:34:56.789',
  '2024-06-01 00:00:00+02', '1 year 2 mons 3 days 04:05:06.7', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  '{"b": 1, "a": [1, 2]}', '{"b": 1, "a": [1, 2]}', '{1,NULL,3}', '{"x y","q\"uote",NULL}', 'happy',
  '{sad,happy}', ROW('lbl', 'ok', 0.1)::pair, '[1.5,-2,3e-7]'),
 (2, 0, 0, 0, '-0.5', '-Infinity', 'NaN', '', '\x', false, 'infinity', '-infinity', 'infinity',
  '-1 days', '00000000-0000-0000-0000-000000000000', '[]', '{}', '{}', '{}', 'sad', '{}',
  ROW(NULL, NULL, NULL)::pair, '[0,0,0]'),
 (3, NULL, NULL, NULL, NULL, NULL, 1.0e-300, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO every_type (id, i4, t, f8, e)
  SELECT g, g, repeat('x', g % 50) || g, g / 7.0, ARRAY[g, -g, g * 0.5]::real[]::vector FROM generate_series(10, 400) g;
CREATE TABLE "Mixed Case" ("Id" int, "select" text);
INSERT INTO "Mixed Case" VALUES (1, 'reserved words and spaces');
CREATE TABLE events (id int, at date, payload text) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO events SELECT g, date '2024-06-01' + g, 'p' || g FROM generate_series(1, 300) g;
CREATE MATERIALIZED VIEW event_counts AS SELECT at, count(*) AS n FROM events GROUP BY at;
CREATE SEQUENCE counter START 5;
SELECT nextval('counter'), nextval('counter');
)SQL";

hash::DatabaseHash hash_db(const std::string& dsn, hash::Mode mode, int jobs = 1, std::uint64_t chunk_pages = 16384,
                           const std::string& zone = "") {
  pg::LibpqConnector connector;
  hash::HashOptions options;
  options.mode = mode;
  options.jobs = jobs;
  options.chunk_pages = chunk_pages;
  options.output.time_zone = zone;
  return hash::hash_database(connector, dsn, options);
}

std::map<std::string, std::pair<std::uint64_t, std::string>> digests(const hash::DatabaseHash& hashed) {
  std::map<std::string, std::pair<std::uint64_t, std::string>> out;
  for (const auto& r : hashed.relations) out[r.relation.name] = {r.digest.rows, r.digest.hex()};
  return out;
}

// A source with the rich schema, and its restore into PG18 through pg_dump 17 / pg_restore 18.
struct RestoredPair {
  testing::ScratchDatabase source{real_server(17), "pgv_hash_src"};
  testing::ScratchDatabase target{real_server(18), "pgv_hash_dst"};
  testing::TempDir dir{"hash"};

  RestoredPair() {
    source.exec(rich_schema);
    const auto dump = dir.path() / "rich.dump";
    testing::run_ok({real_server(17).tool("pg_dump"), "-Fc", "-f", dump.string(), "-d", source.dsn()});
    testing::run_ok({real_server(18).tool("pg_restore"), "--exit-on-error", "-d", target.dsn(), dump.string()});
  }
};

struct PostRun {
  TenantConfig tenant;
  pg::LibpqConnector connector;
  exec::SystemToolRunner tools;
  Manifest baseline;

  PostRun(const std::string& source, const std::string& target, const std::string& mode) {
    tenant.name = "demo";
    tenant.source_dsn = source;
    tenant.target_dsn = target;
    tenant.hash.mode = mode;
    baseline = capture_baseline(connector, tenant, {});
  }
  std::pair<CheckResult, CheckResult> run() {
    Context context{Phase::post, tenant, connector, tools, std::nullopt, &baseline};
    return {checks::DataRowCounts().run(context), checks::DataTableHashes().run(context)};
  }
};

std::string objects(const CheckResult& result) {
  std::string out;
  for (const auto& f : result.findings) out += f.object + ": " + f.message + "\n";
  return out;
}

}  // namespace

TEST_CASE("every common type hashes the same on the PG17 source and its PG18 restore, in both modes", "[server][hash]") {
  RestoredPair pair;
  for (hash::Mode mode : {hash::Mode::text, hash::Mode::binary}) {
    INFO("mode " << to_string(mode));
    auto source = hash_db(pair.source.dsn(), mode);
    auto target = hash_db(pair.target.dsn(), mode, 1, 16384, source.settings.front().second);
    auto expected = digests(source);
    CHECK(expected.size() == 6);
    CHECK(expected["public.every_type"].first == 394);
    CHECK(expected["public.\"Mixed Case\""].first == 1);
    CHECK(expected["public.events"].first == 300);  // the partitioned parent sums its partitions
    CHECK(expected["public.events"].first == expected["public.events_2024"].first + expected["public.events_2025"].first);
    CHECK(expected["public.event_counts"].first == 300);
    CHECK(digests(target) == expected);
  }
  // The modes read different bytes, so their hashes differ.
  CHECK(digests(hash_db(pair.source.dsn(), hash::Mode::text))["public.every_type"].second !=
        digests(hash_db(pair.source.dsn(), hash::Mode::binary))["public.every_type"].second);
}

TEST_CASE("binary mode reads OID-bearing columns as text", "[server][hash]") {
  RestoredPair pair;
  pg::LibpqConnector connector;
  auto session = connector.connect(pair.source.dsn());
  auto relations = hash::discover_relations(*session, {});
  auto every = std::find_if(relations.begin(), relations.end(),
                            [](const auto& r) { return r.name == "public.every_type"; });
  REQUIRE(every != relations.end());
  auto columns = hash::hashed_columns(*every, hash::Mode::binary);
  CHECK(std::count(columns.begin(), columns.end(), "moods::text") == 1);
  CHECK(std::count(columns.begin(), columns.end(), "p::text") == 1);
  CHECK(std::count(columns.begin(), columns.end(), "e") == 1);  // vector's binary form holds no OID
  CHECK(std::count(columns.begin(), columns.end(), "doubled") == 0);  // generated: not dumped, not hashed
}

TEST_CASE("binary mode decides each column from the catalogs: no send function, OIDs inside, or neither",
          "[server][hash]") {
  testing::ScratchDatabase db(real_server(17), "pgv_hash_types");
  db.exec(R"SQL(
CREATE TYPE nosend;
CREATE FUNCTION nosend_in(cstring) RETURNS nosend LANGUAGE internal IMMUTABLE STRICT AS 'textin';
CREATE FUNCTION nosend_out(nosend) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'textout';
CREATE TYPE nosend (INPUT = nosend_in, OUTPUT = nosend_out, LIKE = text);
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE DOMAIN moods_d AS mood[];
CREATE DOMAIN ints_d AS int[];
CREATE DOMAIN nosend_d AS nosend;
CREATE TYPE nosend_range AS RANGE (subtype = float8);
CREATE TABLE t (id int, a aclitem, acls aclitem[], ns nosend, nsd nosend_d, ns_arr nosend[], rc regclass,
                rt regtype[], m mood, md moods_d, i ints_d, r int4range, mr int4multirange, fr nosend_range,
                o oid, j jsonb);
INSERT INTO t VALUES (1, 'postgres=r/postgres', '{postgres=arw/postgres}', 'x', 'y', '{a,b}', 't', '{mood}', 'ok',
                      '{sad}', '{1,2}', '[1,2)', '{[1,2)}', '[1,2)', 42, '{}');
)SQL");
  pg::LibpqConnector connector;
  auto session = connector.connect(db.dsn());
  auto relations = hash::discover_relations(*session, {});
  REQUIRE(relations.size() == 1);
  CHECK(hash::hashed_columns(relations[0], hash::Mode::binary) ==
        std::vector<std::string>{"id", "a::text", "acls::text", "ns::text", "nsd::text", "ns_arr::text", "rc::text",
                                 "rt::text", "m", "md::text", "i", "r", "mr", "fr", "o", "j"});
  // And it reads: the whole point is that binary hashing no longer aborts on these.
  const auto hashed = hash_db(db.dsn(), hash::Mode::binary);
  REQUIRE(hashed.relations.size() == 1);
  CHECK(hashed.relations[0].digest.rows == 1);
}

TEST_CASE("the same rows in another physical order hash the same", "[server][hash]") {
  RestoredPair pair;
  for (hash::Mode mode : {hash::Mode::text, hash::Mode::binary}) {
    auto before = digests(hash_db(pair.target.dsn(), mode));
    pair.target.exec("UPDATE every_type SET i4 = i4 WHERE id % 3 = 0");  // new row versions at new places
    pair.target.exec("CLUSTER every_type USING every_type_pkey");
    pair.target.exec("VACUUM FULL events_2024");
    CHECK(digests(hash_db(pair.target.dsn(), mode)) == before);
  }
}

TEST_CASE("damage on the target fails post, naming the table", "[server][hash]") {
  RestoredPair pair;
  const std::string mode = GENERATE(std::string("binary"), std::string("text"));
  INFO("mode " << mode);
  PostRun post(pair.source.dsn(), pair.target.dsn(), mode);
  {
    auto [counts, hashes] = post.run();
    INFO(objects(counts) << objects(hashes));
    REQUIRE(counts.status == Status::pass);
    REQUIRE(hashes.status == Status::pass);
  }

  struct Damage {
    const char* what;
    const char* sql;
    const char* undo;
    bool count_changes;
  };
  const Damage damages[] = {
      {"one changed value", "UPDATE every_type SET t = t || '!' WHERE id = 200",
       "UPDATE every_type SET t = left(t, -1) WHERE id = 200", false},
      {"one deleted row", "CREATE TABLE saved AS SELECT * FROM every_type WHERE id = 201; DELETE FROM every_type WHERE id = 201",
       "INSERT INTO every_type (id, i2, i4, i8, num, f4, f8, t, b, ok, d, ts, tstz, iv, u, j, jb, ints, texts, m, moods, p, e) "
       "SELECT id, i2, i4, i8, num, f4, f8, t, b, ok, d, ts, tstz, iv, u, j, jb, ints, texts, m, moods, p, e FROM saved; DROP TABLE saved",
       true},
      {"one duplicated row", "INSERT INTO \"Mixed Case\" VALUES (1, 'reserved words and spaces')",
       "DELETE FROM \"Mixed Case\" WHERE ctid = (SELECT max(ctid) FROM \"Mixed Case\")", true},
      {"two values swapped between rows",
       "UPDATE events SET payload = CASE id WHEN 10 THEN 'p11' ELSE 'p10' END WHERE id IN (10, 11)",
       "UPDATE events SET payload = 'p' || id WHERE id IN (10, 11)", false},
  };
  for (const Damage& damage : damages) {
    INFO(damage.what);
    pair.target.exec(damage.sql);
    auto [counts, hashes] = post.run();
    INFO(objects(counts) << objects(hashes));
    CHECK(hashes.status == Status::fail);
    CHECK(counts.status == (damage.count_changes ? Status::fail : Status::pass));
    REQUIRE_FALSE(hashes.findings.empty());
    const std::string named = hashes.findings.front().object;
    CHECK((named == "public.every_type" || named == "public.\"Mixed Case\"" || named == "public.events" ||
           named == "public.events_2024"));
    pair.target.exec(damage.undo);
    auto [counts_after, hashes_after] = post.run();
    INFO("undone: " << objects(hashes_after));
    CHECK(hashes_after.status == Status::pass);
  }

  pair.target.exec("CREATE TABLE stray (x int); INSERT INTO stray VALUES (1)");
  auto [counts, hashes] = post.run();
  CHECK(counts.status == Status::warn);
  CHECK_THAT(objects(counts), Catch::Contains("public.stray: the target has a table the source did not have"));
  CHECK(hashes.status == Status::pass);
}

TEST_CASE("parallel, ctid-chunked hashing gives exactly the single-stream result", "[server][hash]") {
  testing::ScratchDatabase db(real_server(17), "pgv_hash_par");
  db.exec("CREATE TABLE big (id int, body text) WITH (fillfactor = 50);"
          "INSERT INTO big SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 20000) g;"
          "CREATE TABLE small (id int); INSERT INTO small SELECT generate_series(1, 10);");
  db.exec("VACUUM ANALYZE");
  for (hash::Mode mode : {hash::Mode::text, hash::Mode::binary}) {
    auto single = digests(hash_db(db.dsn(), mode));
    CHECK(single["public.big"].first == 20000);
    CHECK(digests(hash_db(db.dsn(), mode, 3, 7)) == single);
    CHECK(digests(hash_db(db.dsn(), mode, 2, 1)) == single);
  }
}

TEST_CASE("a table written to while hashed with --jobs gives the snapshot's result", "[server][hash]") {
  testing::ScratchDatabase db(real_server(17), "pgv_hash_busy");
  // Writers keep the content fixed while moving rows around: content-preserving
  // updates put row versions on new pages (other chunks), and rows move between
  // two tables. Any reading not from one snapshot sees rows twice or not at all.
  db.exec("CREATE TABLE moving (id int PRIMARY KEY, body text) WITH (fillfactor = 100);"
          "INSERT INTO moving SELECT g, repeat('m', 200) || g FROM generate_series(1, 20000) g;"
          "CREATE TABLE left_side (id int, body text); CREATE TABLE right_side (id int, body text);"
          "INSERT INTO left_side SELECT g, 'row ' || g FROM generate_series(1, 5000) g;");
  db.exec("VACUUM ANALYZE");
  const auto before = digests(hash_db(db.dsn(), hash::Mode::binary));
  auto pair_sum = [](const hash::DatabaseHash& h) {
    hash::TableDigest sum;
    for (const auto& r : h.relations)
      if (r.relation.name == "public.left_side" || r.relation.name == "public.right_side") sum += r.digest;
    return sum;
  };
  const hash::TableDigest pair_before = pair_sum(hash_db(db.dsn(), hash::Mode::binary));

  std::atomic<bool> stop{false};
  std::atomic<int> committed{0};
  std::thread writer([&] {
    pg::LibpqConnector connector;
    auto session = connector.connect(db.dsn());
    for (int i = 0; !stop && i < 100000; ++i) {
      const int id = 1 + (i * 7919) % 5000;
      const std::string row = std::to_string(1 + (i * 104729) % 20000);
      session->execute("BEGIN; UPDATE moving SET body = body WHERE id BETWEEN " + row + " AND " + row + " + 20;"
                       "WITH gone AS (DELETE FROM left_side WHERE id = " + std::to_string(id) + " RETURNING *) "
                       "INSERT INTO right_side SELECT * FROM gone;"
                       "WITH back AS (DELETE FROM right_side WHERE id = " + std::to_string(1 + (id + 2500) % 5000) +
                       " RETURNING *) INSERT INTO left_side SELECT * FROM back; COMMIT");
      ++committed;
    }
  });
  while (committed < 20) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const int committed_before = committed;
  auto during = hash_db(db.dsn(), hash::Mode::binary, 3, 8);
  const int committed_during = committed - committed_before;
  stop = true;
  writer.join();

  INFO("transactions committed while hashing: " << committed_during);
  CHECK(committed_during > 0);
  CHECK(digests(during)["public.moving"] == before.at("public.moving"));
  CHECK(pair_sum(during) == pair_before);
}
