#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "secrets/fingerprint.hpp"

using namespace pgverify;

namespace {

const std::string secret = "correct horse battery staple";
// sha256(secret) as hex, standard base64 and url-safe base64: none may show up.
const std::string secret_sha256_forms[] = {
    "c4bbcb1fbec99d65bf59d85c8cb62ee2db963f0fe106f483d9afa73bd4e39a8a",
    "xLvLH77JnWW/WdhcjLYu4tuWPw/hBvSD2a+nO9Tjmoo=",
    "xLvLH77JnWW_WdhcjLYu4tuWPw_hBvSD2a-nO9Tjmoo=",
};

}  // namespace

TEST_CASE("fingerprint: PBKDF2-HMAC-SHA256 as Python's hashlib.pbkdf2_hmac computes it", "[secrets]") {
  // hashlib.pbkdf2_hmac('sha256', secret, b'0123456789abcdef', 100000), url-safe base64.
  CHECK(secrets::fingerprint(secret, "0123456789abcdef") ==
        "pbkdf2-sha256$100000$MDEyMzQ1Njc4OWFiY2RlZg==$CQEF03iMraucElCfobodRqkaFY16F3mxFDIvP9WoJcs=");
  CHECK(secrets::fingerprint(secret, "saltsalt", 1000) ==
        "pbkdf2-sha256$1000$c2FsdHNhbHQ=$zzTVNkpdnDsQWZloN_zP8vUU74BCbHD_tDSXS4zXPSs=");
}

TEST_CASE("fingerprint matches its own secret only, and differs on every call", "[secrets]") {
  const auto first = secrets::fingerprint(secret);
  const auto second = secrets::fingerprint(secret);
  CHECK(first != second);  // fresh salt
  CHECK(first.rfind("pbkdf2-sha256$100000$", 0) == 0);
  CHECK(secrets::fingerprint_matches(secret, first));
  CHECK(secrets::fingerprint_matches(secret, second));
  CHECK_FALSE(secrets::fingerprint_matches("correct horse battery stapler", first));
  CHECK_FALSE(secrets::fingerprint_matches("", first));

  auto check = secrets::check_fingerprint("another secret", first);
  CHECK_FALSE(check.matches);
  CHECK(check.problem.empty());  // readable, just not the same secret

  // The stored iteration count is the one used.
  CHECK(secrets::fingerprint_matches(secret, secrets::fingerprint(secret, "saltsalt", 1000)));
}

TEST_CASE("fingerprint shows neither the secret nor its sha256", "[secrets]") {
  const auto stored = secrets::fingerprint(secret);
  CHECK(stored.find(secret) == std::string::npos);
  for (const auto& form : secret_sha256_forms) CHECK(stored.find(form) == std::string::npos);
  // Nor does the fingerprint of a secret that is a Fernet key contain the key.
  const std::string key = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";
  CHECK(secrets::fingerprint(key).find(key) == std::string::npos);
}

TEST_CASE("an unreadable stored fingerprint does not match and says why without quoting it", "[secrets]") {
  const std::string good = "pbkdf2-sha256$1000$c2FsdHNhbHQ=$zzTVNkpdnDsQWZloN_zP8vUU74BCbHD_tDSXS4zXPSs=";
  const std::string bad_inputs[] = {
      "",
      secret,  // someone stored the secret itself
      "sha256$" + secret_sha256_forms[0],
      "pbkdf2-sha1$1000$c2FsdHNhbHQ=$zzTVNkpdnDsQWZloN_zP8vUU74BCbHD_tDSXS4zXPSs=",
      "pbkdf2-sha256$0$c2FsdHNhbHQ=$zzTVNkpdnDsQWZloN_zP8vUU74BCbHD_tDSXS4zXPSs=",
      "pbkdf2-sha256$99999999999$c2FsdHNhbHQ=$zzTVNkpdnDsQWZloN_zP8vUU74BCbHD_tDSXS4zXPSs=",
      "pbkdf2-sha256$1e3$c2FsdHNhbHQ=$zzTVNkpdnDsQWZloN_zP8vUU74BCbHD_tDSXS4zXPSs=",
      "pbkdf2-sha256$1000$c2FsdA==$zzTVNkpdnDsQWZloN_zP8vUU74BCbHD_tDSXS4zXPSs=",  // 4-byte salt
      "pbkdf2-sha256$1000$" + secret + "$zzTVNkpdnDsQWZloN_zP8vUU74BCbHD_tDSXS4zXPSs=",
      "pbkdf2-sha256$1000$c2FsdHNhbHQ=$zzTVNkpdnDsQWZloN_zP8vUU74BCbHD_tDSXS4zXPSs",  // unpadded
      "pbkdf2-sha256$1000$c2FsdHNhbHQ=$c2FsdHNhbHQ=",
      good + "$extra",
  };
  for (const auto& stored : bad_inputs) {
    INFO(stored);
    auto check = secrets::check_fingerprint(secret, stored);
    CHECK_FALSE(check.matches);
    CHECK_FALSE(check.problem.empty());
    CHECK(check.problem.find(secret) == std::string::npos);
    CHECK(check.problem.find('\n') == std::string::npos);
    CHECK(check.problem.back() != '.');
  }
  CHECK(secrets::check_fingerprint(secret, good).matches);
}

TEST_CASE("fingerprint refuses salts and iteration counts out of range", "[secrets]") {
  CHECK_THROWS_AS(secrets::fingerprint(secret, "short"), std::invalid_argument);
  CHECK_THROWS_AS(secrets::fingerprint(secret, std::string(65, 's')), std::invalid_argument);
  CHECK_THROWS_AS(secrets::fingerprint(secret, "saltsalt", 0), std::invalid_argument);
  try {
    secrets::fingerprint(secret, "short");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find(secret) == std::string::npos);
  }
}
