// Directory data files compressed otherwise than their names say, against
// pg_dump 18's archives of a schema using every kind of object pg_dump writes:
// read as pg_restore 18 reads them (a .gz file that is no gzip passes through
// gzread; an .lz4 or .zst file that is no frame is refused).

#include <catch2/catch.hpp>

#include <fstream>
#include <map>

#include "core/dump_digest.hpp"
#include "hash/table_hasher.hpp"
#include "support/dump_support.hpp"
#include "support/servers.hpp"

using namespace pgverify;
using testing::real_server;
namespace fs = std::filesystem;

namespace {

constexpr const char* kSchema = R"SQL(
DO $$ BEGIN CREATE ROLE pgv_dr_reader; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE pgv_dr_owner1; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE EXTENSION hstore;
CREATE EXTENSION citext;
CREATE SCHEMA app;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE pair AS (a int, b text);
CREATE TYPE span AS RANGE (subtype = int4);
CREATE TYPE myint;
CREATE FUNCTION myint_in(cstring) RETURNS myint LANGUAGE internal IMMUTABLE STRICT AS 'int4in';
CREATE FUNCTION myint_out(myint) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'int4out';
CREATE TYPE myint (INPUT = myint_in, OUTPUT = myint_out, LIKE = int4);
CREATE CAST (int4 AS myint) WITHOUT FUNCTION;
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE COLLATION mycoll (provider = libc, locale = 'C');
CREATE CONVERSION myconv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
CREATE TEXT SEARCH PARSER myprs (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end, LEXTYPES = prsd_lextype);
CREATE TEXT SEARCH TEMPLATE mytmpl (LEXIZE = dsimple_lexize, INIT = dsimple_init);
CREATE TEXT SEARCH DICTIONARY mydict (TEMPLATE = simple);
CREATE TEXT SEARCH CONFIGURATION myts (COPY = english);
CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq);
CREATE OPERATOR FAMILY myfam USING hash;
CREATE OPERATOR CLASS myhash FOR TYPE int USING hash FAMILY myfam AS OPERATOR 1 =, FUNCTION 1 hashint4(int);
CREATE AGGREGATE mysum(int) (SFUNC = int4pl, STYPE = int);
CREATE PROCEDURE app.p() LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION app.copy_text() RETURNS text LANGUAGE plpgsql AS $body$
BEGIN
  RETURN $x$
COPY public.ghost (a) FROM stdin;
1
\.
$x$;
END
$body$;
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.at := now(); RETURN NEW; END $$;
CREATE FUNCTION app.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN NULL; END $$;
CREATE EVENT TRIGGER pgv_dr_et ON ddl_command_start EXECUTE FUNCTION app.on_ddl();
CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER heap_tableam_handler;
CREATE FOREIGN DATA WRAPPER pgv_dr_fdw;
CREATE SERVER pgv_dr_srv FOREIGN DATA WRAPPER pgv_dr_fdw;
CREATE USER MAPPING FOR postgres SERVER pgv_dr_srv;
CREATE FOREIGN TABLE app.ft (a int) SERVER pgv_dr_srv;
CREATE TABLE app.items (id serial PRIMARY KEY, name citext COLLATE "C", tags hstore, m mood DEFAULT 'ok', p pair, s span,
  n posint, v myint, at timestamptz, CHECK (id > 0));
CREATE TABLE app.refs (id int REFERENCES app.items (id), note text);
CREATE INDEX items_name ON app.items (name);
CREATE TRIGGER items_touch BEFORE INSERT ON app.items FOR EACH ROW EXECUTE FUNCTION app.touch();
CREATE TABLE app.heap2t (a int) USING heap2;
INSERT INTO app.items (name, tags, p, s, n, v) SELECT 'n' || g, 'a=>1', ('(' || g || ',x)')::pair, span(g, g + 5), g, g::myint FROM generate_series(1, 50) g;
INSERT INTO app.refs VALUES (1, E'a\tb'), (2, NULL);
CREATE VIEW app.item_names AS SELECT id, name FROM app.items;
CREATE RULE item_names_ins AS ON INSERT TO app.item_names DO INSTEAD NOTHING;
CREATE MATERIALIZED VIEW app.item_count AS SELECT count(*) AS n FROM app.items;
CREATE STATISTICS app.items_stats (dependencies) ON id, n FROM app.items;
ALTER TABLE app.items ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_read ON app.items FOR SELECT TO pgv_dr_reader USING (n > 0);
GRANT SELECT ON app.items TO pgv_dr_reader;
GRANT USAGE ON SCHEMA app TO pgv_dr_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO pgv_dr_reader;
CREATE TABLE app.events (id int, at date) PARTITION BY RANGE (at);
CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE app.events_2026 (id int, at date);
ALTER TABLE app.events ATTACH PARTITION app.events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX events_at ON app.events (at);
INSERT INTO app.events SELECT g, date '2025-01-01' + g FROM generate_series(1, 500) g;
CREATE TABLE public.nocols ();
INSERT INTO public.nocols DEFAULT VALUES;
INSERT INTO public.nocols DEFAULT VALUES;
CREATE TABLE public."Weird ""Name""" ("select" int, "a;b" text);
INSERT INTO public."Weird ""Name""" VALUES (1, 'x;y');
COMMENT ON TABLE app.items IS E'line1\nCOPY public.ghost (a) FROM stdin;\n1\n\\.\nend';
COMMENT ON FUNCTION app.copy_text() IS 'dollar $x$ inside ''quotes''';
COMMENT ON COLUMN app.items.name IS 'the name';
CREATE PUBLICATION pgv_dr_pub FOR TABLE app.items;
CREATE SEQUENCE app.counter START 7;
SELECT nextval('app.counter');
SELECT lo_from_bytea(434201, 'lo one');
SELECT lo_from_bytea(434202, '');
ALTER LARGE OBJECT 434202 OWNER TO pgv_dr_owner1;
COMMENT ON LARGE OBJECT 434201 IS 'a large object';
GRANT SELECT ON LARGE OBJECT 434201 TO pgv_dr_reader;
)SQL";

struct Varied {
  const testing::RealServer& server;
  testing::ScratchDatabase db;
  testing::TempDir dir;

  explicit Varied(int major)
      : server(real_server(major)), db(server, "pgv_dr_toc_" + std::to_string(major)), dir("dump-toc-" + std::to_string(major)) {
    db.exec(kSchema);
    if (major >= 15) db.exec("CREATE PUBLICATION pgv_dr_pub_schema FOR TABLES IN SCHEMA app;");
    db.exec("ALTER DATABASE " + db.name() + " SET work_mem = '8MB';");
    db.exec("SET client_min_messages = error; CREATE SUBSCRIPTION pgv_dr_sub CONNECTION 'host=127.0.0.1 dbname=none' "
            "PUBLICATION pgv_dr_pub WITH (connect = false, slot_name = NONE, enabled = false);");
    db.exec("ANALYZE;");
  }
  // DROP DATABASE refuses a database that has a subscription.
  ~Varied() {
    try {
      db.exec("DROP SUBSCRIPTION IF EXISTS pgv_dr_sub;");
    } catch (...) {
    }
  }

  fs::path dump(const std::string& name, std::vector<std::string> args) {
    const fs::path path = dir.path() / name;
    args.insert(args.begin(), server.tool("pg_dump"));
    args.insert(args.end(), {"-f", path.string(), "-d", db.dsn()});
    testing::run_ok(args);
    return path;
  }
};

std::map<std::string, hash::TableDigest> live_tables(const std::string& dsn) {
  pg::LibpqConnector connector;
  hash::HashOptions options;
  options.mode = hash::Mode::text;
  std::map<std::string, hash::TableDigest> out;
  for (const auto& r : hash::hash_database(connector, dsn, options).relations)
    if (r.relation.kind == hash::RelationKind::table || r.relation.kind == hash::RelationKind::partition)
      out[r.relation.name] = r.digest;
  return out;
}

std::map<std::string, hash::TableDigest> dumped_tables(const DumpDigest& digest) {
  std::map<std::string, hash::TableDigest> out;
  for (const auto& t : digest.tables) out[t.name] = t.digest;
  return out;
}

exec::ProcessResult run(const std::vector<std::string>& argv) { return exec::run_process(argv, std::chrono::minutes(2)); }

void write_all(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

dump::DumpError read_error(const fs::path& path) { return testing::digest_error(path); }

}  // namespace

TEST_CASE("directory data files read as pg_restore 18 reads them: .gz passes plain bytes through, .lz4 and .zst do not",
          "[server][dump][toc]") {
  Varied v(18);
  for (const char* method : {"gzip", "lz4", "zstd"}) {
    INFO(method);
    const fs::path dir = v.dump(std::string("directory-") + method, {"-Fd", std::string("--compress=") + method});
    const dump::ArchiveToc toc = dump::read_archive_toc(dir);
    const dump::TocEntry* items = nullptr;
    for (const auto* e : toc.tables_with_data())
      if (e->tag == "items") items = e;
    REQUIRE(items);
    const std::string suffix = std::string(method) == "gzip" ? ".gz" : std::string(method) == "lz4" ? ".lz4" : ".zst";
    const fs::path file = dir / (items->filename + suffix);
    REQUIRE(fs::exists(file));
    const std::string tool = std::string(method) == "gzip" ? "gzip" : method;
    const auto plain = run({"sh", "-c", tool + " -dc < \"$0\"", file.string()});
    REQUIRE(plain.exit_code == 0);
    write_all(file, plain.out);  // the table's rows, uncompressed, under the compressed name
    const auto restored = run({v.server.tool("pg_restore"), "--data-only", "-t", "items", "-f", "-", dir.string()});
    if (std::string(method) == "gzip") {
      CHECK(restored.exit_code == 0);
      CHECK_THAT(restored.out, Catch::Contains("COPY app.items "));
      DumpDigest digest;
      CHECK_NOTHROW(digest = digest_dump(dir, {}));
      CHECK(dumped_tables(digest) == live_tables(v.db.dsn()));
    } else {
      CHECK(restored.exit_code != 0);
      const dump::DumpError e = read_error(dir);
      CHECK(e.code() == dump::DumpErrc::corrupt_compressed_stream);
    }
  }
}
