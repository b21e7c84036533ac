// Adversarial findings against the newly landed behaviour (function attributes
// and body MD5, what a view reads, hash partitions on an enum compared through
// their table, ...). Each test case reproduces a wrong verdict and FAILS until
// the product is fixed. Every case takes a small source database through the
// runbook as the tests do it (the source major's pg_dump -Fc, pgverify pre,
// pg_restore 18 into a fresh database, pgverify post) and asserts the verdict a
// correct tool gives:
//  - a correct restore must not fail (false alarms);
//  - a damaged target must fail, naming the object (misses).
// Databases are named pgv_rv_* (support/runbook.hpp); all are dropped at the end.

#include <catch2/catch.hpp>

#include <fstream>
#include <unistd.h>

#include "pg/session.hpp"
#include "support/corpus.hpp"
#include "support/runbook.hpp"
#include "support/servers.hpp"

using namespace pgverify;
using testing::PgverifyRun;
using testing::real_server;
using testing::RealServer;
using testing::Runbook;
using testing::TestDatabase;
using testing::admin_sql;
using testing::findings_of;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// pre, then the restore, which must succeed.
void pre_restore_ok(Runbook& runbook) {
  auto pre = runbook.pre();
  INFO("pre: " << pre.transcript());
  REQUIRE(pre.report);
  REQUIRE(runbook.restore() == 0);
}

// Each damage applied to its own copy of the correctly restored target; post
// must fail schema.objects naming `object`. A clean post is REQUIREd first, so
// a failure below is the damage passing, not the fixture.
void expect_damage_caught(Runbook& runbook, const std::vector<std::pair<std::string, std::string>>& damages) {
  auto clean = runbook.post();
  INFO("clean: " << clean.transcript());
  REQUIRE(clean.process.exit_code == 0);
  int n = 0;
  for (const auto& [damage, object] : damages) {
    DYNAMIC_SECTION(damage) {
      TestDatabase copy(runbook.target_server(), "dmg" + std::to_string(n), runbook.target());
      admin_sql(copy.dsn(), damage);
      auto post = runbook.post_on(copy.dsn(), "dmg" + std::to_string(n));
      INFO(post.transcript());
      CHECK(post.process.exit_code == 1);
      CHECK(contains(findings_of(post, "schema.objects"), object));
    }
    ++n;
  }
}

}  // namespace

// ---------------------------------------------------------------------------
// False alarms on correct restores
// ---------------------------------------------------------------------------

// A LATIN1 source restored into a UTF8 database, which the review tests treat
// as a correct restore (pg_restore converts every string). The user sees
// "function public.greet() is defined differently on the target", expected
// "... body md5=9e83..." actual "... body md5=70d0...", although the function
// is the same, character for character. Cause: functions_query hashes
// pg_catalog.md5(p.prosrc), i.e. the body's bytes in each database's own
// encoding (LATIN1 "ü" is 1 byte, UTF-8 2), not its characters.
TEST_CASE("adversarial: a LATIN1 source whose function body has non-ASCII text restores into UTF8 without a "
          "schema failure",
          "[server][adversarial]") {
  for (int major : {15, 17}) {
    DYNAMIC_SECTION("from PostgreSQL " << major) {
      Runbook runbook(major, "fnlatin" + std::to_string(major), R"SQL(
        CREATE TABLE people (id int PRIMARY KEY, name text);
        INSERT INTO people VALUES (1, 'José Müller');
        CREATE FUNCTION greet() RETURNS text LANGUAGE sql AS $$ SELECT 'Grüße' $$;)SQL",
                      "ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'");
      pre_restore_ok(runbook);
      // The restore is correct: the body reads the same on both sides.
      pg::LibpqConnector connector;
      auto source = connector.connect(runbook.source().dsn());
      auto target = connector.connect(runbook.target().dsn());
      const std::string body_sql = "SELECT prosrc FROM pg_catalog.pg_proc WHERE proname = 'greet'";
      REQUIRE(source->query(body_sql).at(0, 0) == target->query(body_sql).at(0, 0));
      auto post = runbook.post();
      INFO(post.transcript());
      CHECK(post.status_of("schema.objects") != "fail");
      CHECK(post.process.exit_code == 0);
    }
  }
}

// ---------------------------------------------------------------------------
// Misses: damage on the target that post passes
// ---------------------------------------------------------------------------

// A tenant that hashes only the partitions ([tenants.X.hash] include =
// ["public.orders_*"], a natural way to say "the orders data") of a table
// hash-partitioned on an enum. The baseline marks each partition placed_by
// public.orders, which the filter left out, so nothing compares them: half
// the rows deleted on the target, and post says "pass: 0 of 0 tables have the
// baseline's row count; 2 partitions compared through the table
// hash-partitioned on an enum above them". Cause: data.row-counts and
// data.table-hashes skip a placed_by partition without checking that the
// placed_by table is itself in the baseline (discover_relations applies the
// filter per relation).
TEST_CASE("adversarial: partitions of an enum hash-partitioned table selected by include are still compared",
          "[server][adversarial]") {
  Runbook runbook(17, "henuminc", R"SQL(
    CREATE TYPE status AS ENUM ('new', 'paid', 'shipped');
    CREATE TABLE orders (id int, st status, amount numeric) PARTITION BY HASH (st);
    CREATE TABLE orders_0 PARTITION OF orders FOR VALUES WITH (MODULUS 2, REMAINDER 0);
    CREATE TABLE orders_1 PARTITION OF orders FOR VALUES WITH (MODULUS 2, REMAINDER 1);
    INSERT INTO orders SELECT g, (ARRAY['new', 'paid', 'shipped']::status[])[1 + g % 3], g * 1.5
      FROM generate_series(1, 100) g;)SQL");
  runbook.set_hash_options("include = [\"public.orders_*\"]");
  pre_restore_ok(runbook);
  auto clean = runbook.post();
  INFO("clean: " << clean.transcript());
  REQUIRE(clean.process.exit_code == 0);
  runbook.target().exec("DELETE FROM orders WHERE id <= 50");
  auto damaged = runbook.post_on(runbook.target().dsn(), "damaged");
  INFO("damaged: " << damaged.transcript());
  CHECK(damaged.status_of("data.row-counts") == "fail");
  CHECK(damaged.status_of("data.table-hashes") == "fail");
  CHECK(damaged.process.exit_code == 1);
}

// "reads" is built from the _RETURN rule's pg_depend entries on pg_class only,
// so a view whose query calls another function passes: the user's redacting
// view now returns the raw column, and schema.objects says every view matches.
// Cause: views_query keeps d.refclassid = pg_class and drops the pg_proc
// dependencies the same pg_depend rows hold.
TEST_CASE("adversarial: a view that calls another function on the target fails post", "[server][adversarial]") {
  Runbook runbook(17, "vfunc", R"SQL(
    CREATE TABLE docs (id int, body text);
    CREATE FUNCTION redact(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT '***' $$;
    CREATE FUNCTION keep(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT $1 $$;
    CREATE VIEW public_docs AS SELECT id, redact(body) AS body FROM docs;)SQL");
  pre_restore_ok(runbook);
  expect_damage_caught(runbook,
                       {{"CREATE OR REPLACE VIEW public_docs AS SELECT id, keep(body) AS body FROM docs",
                         "public.public_docs"}});
}

// The same for a view's filter: only the columns it reads are compared, so
// a row-filtering view whose predicate was inverted or whose constant changed
// (tenant = 1 AND NOT secret -> tenant = 2 OR secret) passes; the view now
// shows another tenant's secret rows. Cause: views_query compares the set of
// referenced columns, which both queries share; nothing of the predicate.
TEST_CASE("adversarial: a row-filtering view with another predicate on the target fails post",
          "[server][adversarial]") {
  Runbook runbook(17, "vpred", R"SQL(
    CREATE TABLE docs (id int, tenant int, secret boolean, body text);
    CREATE VIEW tenant1 AS SELECT id, body FROM docs WHERE tenant = 1 AND NOT secret;)SQL");
  pre_restore_ok(runbook);
  expect_damage_caught(runbook,
                       {{"CREATE OR REPLACE VIEW tenant1 AS SELECT id, body FROM docs WHERE tenant = 2 OR secret",
                         "public.tenant1"}});
}

// An aggregate's inventory is "aggregate returns integer ... language
// internal ... body md5=<md5 of 'aggregate_dummy'>": the same for every
// aggregate. One redefined on the target with another initial state and
// without its final function (CREATE OR REPLACE AGGREGATE, or one that was in
// the target before the restore) passes. Cause: functions_query reads only
// pg_proc; pg_aggregate (aggtransfn, aggfinalfn, agginitval, ...) is never
// inventoried.
TEST_CASE("adversarial: an aggregate redefined on the target fails post", "[server][adversarial]") {
  Runbook runbook(17, "aggdef", R"SQL(
    CREATE FUNCTION add_int(int, int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 + $2';
    CREATE FUNCTION double_it(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 * 2';
    CREATE AGGREGATE total(int) (SFUNC = add_int, STYPE = int, FINALFUNC = double_it, INITCOND = '0');)SQL");
  pre_restore_ok(runbook);
  expect_damage_caught(
      runbook, {{"CREATE OR REPLACE AGGREGATE total(int) (SFUNC = add_int, STYPE = int, INITCOND = '100')",
                 "public.total(integer)"}});
}
