#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "core/manifest.hpp"

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
    future.replace(future.find("\"format_version\": 1"), 19, "\"format_version\": 7");
    CHECK(manifest_error(future) == "m.json: unknown manifest format version 7 (this pgverify reads version 1)");
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
