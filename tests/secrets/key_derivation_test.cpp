#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "secrets/fernet.hpp"
#include "secrets/key_derivation.hpp"

using namespace pgverify;
using secrets::FernetError;
using secrets::KeyDerivation;

namespace {

const std::string raw_secret = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";  // bytes 32..63
const std::string passphrase = "correct horse battery staple";
// base64.urlsafe_b64encode(hashlib.sha256(b"correct horse battery staple").digest())
const std::string passphrase_sha256_key = "xLvLH77JnWW_WdhcjLYu4tuWPw_hBvSD2a-nO9Tjmoo=";

std::string token_for(const secrets::FernetKey& key, const std::string& plaintext) {
  secrets::FernetIv iv{};
  iv[3] = 42;
  return secrets::encrypt(key, plaintext, iv, 1700000000);
}

}  // namespace

TEST_CASE("key derivation names parse as in the configuration", "[fernet][secrets]") {
  for (auto d : {KeyDerivation::raw, KeyDerivation::sha256, KeyDerivation::auto_})
    CHECK(secrets::parse_key_derivation(secrets::to_string(d)) == d);
  CHECK(secrets::to_string(KeyDerivation::auto_) == "auto");
  CHECK_FALSE(secrets::parse_key_derivation("auto_"));
  CHECK_FALSE(secrets::parse_key_derivation("SHA256"));
}

TEST_CASE("sha256 derivation is sqlalchemy-utils' FernetEngine key", "[fernet][secrets]") {
  CHECK(secrets::sha256_key(passphrase).to_base64() == passphrase_sha256_key);
  CHECK(secrets::raw_key(raw_secret)->to_base64() == raw_secret);
  CHECK_FALSE(secrets::raw_key(passphrase));
  CHECK_FALSE(secrets::raw_key(raw_secret + "\n"));  // a file's newline must be trimmed by the caller
}

TEST_CASE("keyring auto: the HMAC tells whether the secret is a key or hashed into one", "[fernet][secrets]") {
  const auto raw = *secrets::raw_key(raw_secret);
  const auto hashed_raw = secrets::sha256_key(raw_secret);
  const secrets::FernetKeyring keyring(std::vector<std::string>{raw_secret}, KeyDerivation::auto_);
  CHECK(keyring.candidate_count() == 2);

  auto as_raw = keyring.decrypt(token_for(raw, "made with the key itself"));
  REQUIRE(as_raw.ok());
  CHECK(*as_raw.plaintext == "made with the key itself");
  CHECK(as_raw.secret_index == 0u);
  CHECK(as_raw.derivation == KeyDerivation::raw);

  auto as_hash = keyring.decrypt(token_for(hashed_raw, "made with its sha256"));
  REQUIRE(as_hash.ok());
  CHECK(*as_hash.plaintext == "made with its sha256");
  CHECK(as_hash.derivation == KeyDerivation::sha256);

  // A passphrase is no Fernet key: auto has only its sha256 to try.
  const secrets::FernetKeyring phrase_ring(std::vector<std::string>{passphrase}, KeyDerivation::auto_);
  CHECK(phrase_ring.candidate_count() == 1);
  CHECK(phrase_ring.decrypt(token_for(secrets::sha256_key(passphrase), "p")).derivation == KeyDerivation::sha256);
}

TEST_CASE("keyring with a fixed derivation tries only that", "[fernet][secrets]") {
  const auto raw_token = token_for(*secrets::raw_key(raw_secret), "r");
  const auto hashed_token = token_for(secrets::sha256_key(raw_secret), "h");
  const std::vector<std::string> secrets_list{raw_secret};

  const secrets::FernetKeyring raw_only(secrets_list, KeyDerivation::raw);
  CHECK(raw_only.decrypt(raw_token).ok());
  CHECK(raw_only.decrypt(hashed_token).error == FernetError::bad_hmac);

  const secrets::FernetKeyring sha_only(secrets_list, KeyDerivation::sha256);
  CHECK(sha_only.decrypt(hashed_token).ok());
  CHECK(sha_only.decrypt(raw_token).error == FernetError::bad_hmac);
}

TEST_CASE("keyring rotation: secrets are tried in order and the one that worked is named",
          "[fernet][secrets]") {
  const std::vector<std::string> list{"old secret", passphrase, raw_secret};
  const secrets::FernetKeyring keyring(list, KeyDerivation::auto_);
  CHECK(keyring.candidate_count() == 4);

  auto second = keyring.decrypt(token_for(secrets::sha256_key(passphrase), "v2"));
  CHECK(second.secret_index == 1u);
  CHECK(second.derivation == KeyDerivation::sha256);
  auto third = keyring.decrypt(token_for(*secrets::raw_key(raw_secret), "v3"));
  CHECK(third.secret_index == 2u);
  CHECK(third.derivation == KeyDerivation::raw);

  auto nobody = keyring.decrypt(token_for(secrets::sha256_key("someone else's"), "x"));
  CHECK_FALSE(nobody.ok());
  CHECK(nobody.error == FernetError::bad_hmac);
  CHECK_FALSE(nobody.secret_index);
  CHECK_FALSE(nobody.derivation);

  // A malformed token fails for its own reason, whatever the keys.
  auto garbage = keyring.decrypt("not a token!");
  CHECK(garbage.error == FernetError::invalid_base64);
  CHECK_FALSE(garbage.secret_index);
}

TEST_CASE("keyring names the matching key also when a later step fails", "[fernet][secrets]") {
  const secrets::FernetKeyring keyring(std::vector<std::string>{"first", passphrase}, KeyDerivation::sha256);
  const auto token = token_for(secrets::sha256_key(passphrase), "kept too long");
  auto expired = keyring.decrypt(token, secrets::TokenAge{1700000000 + 3600, 60});
  CHECK(expired.error == FernetError::expired);
  CHECK(expired.secret_index == 1u);
  CHECK(expired.derivation == KeyDerivation::sha256);
  CHECK(keyring.decrypt(token, secrets::TokenAge{1700000000 + 30, 60}).ok());
}

TEST_CASE("keyring configuration errors name secrets by position, never by value", "[fernet][secrets]") {
  auto message_of = [](const std::vector<std::string>& list, KeyDerivation d) -> std::string {
    try {
      secrets::FernetKeyring keyring(list, d);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  // Counted from 1, as the reports and the lines of a secret file count them.
  const std::string not_a_key = message_of({raw_secret, passphrase}, KeyDerivation::raw);
  CHECK(not_a_key == "fernet secret 2 is not a fernet key (url-safe base64 of 32 bytes)");
  CHECK(not_a_key.find(passphrase) == std::string::npos);
  CHECK(message_of({passphrase}, KeyDerivation::raw) == "fernet secret 1 is not a fernet key (url-safe base64 of 32 bytes)");
  CHECK(message_of({passphrase, ""}, KeyDerivation::auto_) == "fernet secret 2 is empty");
  CHECK(message_of({""}, KeyDerivation::auto_) == "fernet secret 1 is empty");
  CHECK(message_of({}, KeyDerivation::auto_) == "no fernet secret given");
  CHECK(message_of({passphrase}, KeyDerivation::sha256).empty());
}
