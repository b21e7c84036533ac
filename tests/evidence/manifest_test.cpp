#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "evidence/manifest.hpp"
#include "hash/catalog.hpp"

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
    CHECK(manifest_error(wrong) == "m.json: malformed manifest (expected a JSON integer)");
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
