// The TOC checks against real archives: pg_dump 15, 16, 17 and 18 (and 18 with
// --statistics) of a schema using every kind of object pg_dump writes
// (functions with COPY lines in their bodies, triggers, policies,
// publications, a subscription, event triggers, matviews, partitions, large
// objects, comments across lines, default privileges, extensions, a table
// without columns) read in every format, never refused, tables hashing like
// the live ones. Then single damaged bytes: what pg_restore 18 refuses (an
// entry type it cannot set the owner of, an unknown encoding) and what it
// silently gets wrong (a data flag, a section), each its own DumpErrc; and
// directory data files compressed otherwise than named, read as pg_restore
// reads them.

#include <catch2/catch.hpp>

#include <fstream>
#include <map>

#include "evidence/dump_digest.hpp"
#include "hash/table_hasher.hpp"
#include "support/corpus.hpp"
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

std::string read_all(const fs::path& path) { return testing::read_file(path); }
void write_all(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// Replaces the first `from` by `to` (as long) in a copy of the archive.
fs::path patched(const fs::path& archive, const fs::path& to_path, const std::string& from, const std::string& to) {
  REQUIRE(from.size() == to.size());
  std::string bytes = read_all(archive);
  const auto at = bytes.find(from);
  REQUIRE(at != std::string::npos);
  bytes.replace(at, from.size(), to);
  write_all(to_path, bytes);
  return to_path;
}

// A string as WriteStr writes it: a 4-byte length after a zero sign byte.
std::string written(const std::string& text) {
  std::string out(1, '\0');
  for (int i = 0; i < 4; ++i) out += static_cast<char>((text.size() >> (8 * i)) & 0xff);
  return out + text;
}

// The digest of an archive that must read: a DumpError fails the test, naming it.
DumpDigest readable(const fs::path& path) {
  try {
    return digest_dump(path, {});
  } catch (const dump::DumpError& e) {
    FAIL(e.what());
  }
  throw std::logic_error("unreachable");
}

dump::DumpError read_error(const fs::path& path) { return testing::digest_error(path); }

void expect(const dump::DumpError& e, dump::DumpErrc code, const std::string& part) { testing::expect_errc(e, code, part); }

}  // namespace

TEST_CASE("real archives of a schema using every kind of object are never refused, in any format",
          "[server][dump][toc]") {
  const int major = GENERATE(15, 16, 17, 18);
  INFO("pg_dump " << major);
  Varied v(major);
  const auto live = live_tables(v.db.dsn());
  REQUIRE(live.count("public.nocols"));
  CHECK(live.at("public.nocols").rows == 2);
  CHECK(live.count("public.ghost") == 0);

  std::vector<std::pair<std::string, std::vector<std::string>>> cases{
      {"custom.dump", {"-Fc"}}, {"directory", {"-Fd"}}, {"archive.tar", {"-Ft"}}, {"plain.sql", {"-Fp"}},
      {"plain-inserts-free.sql.gz", {"-Fp", "-Z", "5"}}};
  if (major >= 18) cases.push_back({"statistics.dump", {"-Fc", "--statistics"}});
  for (const auto& [name, args] : cases) {
    INFO(name);
    const fs::path path = v.dump(name, args);
    const DumpDigest digest = readable(path);
    // Every table, the one without columns included; no "ghost" from a COPY line in a body or a comment.
    CHECK(dumped_tables(digest) == live);
    CHECK(digest.large_objects.size() == 2);
    CHECK(digest.large_objects.at(1).owner == "pgv_dr_owner1");
    if (name.find(".sql") == std::string::npos) {
      // pg_restore of the same major lists it too.
      CHECK(run({v.server.tool("pg_restore"), "-l", path.string()}).exit_code == 0);
    }
  }
}

TEST_CASE("real archives of the kitchen sink corpus are never refused, in any format", "[server][dump][toc]") {
  for (int major : testing::corpus_source_majors()) {
    INFO("pg_dump " << major);
    testing::KitchenSink ks(major, "dr_toc");
    const auto live = live_tables(ks.source().dsn());
    for (const auto& [name, args] : std::vector<std::pair<std::string, std::vector<std::string>>>{
             {"custom.dump", {"-Fc"}}, {"directory", {"-Fd", "-j", "2"}}, {"archive.tar", {"-Ft"}}, {"plain.sql", {"-Fp"}}}) {
      INFO(name);
      const fs::path path = ks.dump_as(args, name);
      const DumpDigest digest = readable(path);
      CHECK(dumped_tables(digest) == live);
      auto objects = testing::live_large_objects(ks.source().dsn());
      for (auto& o : objects) o.acl.clear();  // a dump's GRANTs are ACL entries, not the objects' bytes
      CHECK(digest.large_objects == objects);
    }
  }
}

TEST_CASE("single damaged TOC bytes: what pg_restore 18 refuses or gets wrong is refused, each its own DumpErrc",
          "[server][dump][toc]") {
  Varied v(18);
  const fs::path whole = v.dump("whole.dump", {"-Fc", "-Z", "0"});
  const auto restore = [&](const fs::path& path, std::vector<std::string> args = {"-f", "-"}) {
    std::vector<std::string> argv{v.server.tool("pg_restore")};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back(path.string());
    return run(argv);
  };
  using dump::DumpErrc;

  SECTION("TABLE changed to TABLF: pg_restore 18 stops") {
    const auto path = patched(whole, v.dir.path() / "tablf.dump", written("TABLE"), written("TABLF"));
    expect(read_error(path), DumpErrc::unknown_entry_type, "\"TABLF\", which no pg_dump writes");
    const auto r = restore(path);
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains("don't know how to set owner for object type \"TABLF\""));
  }
  SECTION("TABLE DATA changed to TABLE DATB: pg_restore 18 reads it, pg_dump never wrote it") {
    const auto path = patched(whole, v.dir.path() / "datb.dump", written("TABLE DATA"), written("TABLE DATB"));
    expect(read_error(path), DumpErrc::unknown_entry_type, "\"TABLE DATB\"");
    CHECK(restore(path).exit_code == 0);
  }
  SECTION("an unknown encoding or standard_conforming_strings value: pg_restore 18 stops") {
    auto path = patched(whole, v.dir.path() / "enc.dump", "client_encoding = 'UTF8'", "client_encoding = 'UTF9'");
    expect(read_error(path), DumpErrc::bad_encoding_entry, "\"UTF9\"");
    auto r = restore(path);
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains("unrecognized encoding \"UTF9\""));
    path = patched(whole, v.dir.path() / "std.dump", "standard_conforming_strings = 'on'",
                   "standard_conforming_strings = 'ox'");
    expect(read_error(path), DumpErrc::bad_stdstrings_entry, "neither 'on' nor 'off'");
    r = restore(path);
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains("invalid STDSTRINGS item"));
  }
  SECTION("TABLE DATA's data flag cleared, or its section changed: pg_restore 18 exits 0 and loses the rows") {
    const dump::ArchiveToc toc = dump::read_archive_toc(whole);
    const dump::TocEntry* data = nullptr;
    for (const auto* e : toc.tables_with_data())
      if (e->tag == "items") data = e;
    REQUIRE(data);
    std::string bytes = read_all(whole);
    // dump id, then hadDumper (sign byte and 4 bytes): the first byte of its magnitude.
    std::string flag = bytes;
    REQUIRE(flag[data->entry_offset + 6] == 1);
    flag[data->entry_offset + 6] = 0;
    const fs::path no_data = v.dir.path() / "no-data.dump";
    write_all(no_data, flag);
    expect(read_error(no_data), DumpErrc::entry_without_data, "TABLE DATA \"items\"");
    auto r = restore(no_data, {"--data-only", "-f", "-"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, !Catch::Contains("COPY app.items "));

    // The section follows the description: find "TABLE DATA" after the entry's start.
    std::string section = bytes;
    const auto desc = section.find(written("TABLE DATA"), data->entry_offset);
    REQUIRE(desc != std::string::npos);
    const std::size_t at = desc + written("TABLE DATA").size() + 1;
    REQUIRE(section[at] == 3);
    section[at] = 2;
    const fs::path moved = v.dir.path() / "section.dump";
    write_all(moved, section);
    expect(read_error(moved), DumpErrc::bad_section, "in section pre-data, but pg_dump writes TABLE DATA in section data");
    r = restore(moved, {"--section=data", "-f", "-"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, !Catch::Contains("COPY app.items "));
  }
  SECTION("a dependency on a dump id no entry has: pg_restore 18 takes it, so does this reader") {
    const dump::ArchiveToc toc = dump::read_archive_toc(whole);
    const dump::TocEntry& table = *toc.tables_with_data().front();
    REQUIRE_FALSE(table.dependencies.empty());
    const std::string dep = std::to_string(table.dependencies.front());
    std::string bytes = read_all(whole);
    const auto at = bytes.find(written(dep), table.entry_offset);
    REQUIRE(at != std::string::npos);
    bytes.replace(at, written(dep).size(), written(std::string(dep.size(), '9')));
    const fs::path path = v.dir.path() / "dependency.dump";
    write_all(path, bytes);
    CHECK_NOTHROW(digest_dump(path, {}));
    CHECK(restore(path).exit_code == 0);
  }
}

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
