// secrets.fernet and secrets.fingerprint as a user runs them: tokens made by
// Python's cryptography (the application's library) stored in a real PG18
// database, pgverify pre and post through the binary, and not one report,
// log line or manifest holding the secret, a derived key or a decrypted value.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "secrets/key_derivation.hpp"
#include "support/servers.hpp"

using namespace pgverify;
using testing::real_server;

namespace {

constexpr const char* kSecret = "qry-jwt-secret-4d1f0c8e";
constexpr const char* kPlaintextMarker = "sk-live-credential";

// N tokens of "sk-live-credential-I" under the sqlalchemy-utils key of `secret`, one per line.
std::vector<std::string> python_tokens(const std::string& secret, int count) {
  const std::string script =
      "import base64, hashlib, sys\n"
      "from cryptography.fernet import Fernet\n"
      "f = Fernet(base64.urlsafe_b64encode(hashlib.sha256(sys.argv[1].encode()).digest()))\n"
      "for i in range(int(sys.argv[2])):\n"
      "    print(f.encrypt(('" + std::string(kPlaintextMarker) + "-%d' % i).encode()).decode())\n";
  auto made = testing::run_ok({"/usr/bin/python3", "-c", script, secret, std::to_string(count)});
  std::vector<std::string> tokens;
  for (std::size_t start = 0, end; (end = made.out.find('\n', start)) != std::string::npos; start = end + 1)
    tokens.push_back(made.out.substr(start, end - start));
  REQUIRE(tokens.size() == static_cast<std::size_t>(count));
  return tokens;
}

struct SecretEnv {
  explicit SecretEnv(const std::string& value) { ::setenv("PGV_E2E_JWT_SECRET_KEY", value.c_str(), 1); }
  ~SecretEnv() { ::unsetenv("PGV_E2E_JWT_SECRET_KEY"); }
};

}  // namespace

TEST_CASE("Fernet credentials decrypt after the upgrade, and a changed secret is caught, never shown", "[server][secrets]") {
  testing::ScratchDatabase source(real_server(17), "pgv_sec_src");
  testing::ScratchDatabase target(real_server(18), "pgv_sec_dst");
  testing::TempDir dir("secrets");
  std::string values;
  for (const auto& token : python_tokens(kSecret, 20)) values += std::string(values.empty() ? "" : ",") + "('" + token + "')";
  for (const auto* db : {&source, &target})
    db->exec("CREATE TABLE integrations (id serial, credentials text); INSERT INTO integrations (credentials) VALUES " +
             values + "; INSERT INTO integrations (credentials) VALUES (NULL)");

  const auto config = dir.path() / "pgverify.toml";
  std::ofstream(config) << "[tenants.demo]\nsource_dsn = \"" << source.dsn() << "\"\ntarget_dsn = \"" << target.dsn()
                        << "\"\n[tenants.demo.fernet]\nsecret_env = \"PGV_E2E_JWT_SECRET_KEY\"\n"
                        << "query = \"SELECT credentials FROM integrations ORDER BY id\"\nsample = 100\n";
  const auto out = dir.path() / "out";
  auto run = [&](const std::string& phase, const std::string& only) {
    auto result = testing::run_pgverify({"--config", config.string(), phase, "--tenant", "demo", "--out", out.string(),
                                         "--only", only, "--report", "console", "--report",
                                         "json:" + (out / (phase + ".json")).string(), "--report",
                                         "junit:" + (out / (phase + ".xml")).string(), "--report",
                                         "markdown:" + (out / (phase + ".md")).string()});
    // Nothing pgverify wrote may hold the secret, its derived key or a decrypted value.
    std::string everything = result.out + result.err;
    for (const char* file : {"manifest.json", "pre.json", "pre.xml", "pre.md", "post.json", "post.xml", "post.md"})
      everything += testing::read_file(out / file);
    for (const std::string& secret : {std::string(kSecret), std::string("regenerated-secret-99"),
                                      secrets::sha256_key(kSecret).to_base64(), std::string(kPlaintextMarker)})
      CHECK(everything.find(secret) == std::string::npos);
    return result;
  };

  {
    SecretEnv env(kSecret);
    auto pre = run("pre", "secrets.fingerprint");
    INFO(pre.out << pre.err);
    REQUIRE(pre.exit_code == 0);
    CHECK_THAT(testing::read_file(out / "manifest.json"), Catch::Contains("\"secret_fingerprint\": \"pbkdf2-sha256$100000$"));

    auto post = run("post", "secrets.fernet,secrets.fingerprint");
    INFO(post.out << post.err);
    CHECK(post.exit_code == 0);
    CHECK_THAT(post.out, Catch::Contains("PASS   secrets.fernet") &&
                             Catch::Contains("20 of 20 sampled tokens decrypt (sha256 key of secret 1"));
    CHECK_THAT(post.out, Catch::Contains("PASS   secrets.fingerprint"));
  }
  {
    // The runbook's gotcha: the new deployment generated its own secret.
    SecretEnv env("regenerated-secret-99");
    auto post = run("post", "secrets.fernet,secrets.fingerprint");
    INFO(post.out << post.err);
    CHECK(post.exit_code == 1);
    CHECK_THAT(post.out, Catch::Contains("FAIL   secrets.fingerprint") && Catch::Contains("FAIL   secrets.fernet"));
    CHECK_THAT(post.out, Catch::Contains("no token was tried"));
  }
  {
    // Some credentials written under another key: counted, with the runbook's hint.
    SecretEnv env(kSecret);
    std::string other;
    for (const auto& token : python_tokens("some-other-cluster", 3)) other += std::string(other.empty() ? "" : ",") + "('" + token + "')";
    target.exec("INSERT INTO integrations (credentials) VALUES " + other);
    auto post = run("post", "secrets.fernet");
    INFO(post.out << post.err);
    CHECK(post.exit_code == 1);
    CHECK_THAT(post.out, Catch::Contains("20 of 23 sampled tokens decrypt") && Catch::Contains("3 fail"));
    CHECK_THAT(testing::read_file(out / "post.json"), Catch::Contains("3 bad_hmac") && Catch::Contains("original cluster"));
  }
}
