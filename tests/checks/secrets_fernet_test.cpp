#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>

#include "checks/checks.hpp"
#include "secrets/fernet.hpp"
#include "secrets/fingerprint.hpp"
#include "secrets/key_derivation.hpp"
#include "support/check_fixture.hpp"
#include "support/servers.hpp"

using namespace pgverify;

namespace {

constexpr const char* kSecret = "jwt-secret-for-unit-tests";

std::string token(const secrets::FernetKey& key, const std::string& plaintext) {
  secrets::FernetIv iv{};
  iv[0] = static_cast<unsigned char>(plaintext.size());
  return secrets::encrypt(key, plaintext, iv, 1'700'000'000);
}

struct FernetFixture : testing::CheckFixture {
  FernetFixture() {
    tenant.fernet.secret_env = "PGV_UNIT_FERNET_SECRET";
    tenant.fernet.query = "SELECT credentials FROM integrations";
    tenant.fernet.sample = 50;
    ::setenv("PGV_UNIT_FERNET_SECRET", kSecret, 1);
  }
  ~FernetFixture() { ::unsetenv("PGV_UNIT_FERNET_SECRET"); }
  void serve(std::vector<std::vector<pg::Cell>> values) {
    pg::QueryResult result = testing::rows(std::move(values));
    result.columns = {"credentials"};
    target->answer("AS pgverify_tokens LIMIT 50", std::move(result));
  }
};

}  // namespace

TEST_CASE("secrets.fernet passes when every sampled token decrypts, saying with which key", "[checks][secrets.fernet]") {
  FernetFixture f;
  const auto key = secrets::sha256_key(kSecret);
  f.serve({{token(key, "api-key-1")}, {std::nullopt}, {token(key, "api-key-2")}});
  auto result = f.run(checks::SecretsFernet(), Phase::post);
  CHECK(result.status == Status::pass);
  CHECK(result.summary ==
        "2 of 2 sampled tokens decrypt (sha256 key of secret 1, from environment variable PGV_UNIT_FERNET_SECRET)");
}

TEST_CASE("secrets.fernet counts failures by kind and never shows a token or a value", "[checks][secrets.fernet]") {
  FernetFixture f;
  const auto key = secrets::sha256_key(kSecret);
  const auto other = secrets::sha256_key("another secret");
  std::string tampered = token(key, "api-key-3");
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  f.serve({{token(key, "api-key-1")}, {token(other, "api-key-2")}, {tampered}, {"not a token"}});
  auto result = f.run(checks::SecretsFernet(), Phase::post);
  CHECK(result.status == Status::fail);
  CHECK_THAT(result.summary, Catch::StartsWith("1 of 4 sampled tokens decrypt") && Catch::EndsWith("; 3 fail"));
  std::string all = result.summary;
  for (const auto& finding : result.findings) all += finding.object + finding.expected + finding.actual + finding.message + finding.hint;
  CHECK_THAT(all, Catch::Contains("2 bad_hmac") && Catch::Contains("1 invalid_base64"));
  CHECK_THAT(all, Catch::Contains("match the original cluster"));
  for (const std::string& secret : {std::string(kSecret), std::string("api-key"), key.to_base64(), tampered})
    CHECK(all.find(secret) == std::string::npos);
}

TEST_CASE("secrets.fernet reads tokens from bytea and tries rotated secrets in order", "[checks][secrets.fernet]") {
  FernetFixture f;
  testing::TempDir dir("fernet");
  std::ofstream(dir.path() / "jwt") << "the-new-secret\n" << kSecret << "\n";
  f.tenant.fernet.secret_env.clear();
  f.tenant.fernet.secret_file = dir.path() / "jwt";
  const std::string old_token = token(secrets::sha256_key(kSecret), "api-key-1");
  std::string hex = "\\x";
  for (unsigned char c : old_token) {
    const char* digits = "0123456789abcdef";
    hex += digits[c >> 4];
    hex += digits[c & 15];
  }
  f.serve({{hex}, {token(secrets::sha256_key("the-new-secret"), "api-key-2")}});
  auto result = f.run(checks::SecretsFernet(), Phase::post);
  CHECK(result.status == Status::pass);
  CHECK_THAT(result.summary, Catch::Contains("sha256 key of secret 1 for 1, sha256 key of secret 2 for 1"));
}

TEST_CASE("secrets.fernet stops before any token when the secret is not the one pre saw", "[checks][secrets.fernet]") {
  FernetFixture f;
  f.baseline = Manifest{};
  f.baseline->secret_fingerprint = secrets::fingerprint("the original secret");
  auto result = f.run(checks::SecretsFernet(), Phase::post);
  CHECK(result.status == Status::fail);
  CHECK_THAT(result.summary, Catch::EndsWith("is not the one pre saw; no token was tried"));
  CHECK(f.connector.connections == 0);
}

TEST_CASE("secrets.fernet is skipped without a secret or a query, and warns on no rows", "[checks][secrets.fernet]") {
  FernetFixture f;
  f.tenant.fernet.query.clear();
  CHECK(f.run(checks::SecretsFernet(), Phase::post).status == Status::skip);
  f.tenant.fernet.query = "SELECT credentials FROM integrations";
  f.serve({});
  CHECK(f.run(checks::SecretsFernet(), Phase::post).status == Status::warn);
  f.tenant.fernet.secret_env.clear();
  CHECK(f.run(checks::SecretsFernet(), Phase::post).status == Status::skip);
}

TEST_CASE("secrets.fernet applies a configured TTL as the application would", "[checks][secrets.fernet]") {
  FernetFixture f;
  const auto key = secrets::sha256_key(kSecret);
  secrets::FernetIv iv{};
  const auto now = static_cast<std::uint64_t>(std::time(nullptr));
  f.serve({{secrets::encrypt(key, "fresh", iv, now - 10)}, {secrets::encrypt(key, "stale", iv, now - 7200)}});
  CHECK(f.run(checks::SecretsFernet(), Phase::post).status == Status::pass);
  f.tenant.fernet.ttl_seconds = 3600;
  auto result = f.run(checks::SecretsFernet(), Phase::post);
  CHECK(result.status == Status::fail);
  CHECK(result.findings.at(0).actual == "1 expired");
}

TEST_CASE("secrets.fernet says values that are no Fernet tokens come from the query, not the secret", "[checks][secrets.fernet]") {
  FernetFixture f;
  // What a query on the wrong column reads: ids, names, JSON.
  f.serve({{"42"}, {"{\"api_key\": \"plain\"}"}, {"gAAAAA"}, {std::string(120, 'A')}});
  auto result = f.run(checks::SecretsFernet(), Phase::post);
  CHECK(result.status == Status::fail);
  CHECK(result.summary ==
        "none of the 4 sampled values is a Fernet token: does tenants.demo.fernet.query select the encrypted column?");
  REQUIRE_FALSE(result.findings.empty());
  for (const auto& finding : result.findings) {
    INFO(finding.actual);
    CHECK_THAT(finding.hint, Catch::StartsWith("These values are not Fernet tokens") &&
                                 Catch::Contains("tenants.demo.fernet.query selects the column"));
    CHECK_THAT(finding.hint, !Catch::Contains("Fix the secret"));
  }
}

TEST_CASE("secrets.fernet blames the secret only for tokens no key verifies", "[checks][secrets.fernet]") {
  FernetFixture f;
  const auto key = secrets::sha256_key(kSecret);
  secrets::FernetIv iv{};
  const auto now = static_cast<std::uint64_t>(std::time(nullptr));
  f.tenant.fernet.ttl_seconds = 60;
  f.serve({{secrets::encrypt(key, "stale", iv, now - 7200)}, {token(secrets::sha256_key("other"), "x")}, {"not a token"}});
  auto result = f.run(checks::SecretsFernet(), Phase::post);
  CHECK(result.status == Status::fail);
  CHECK_THAT(result.summary, Catch::StartsWith("0 of 3 sampled tokens decrypt"));
  std::map<std::string, std::string> hints;
  for (const auto& finding : result.findings) hints[finding.actual] = finding.hint;
  CHECK_THAT(hints.at("1 bad_hmac"), Catch::StartsWith("Fix the secret"));
  CHECK_THAT(hints.at("1 expired"), Catch::StartsWith("The secret is right") && Catch::Contains("ttl"));
  CHECK_THAT(hints.at("1 invalid_base64"), Catch::StartsWith("These values are not Fernet tokens"));
}

TEST_CASE("secrets.fernet counts secrets from 1 when a raw key is not one", "[checks][secrets.fernet]") {
  FernetFixture f;
  f.tenant.fernet.key_derivation = "raw";
  f.serve({{"x"}});
  try {
    f.run(checks::SecretsFernet(), Phase::post);
    FAIL("no error");
  } catch (const std::exception& error) {
    CHECK_THAT(std::string(error.what()), Catch::Contains("fernet secret 1 is not a fernet key") &&
                                             Catch::Contains("environment variable PGV_UNIT_FERNET_SECRET"));
    CHECK(std::string(error.what()).find(kSecret) == std::string::npos);
  }
}
