// Not one password, URL token, Fernet secret or decrypted value reaches any
// output: every command, every report format, every error path we can reach,
// driven through the real binary with marker secrets, and every byte it wrote
// (standard output, standard error, every report, the manifest) searched.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "evidence/manifest.hpp"
#include "secrets/fernet.hpp"
#include "secrets/key_derivation.hpp"
#include "support/http_server.hpp"
#include "support/runbook.hpp"
#include "support/servers.hpp"

using namespace pgverify;
namespace fs = std::filesystem;

namespace {

// Each marker is a whole secret or the whole part of one a mask must hide.
constexpr const char* kPassword = "Pw0rdMARKER";
constexpr const char* kToken = "TokMARKER";
constexpr const char* kSecret = "SecMARKER-jwt";
constexpr const char* kPlaintext = "PlainMARKER";

const std::vector<std::string>& markers() {
  static const std::vector<std::string> all{"MARKER"};
  return all;
}

// Everything one scenario produced: its outputs and every file under `out`.
struct Leaks {
  std::vector<std::string> places;
  void scan(const std::string& where, const std::string& text) {
    for (const auto& marker : markers())
      if (const auto at = text.find(marker); at != std::string::npos)
        places.push_back(where + ": ..." + text.substr(at < 200 ? 0 : at - 200, 400) + "...");
  }
  void scan_tree(const fs::path& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) return;
    for (const auto& entry : fs::recursive_directory_iterator(dir, ec))
      if (entry.is_regular_file(ec)) scan(entry.path().string(), testing::read_file(entry.path()));
  }
};

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

struct SecretEnv {
  explicit SecretEnv(const std::string& value) { ::setenv("PGV_TEST_JWT_SECRET", value.c_str(), 1); }
  ~SecretEnv() { ::unsetenv("PGV_TEST_JWT_SECRET"); }
};

// Runs pgverify with `args` plus, for pre and post, every report format to a
// file and the console on standard output (and once with JSON on standard
// output instead), and records where a marker showed up.
void drive(Leaks& leaks, const std::string& label, std::vector<std::string> args, const fs::path& out,
           bool with_reports) {
  std::vector<std::vector<std::string>> variants{args};
  if (with_reports) {
    variants.clear();
    auto files = args;
    for (const char* format : {"json", "junit", "markdown"})
      files.insert(files.end(), {"--report", std::string(format) + ":" + (out / (std::string("r.") + format)).string()});
    variants.push_back(files);
    auto json_out = args;
    json_out.insert(json_out.end(), {"--report", "json"});
    variants.push_back(json_out);
    auto markdown_out = args;
    markdown_out.insert(markdown_out.end(), {"--report", "markdown", "--report", "junit:" + (out / "r2.xml").string()});
    variants.push_back(markdown_out);
  }
  for (const auto& variant : variants) {
    const auto result = testing::run_pgverify(variant);
    CHECK_FALSE(result.timed_out);
    std::string command;
    for (const auto& a : variant) command += a + " ";
    leaks.scan(label + " stdout of " + command, result.out);
    leaks.scan(label + " stderr of " + command, result.err);
  }
  leaks.scan_tree(out);
}

}  // namespace

TEST_CASE("no marker secret reaches any output of any command, report or error path", "[cli][secrets]") {
  testing::TempDir dir("marker");
  const SecretEnv env(kSecret);
  const fs::path secret_file = dir.path() / "jwt.secret";
  write(secret_file, std::string(kSecret) + "\nOld" + kSecret + "\n");
  const int down = testing::unused_port();
  const std::string port = std::to_string(down);

  // Connection strings with the password everywhere a user may put it, usable or not.
  const std::vector<std::string> dsns{
      "host=127.0.0.1 port=" + port + " dbname=x user=u password=" + kPassword + " connect_timeout=2",
      "host=127.0.0.1 port=" + port + " password='" + std::string(kPassword) + " quoted' connect_timeout=2",
      "postgresql://u:" + std::string(kPassword) + "@127.0.0.1:" + port + "/x?connect_timeout=2",
      "postgresql://u@127.0.0.1:" + port + "/x?password=" + kPassword + "&connect_timeout=2",
      "postgresql://postgres:" + std::string(kPassword) + "%zz@127.0.0.1:" + port + "/x",
      "postgresql://u:" + std::string(kPassword) + "@[::1/x",
      "postgresql://u:" + std::string(kPassword) + "@127.0.0.1:notaport/x",
      "host=127.0.0.1 password=" + std::string(kPassword) + " LEAKY",
      "host=127.0.0.1 password=" + std::string(kPassword) + "LEAKY=",
      "host=127.0.0.1 port=" + port + " password=" + kPassword + " sslmode=bogus",
  };
  const std::vector<std::string> urls{
      "http://user:" + std::string(kToken) + "@127.0.0.1:" + port + "/health/ready?token=" + kToken + "&sig=" +
          kToken + "&access_token=" + kToken,
      "http:///ok?token=" + std::string(kToken),
      "https://127.0.0.1:" + port + "/h#access_token=" + kToken,
      "ftp://u:" + std::string(kToken) + "@127.0.0.1/x",
  };

  Leaks leaks;
  int scenario = 0;
  for (const auto& dsn : dsns) {
    for (const auto& url : {urls[scenario % urls.size()]}) {
      const fs::path base = dir.path() / ("s" + std::to_string(scenario++));
      const fs::path out = base / "out";
      fs::create_directories(out);
      const fs::path config = base / "pgverify.toml";
      write(config, "[tenants.demo]\nsource_dsn = " + testing::toml(dsn) + "\ntarget_dsn = " + testing::toml(dsn) +
                        "\ntarget_major = 18\n[tenants.demo.app]\nhealth_url = " + testing::toml(url) +
                        "\nhealth_deadline = 1\nhealth_connect_timeout = 1\n[tenants.demo.fernet]\n" +
                        (scenario % 2 ? "secret_env = \"PGV_TEST_JWT_SECRET\"\n"
                                      : "secret_file = " + testing::toml(secret_file.string()) + "\n") +
                        "query = \"SELECT credentials FROM integrations\"\n");
      Manifest baseline;
      baseline.tenant = "demo";
      baseline.tool_version = "0.1.0";
      baseline.created = "2026-12-01T00:00:00Z";
      write_manifest(baseline, out / "manifest.json");
      const std::string label = "dsn '" + dsn + "', url '" + url + "'";
      drive(leaks, label, {"--config", config.string(), "pre", "--out", out.string()}, out, true);
      drive(leaks, label, {"--config", config.string(), "post", "--out", out.string()}, out, true);
      drive(leaks, label, {"--config", config.string(), "post", "--out", out.string(), "--only", "app.health"}, out, true);
      drive(leaks, label, {"--config", config.string(), "pre", "--out", out.string(), "--only", "secrets.fingerprint"},
            out, true);
      drive(leaks, label, {"hash", "--dsn", dsn}, out, false);
      drive(leaks, label, {"hash", "--dsn", dsn, "--json"}, out, false);
      drive(leaks, label, {"--config", config.string(), "hash", "--tenant", "demo", "--side", "target"}, out, false);
      write(base / "garbage.dump", "PGDMP garbage");
      drive(leaks, label, {"dump", "verify", (base / "garbage.dump").string(), "--against", dsn}, out, false);
      drive(leaks, label, {"dump", "verify", (base / "missing.dump").string(), "--against", dsn, "--json"}, out, false);
    }
  }
  // Command-line mistakes around a secret-bearing option.
  drive(leaks, "bad option", {"hash", "--dsn", std::string("password=") + kPassword, "--mode", "bogus"}, dir.path() / "none",
        false);
  drive(leaks, "bad jobs", {"hash", "--dsn", std::string("password=") + kPassword, "--jobs", "0"}, dir.path() / "none",
        false);
  for (const auto& place : leaks.places) FAIL_CHECK("a marker secret leaked into " << place);
  CHECK(leaks.places.empty());
}

TEST_CASE("no marker secret reaches any output of a real pre and post, passing or failing", "[server][secrets]") {
  // A PG17 source and PG18 target reached with a password in their DSNs (the
  // test servers trust loopback, so it is sent and ignored), credentials
  // encrypted under the marker secret, a health URL with a token that answers
  // 503 with a body echoing the token.
  testing::Runbook runbook(17, "marker",
                           "CREATE TABLE integrations (id serial PRIMARY KEY, credentials text);"
                           "CREATE TABLE notes (id int, body text); INSERT INTO notes VALUES (1, 'n');");
  const secrets::FernetKey key = secrets::sha256_key(kSecret);
  secrets::FernetIv iv{};
  std::string values;
  for (int i = 0; i < 5; ++i) {
    iv[0] = static_cast<unsigned char>(i + 1);
    values += std::string(values.empty() ? "" : ",") + "('" +
              secrets::encrypt(key, std::string(kPlaintext) + "-" + std::to_string(i), iv, 1767225600) + "')";
  }
  runbook.source().exec("INSERT INTO integrations (credentials) VALUES " + values);
  const auto dump = runbook.dump();
  REQUIRE(runbook.restore() == 0);

  testing::HttpServer health({503, std::string("not ready; token=") + kToken, {}, 0, ""});
  const std::string url = health.url("/health/ready?token=" + std::string(kToken));
  const fs::path out = runbook.dir() / "marker-out";
  Leaks leaks;
  for (const auto* secret : {kSecret, "SecMARKER-wrong"}) {
    const SecretEnv env(secret);
    const fs::path config = runbook.dir() / "marker.toml";
    write(config, "[tenants.demo]\nsource_dsn = " + testing::toml(runbook.source().dsn() + " password=" + kPassword) +
                      "\ntarget_dsn = " +
                      testing::toml(runbook.target().dsn() + " password=" + kPassword) + "\ntarget_major = 18\ndump_path = " +
                      testing::toml(dump.string()) + "\n[tenants.demo.clients]\npg_dump = " +
                      testing::toml(runbook.source_server().tool("pg_dump")) + "\npg_restore = " +
                      testing::toml(runbook.target_server().tool("pg_restore")) + "\npsql = " +
                      testing::toml(runbook.target_server().tool("psql")) + "\n[tenants.demo.app]\nhealth_url = " +
                      testing::toml(url) + "\nhealth_deadline = 1\n[tenants.demo.fernet]\nsecret_env = \"PGV_TEST_JWT_SECRET\"\n"
                      "query = \"SELECT credentials FROM integrations\"\nkey_derivation = \"sha256\"\n");
    drive(leaks, std::string("secret ") + secret, {"--config", config.string(), "pre", "--out", out.string()}, out, true);
    drive(leaks, std::string("secret ") + secret, {"--config", config.string(), "post", "--out", out.string()}, out, true);
    drive(leaks, "hash", {"--config", config.string(), "hash", "--tenant", "demo", "--side", "source", "--json"}, out, false);
    drive(leaks, "dump verify", {"dump", "verify", dump.string(), "--against", runbook.source().dsn() + " password=" + kPassword},
          out, false);
  }
  // The runs did what they say (so the scan covered real findings): the wrong secret failed secrets.fernet.
  CHECK_THAT(testing::read_file(out / "r.json"), Catch::Contains("secrets.fernet"));
  for (const auto& place : leaks.places) FAIL_CHECK("a marker secret leaked into " << place);
  CHECK(leaks.places.empty());
}
