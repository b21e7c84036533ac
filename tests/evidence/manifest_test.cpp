#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "evidence/manifest.hpp"
#include "hash/catalog.hpp"
#include "support/golden.hpp"

using namespace pgverify;

namespace {

Manifest sample() {
  Manifest m;
  m.tenant = "demo";
  m.tool_version = "0.1.0";
  m.created = "2026-11-24T10:00:00Z";
  m.source = "127.0.0.1:54017/qrydb";
  m.server_version_num = 170012;
  m.server_version = "17.12 (Debian 17.12-0+deb13u1)";
  m.extensions = {{"plpgsql", "1.0"}, {"vector", "0.8.0"}};
  return m;
}

std::string manifest_error(std::string_view text, const std::string& tenant = "demo") {
  try {
    parse_manifest(text, "m.json", tenant);
  } catch (const ManifestError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a manifest round-trips", "[manifest]") {
  Manifest back = parse_manifest(to_json(sample()), "m.json", "demo");
  CHECK(back.tenant == "demo");
  CHECK(back.server_version_num == 170012);
  CHECK(back.server_version == "17.12 (Debian 17.12-0+deb13u1)");
  REQUIRE(back.extension("vector"));
  CHECK(back.extension("vector")->version == "0.8.0");
  CHECK(back.extension("postgis") == nullptr);
  CHECK(back.secret_fingerprint.empty());
  CHECK(to_json(sample()).find("secret_fingerprint") == std::string::npos);

  Manifest with_secret = sample();
  with_secret.secret_fingerprint = "pbkdf2-sha256$100000$c2FsdA==$aGFzaA==";
  CHECK(parse_manifest(to_json(with_secret), "m.json", "demo").secret_fingerprint == with_secret.secret_fingerprint);
}

TEST_CASE("a manifest that cannot be used is a clear error", "[manifest]") {
  std::string text = to_json(sample());
  SECTION("truncated at any point") {
    for (std::size_t cut = 0; cut + 2 < text.size(); cut += 7) {
      INFO(cut);
      CHECK_FALSE(manifest_error(text.substr(0, cut)).empty());
    }
    CHECK(manifest_error(text.substr(0, text.size() / 2)).rfind("m.json: not a readable manifest, truncated or corrupt", 0) == 0);
  }
  SECTION("another tenant's") {
    CHECK(manifest_error(text, "other") == "m.json: manifest is for tenant 'demo', not 'other'");
  }
  SECTION("unknown format version") {
    std::string future = text;
    future.replace(future.find("\"format_version\": 3"), 19, "\"format_version\": 7");
    CHECK(manifest_error(future) == "m.json: unknown manifest format version 7 (this pgverify reads versions 1 to 3)");
  }
  SECTION("not a manifest at all") {
    CHECK(manifest_error(R"({"tables":[]})") == "m.json: not a pgverify manifest");
    CHECK(manifest_error("[1,2]") == "m.json: not a pgverify manifest");
  }
  SECTION("a field of the wrong type") {
    std::string wrong = text;
    wrong.replace(wrong.find("\"server_version_num\": 170012"), 28, "\"server_version_num\": \"x\"");
    CHECK(manifest_error(wrong) ==
          "m.json: malformed manifest (field 'source.server_version_num' must be an integer from 0 to 2147483647)");
  }
}

TEST_CASE("a format 2 manifest keeps column types, materialized view state, sequence direction and large objects",
          "[manifest]") {
  Manifest m = sample();
  TableRecord table;
  table.name = "public.child";
  table.kind = "table";
  table.mode = "binary";
  table.columns = {"id", "acl::text", "\"Odd::text\""};
  table.column_types = {"integer", "aclitem", "text"};
  table.hash = std::string(32, '0');
  table.placed_by = "public.orders";
  m.tables.push_back(table);
  TableRecord view = table;
  view.placed_by.clear();
  view.name = "public.mv";
  view.kind = "matview";
  view.populated = false;
  m.tables.push_back(view);
  m.sequences.push_back({"public.down", -42, -1, true});
  m.large_objects_recorded = true;
  hash::LargeObjectDigest object;
  object.oid = 4294967295u;
  object.owner = "pgv_owner";
  object.size = 3u << 20;
  object.hash = (static_cast<hash::uint128>(0x0123456789abcdefull) << 64) | 0xfedcba9876543210ull;
  object.acl = "pgv_reader SELECT granted by pgv_owner";
  m.large_objects.push_back(object);

  Manifest back = parse_manifest(to_json(m), "m.json", "demo");
  REQUIRE(back.tables.size() == 2);
  CHECK(back.tables[0].column_types == table.column_types);
  CHECK(back.tables[0].populated);
  CHECK_FALSE(back.tables[1].populated);
  CHECK(back.tables[0].placed_by == "public.orders");
  CHECK(back.tables[1].placed_by.empty());
  REQUIRE(back.sequences.size() == 1);
  CHECK(back.sequences[0].increment == -1);
  CHECK(back.sequences[0].cycle);
  CHECK(back.large_objects_recorded);
  REQUIRE(back.large_objects.size() == 1);
  CHECK(back.large_objects[0] == object);

  // The recorded select list reads back as a plan: "::text" marks a cast,
  // and a quoted name that itself ends in ::text stays a name.
  const auto plan = hash::plan_from_select_list(back.tables[0].columns, back.tables[0].column_types);
  REQUIRE(plan.size() == 3);
  CHECK((plan[0].ident == "id" && !plan[0].as_text));
  CHECK((plan[1].ident == "acl" && plan[1].as_text && plan[1].type == "aclitem"));
  CHECK((plan[2].ident == "\"Odd::text\"" && !plan[2].as_text));

  SECTION("a format 1 manifest reads with what it did not record left at its defaults") {
    std::string old = to_json(sample());
    old.replace(old.find("\"format_version\": 3"), 19, "\"format_version\": 1");
    const auto at = old.find(",\n  \"large_objects\": []");
    REQUIRE(at != std::string::npos);
    old.erase(at, std::string(",\n  \"large_objects\": []").size());
    Manifest v1 = parse_manifest(old, "m.json", "demo");
    CHECK_FALSE(v1.large_objects_recorded);
  }
  SECTION("column types that do not match the columns, a zero increment, a bad large object are errors") {
    std::string text = to_json(m);
    std::string types = text;
    types.replace(types.find("\"aclitem\","), 10, "");
    CHECK_THAT(manifest_error(types), Catch::Contains("has 3 columns but 2 column types"));
    std::string zero = text;
    zero.replace(zero.find("\"increment\": -1"), 15, "\"increment\": 0");
    CHECK(manifest_error(zero) == "m.json: sequence public.down has increment 0");
    std::string oid = text;
    oid.replace(oid.find("\"oid\": 4294967295"), 17, "\"oid\": 4294967296");
    CHECK(manifest_error(oid) == "m.json: a large object has OID 4294967296");
  }
}

TEST_CASE("manifests are written atomically and read back; a missing one says what to run", "[manifest]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("pgverify-manifest-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  write_manifest(sample(), dir / "out" / "manifest.json");
  CHECK_FALSE(fs::exists(dir / "out" / "manifest.json.tmp"));
  CHECK(read_manifest(dir / "out" / "manifest.json", "demo").tenant == "demo");
  CHECK_THROWS_WITH(read_manifest(dir / "nope.json", "demo"),
                    (dir / "nope.json").string() +
                        ": baseline manifest not found (run 'pgverify pre --tenant demo' first, or pass --baseline)");
  fs::remove_all(dir);
}

TEST_CASE("a format 3 manifest records pre's result and the dump it checked; older ones read without them",
          "[manifest]") {
  Manifest m = sample();
  m.pre = PreRecord{"fail", {{"dump.readable", "fail"}, {"version.psql", "pass"}}};
  m.dump = dump::DumpIdentity{"/backups/q.dump", 4096, std::string(64, 'f')};
  const std::string text = to_json(m);
  CHECK_THAT(text, Catch::Contains("\"format_version\": 3"));
  Manifest back = parse_manifest(text, "m.json", "demo");
  REQUIRE(back.pre);
  CHECK(back.pre->status == "fail");
  CHECK(back.pre->checks == m.pre->checks);
  REQUIRE(back.dump);
  CHECK(back.dump->path == "/backups/q.dump");
  CHECK(back.dump->size == 4096);
  CHECK(back.dump->sha256 == std::string(64, 'f'));

  Manifest bare = parse_manifest(to_json(sample()), "m.json", "demo");
  CHECK_FALSE(bare.pre);
  CHECK_FALSE(bare.dump);
  std::string odd = text;
  odd.replace(odd.find("\"status\": \"fail\""), 16, "\"status\": \"meh\"");
  CHECK_THAT(manifest_error(odd), Catch::Contains("pre has unknown status 'meh'"));
}

// Every field a manifest can hold, strings that need escaping (quotes, a
// backslash, controls, non-ASCII), the widest integers each field takes, and
// empty lists next to full ones.
Manifest full_manifest() {
  Manifest m = sample();
  m.tenant = "demo \"q\" \\ ü";
  m.settings = {{"TimeZone", "Europe/Zürich"}, {"bytea_output", "hex"}, {"client_encoding", "UTF8"},
                {"extra_float_digits", "3"}, {"DateStyle", "ISO"}, {"IntervalStyle", "postgres"}};
  TableRecord table;
  table.name = "public.\"Odd \"\"name\"\"\"";
  table.kind = "table";
  table.mode = "binary";
  table.columns = {"id", "acl::text", "\"back\\slash\"", "\"tab\tnl\ncr\rbs\bff\fone\x01us\x1f" "del\x7f\""};
  table.column_types = {"integer", "aclitem", "text", "text"};
  table.rows = 9223372036854775807ull;
  table.hash = "0123456789abcdef0123456789abcdef";
  m.tables.push_back(table);
  TableRecord part = table;
  part.name = "public.café_表_1";
  part.kind = "partition";
  part.parent = "public.café_表";
  part.placed_by = "public.café_表";
  part.rows = 0;
  part.columns = {};
  part.column_types = {};
  m.tables.push_back(part);
  TableRecord view = table;
  view.name = "public.mv 🚀";
  view.kind = "matview";
  view.populated = false;
  view.rows = 0;
  m.tables.push_back(view);
  m.sequences.push_back({"public.up", 9223372036854775807ll, 1, false});
  m.sequences.push_back({"public.down", -9223372036854775807ll - 1, -9223372036854775807ll - 1, true});
  m.sequences.push_back({"public.unused", std::nullopt, 5, false});
  m.large_objects_recorded = true;
  hash::LargeObjectDigest object;
  object.oid = 4294967295u;
  object.owner = "pgv_owner";
  object.size = 9223372036854775807ull;
  object.hash = (static_cast<hash::uint128>(0x0123456789abcdefull) << 64) | 0xfedcba9876543210ull;
  object.acl = "pgv_reader=r/pgv_owner";
  m.large_objects.push_back(object);
  object.oid = 1;
  object.owner = "";
  object.size = 0;
  object.acl.clear();
  m.large_objects.push_back(object);
  m.secret_fingerprint = "pbkdf2-sha256$100000$c2FsdA==$aGFzaA==";
  m.pre = PreRecord{"fail", {{"dump.readable", "fail"}, {"version.psql", "pass"}}};
  m.dump = dump::DumpIdentity{"/backups/q \"1\".dump", 9223372036854775807ull, std::string(64, 'f')};
  m.schema = {{"table", "public.\"Odd \"\"name\"\"\"", "owner postgres"},
              {"function", "public.f(integer)", "body md5=9e83\nline two\tand a tab"},
              {"comment", "public.café_表", ""}};
  return m;
}

TEST_CASE("the manifest's bytes match its golden files", "[manifest][golden]") {
  // pre writes the baseline and post (maybe a later pgverify) reads it: its
  // bytes are a contract, and so is each value read back.
  const std::string full = to_json(full_manifest());
  testing::check_golden("manifest/manifest.json", full);
  testing::check_golden("manifest/manifest-bare.json", to_json(sample()));
  Manifest back = parse_manifest(full, "m.json", "demo \"q\" \\ ü");
  CHECK(to_json(back) == full);
}

namespace {

// sample() with one text-mode table of that name and row count.
Manifest with_table(const std::string& name, std::uint64_t rows) {
  Manifest m = sample();
  TableRecord table;
  table.name = name;
  table.kind = "table";
  table.mode = "text";
  table.hash = std::string(32, 'a');
  table.rows = rows;
  m.tables.push_back(table);
  return m;
}

}  // namespace

TEST_CASE("a manifest's numbers keep all 64 bits; one out of range is an error naming the field", "[manifest]") {
  // The old writer wrote 18446744073709551615 as -1, then refused it as negative.
  Manifest m = with_table("public.t", 18446744073709551615ull);
  m.dump = dump::DumpIdentity{"/d", 9223372036854775808ull, std::string(64, 'f')};
  const std::string text = to_json(m);
  CHECK_THAT(text, Catch::Contains("\"rows\": 18446744073709551615"));
  const Manifest back = parse_manifest(text, "m.json", "demo");
  CHECK(back.tables.at(0).rows == 18446744073709551615ull);
  CHECK(back.dump->size == 9223372036854775808ull);

  auto with_rows = [&](const std::string& rows) {
    std::string changed = text;
    changed.replace(changed.find("18446744073709551615"), 20, rows);
    return manifest_error(changed);
  };
  // Beyond 64 bits (read as a double), a fraction, an exponent: not a row count.
  const std::string must = "m.json: malformed manifest (field 'tables[0].rows' must be an integer from 0 to "
                           "18446744073709551615)";
  CHECK(with_rows("18446744073709551616") == must);
  CHECK(with_rows("1.0") == must);
  CHECK(with_rows("1e3") == must);
  CHECK(with_rows("\"5\"") == must);
  CHECK(with_rows("-1") == "m.json: table public.t has a negative row count");
  // The old reader took these as 1 and as null.
  CHECK_THAT(with_rows("01"), Catch::StartsWith("m.json: not a readable manifest, truncated or corrupt (syntax error"));
  CHECK(with_rows("1e400").rfind("m.json: not a readable manifest, truncated or corrupt (number overflow parsing '1e400' "
                                 "at offset ",
                                 0) == 0);

  std::string sequence = to_json(full_manifest());
  sequence.replace(sequence.find("\"last_value\": 9223372036854775807"), 33, "\"last_value\": 9223372036854775808");
  CHECK(manifest_error(sequence, "demo \"q\" \\ ü") ==
        "m.json: malformed manifest (field 'sequences[0].last_value' must be an integer from -9223372036854775808 to "
        "9223372036854775807)");
}

TEST_CASE("a manifest must be UTF-8 JSON with each field once", "[manifest]") {
  const std::string text = to_json(sample());
  SECTION("a member twice is corrupt, not a choice of one") {
    std::string twice = text;
    twice.replace(twice.find("\"tenant\": \"demo\""), 16, "\"tenant\": \"demo\", \"tenant\": \"other\"");
    CHECK_THAT(manifest_error(twice), Catch::StartsWith("m.json: not a readable manifest, truncated or corrupt "
                                                        "(duplicate key \"tenant\" in a JSON object at offset "));
  }
  SECTION("bytes that are not UTF-8 are corrupt") {
    std::string latin1 = text;
    latin1.replace(latin1.find("qrydb"), 5, "q\xfc");
    CHECK_THAT(manifest_error(latin1), Catch::Contains("ill-formed UTF-8 byte at offset"));
  }
  SECTION("nesting as deep as the reader allows is a clear error") {
    std::string deep = text;
    deep.replace(deep.find("\"tables\": []"), 12, "\"tables\": " + std::string(100000, '[') + std::string(100000, ']'));
    CHECK_THAT(manifest_error(deep), Catch::Contains("JSON nested too deeply"));
  }
  SECTION("a name that is not UTF-8 is not written as another name") {
    // JSON holds UTF-8 only: writing U+FFFD would record a table post cannot find.
    const Manifest m = with_table("public.b\xfcro", 0);
    try {
      to_json(m);
      FAIL("a manifest with a name that is not UTF-8 was written");
    } catch (const ManifestError& error) {
      CHECK(std::string(error.what()) ==
            "tables[0].table 'public.b\\xfcro' is not UTF-8: a manifest is JSON, which holds UTF-8 only");
    }
  }
}

TEST_CASE("a manifest with many entries round-trips", "[manifest]") {
  // The old writer handed out references that the next member could move.
  Manifest m = full_manifest();
  for (int i = 0; i < 3000; ++i) {
    TableRecord table = m.tables.front();
    table.name = "public.t" + std::to_string(i);
    m.tables.push_back(table);
    m.sequences.push_back({"public.s" + std::to_string(i), i, 1, false});
    m.schema.push_back({"table", table.name, "owner postgres"});
  }
  const std::string text = to_json(m);
  const Manifest back = parse_manifest(text, "m.json", m.tenant);
  CHECK(back.tables.size() == m.tables.size());
  CHECK(back.tables.back().name == "public.t2999");
  CHECK(back.sequences.back().last_value == 2999);
  CHECK(to_json(back) == text);
}
