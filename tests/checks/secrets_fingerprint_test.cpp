#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "checks/checks.hpp"
#include "secrets/fingerprint.hpp"
#include "support/check_fixture.hpp"
#include "support/servers.hpp"

using namespace pgverify;

TEST_CASE("secrets.fingerprint: post passes for the same secret and fails for another", "[checks][secrets.fingerprint]") {
  testing::CheckFixture f;
  f.tenant.fernet.secret_env = "PGV_UNIT_FP_SECRET";
  ::setenv("PGV_UNIT_FP_SECRET", "correct horse battery staple", 1);
  f.baseline = Manifest{};
  f.baseline->secret_fingerprint = secrets::fingerprint("correct horse battery staple");
  auto same = f.run(checks::SecretsFingerprint(), Phase::post);
  CHECK(same.status == Status::pass);
  CHECK(same.summary == "the secret from environment variable PGV_UNIT_FP_SECRET is the one pre saw");

  ::setenv("PGV_UNIT_FP_SECRET", "a regenerated secret\n", 1);
  auto changed = f.run(checks::SecretsFingerprint(), Phase::post);
  CHECK(changed.status == Status::fail);
  REQUIRE(changed.findings.size() == 1);
  CHECK(changed.findings[0].object == "tenants.demo.fernet.secret_env");
  CHECK_THAT(changed.findings[0].hint, Catch::Contains("match the original cluster"));
  for (const std::string& text : {changed.summary, changed.findings[0].message, changed.findings[0].actual})
    CHECK(text.find("regenerated") == std::string::npos);
  ::unsetenv("PGV_UNIT_FP_SECRET");
}

TEST_CASE("secrets.fingerprint: pre reads the secret and refuses a non-key under raw", "[checks][secrets.fingerprint]") {
  testing::CheckFixture f;
  testing::TempDir dir("fp");
  const auto file = dir.path() / "jwt";
  std::ofstream(file) << "not-a-fernet-key\nolder-secret\n";
  f.tenant.fernet.secret_file = file;
  auto pre = f.run(checks::SecretsFingerprint(), Phase::pre);
  CHECK(pre.status == Status::pass);
  CHECK_THAT(pre.summary, Catch::Contains("(2 secrets) is readable"));
  f.tenant.fernet.key_derivation = "raw";
  auto raw = f.run(checks::SecretsFingerprint(), Phase::pre);
  CHECK(raw.status == Status::fail);
  CHECK(raw.summary.find("not-a-fernet-key") == std::string::npos);
}

TEST_CASE("secrets.fingerprint: skipped without a secret or a recorded fingerprint; errors name the source", "[checks][secrets.fingerprint]") {
  testing::CheckFixture f;
  CHECK(f.run(checks::SecretsFingerprint(), Phase::pre).status == Status::skip);
  f.tenant.fernet.secret_env = "PGV_UNIT_FP_UNSET";
  ::unsetenv("PGV_UNIT_FP_UNSET");
  CHECK_THROWS_WITH(f.run(checks::SecretsFingerprint(), Phase::pre), "environment variable PGV_UNIT_FP_UNSET is not set");
  ::setenv("PGV_UNIT_FP_UNSET", "s", 1);
  f.baseline = Manifest{};
  CHECK(f.run(checks::SecretsFingerprint(), Phase::post).status == Status::skip);
  ::unsetenv("PGV_UNIT_FP_UNSET");
}
