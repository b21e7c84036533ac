#include <catch2/catch.hpp>

#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "secrets/base64url.hpp"
#include "secrets/fernet.hpp"

using namespace pgverify;
using secrets::FernetError;

namespace {

// The Fernet spec's test vectors (github.com/fernet/spec: generate.json,
// verify.json, invalid.json; version 0x80 entries).
constexpr const char* spec_secret = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
constexpr const char* spec_token =
    "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==";
constexpr std::uint64_t spec_generated_at = 499162800;  // 1985-10-26T01:20:00-07:00
constexpr std::int64_t spec_now = 499162801;            // 1985-10-26T01:20:01-07:00

secrets::FernetKey spec_key() {
  auto key = secrets::FernetKey::from_base64(spec_secret);
  REQUIRE(key);
  return *key;
}

secrets::FernetIv iv_0_to_15() {
  secrets::FernetIv iv{};
  for (std::size_t i = 0; i < iv.size(); ++i) iv[i] = static_cast<unsigned char>(i);
  return iv;
}

std::string reencode_with(const std::string& token, std::size_t index, unsigned mask) {
  auto bytes = secrets::base64url_decode(token);
  REQUIRE(bytes);
  (*bytes)[index] = static_cast<char>(static_cast<unsigned char>((*bytes)[index]) ^ mask);
  return secrets::base64url_encode(*bytes);
}

}  // namespace

TEST_CASE("url-safe base64 encodes as RFC 4648 and Python's urlsafe_b64encode", "[fernet][secrets]") {
  CHECK(secrets::base64url_encode("") == "");
  CHECK(secrets::base64url_encode("f") == "Zg==");
  CHECK(secrets::base64url_encode("fo") == "Zm8=");
  CHECK(secrets::base64url_encode("foo") == "Zm9v");
  CHECK(secrets::base64url_encode("foob") == "Zm9vYg==");
  CHECK(secrets::base64url_encode("fooba") == "Zm9vYmE=");
  CHECK(secrets::base64url_encode("foobar") == "Zm9vYmFy");
  CHECK(secrets::base64url_encode("\xfb\xff") == "-_8=");

  std::string bytes;
  for (int n = 0; n < 70; ++n) {
    auto decoded = secrets::base64url_decode(secrets::base64url_encode(bytes));
    REQUIRE(decoded);
    CHECK(*decoded == bytes);
    bytes += static_cast<char>(n * 37 + 11);
  }
}

TEST_CASE("url-safe base64 decoding is strict, padding included", "[fernet][secrets]") {
  CHECK(secrets::base64url_decode("Zm9vYg==") == std::string("foob"));
  CHECK(secrets::base64url_decode("-_8=") == std::string("\xfb\xff"));
  // Like Python: the unused low bits of the last character are not checked.
  CHECK(secrets::base64url_decode("Zh==") == std::string("f"));

  // Missing padding: Python's urlsafe_b64decode says "Incorrect padding" too.
  CHECK_FALSE(secrets::base64url_decode("Zg"));
  CHECK_FALSE(secrets::base64url_decode("Zg="));
  CHECK_FALSE(secrets::base64url_decode("Zm9vYg"));
  // Python would accept all of these (it drops what is not in the alphabet,
  // takes '+' and '/', extra '=' and anything after the padding); the spec's
  // invalid.json says a Fernet implementation must not.
  for (const char* text : {"Zm9v\n", " Zm9v", "Zm9v====", "Zg==Zm9v", "Zg===", "Zm+v", "Zm/v", "Z===",
                           "=Zm9", "Zm=v", "Zm9v!Zm9", "Zm9\xc3\xa9"}) {
    INFO(text);
    CHECK_FALSE(secrets::base64url_decode(text));
  }
}

TEST_CASE("fernet keys are url-safe base64 of exactly 32 bytes", "[fernet][secrets]") {
  auto key = secrets::FernetKey::from_base64(spec_secret);
  REQUIRE(key);
  CHECK(key->to_base64() == spec_secret);
  std::string unpadded = spec_secret;
  unpadded.pop_back();
  CHECK_FALSE(secrets::FernetKey::from_base64(unpadded));
  CHECK_FALSE(secrets::FernetKey::from_base64(secrets::base64url_encode(std::string(31, 'k'))));
  CHECK_FALSE(secrets::FernetKey::from_base64(secrets::base64url_encode(std::string(33, 'k'))));
  CHECK_FALSE(secrets::FernetKey::from_base64(""));
  CHECK_FALSE(secrets::FernetKey::from_base64("correct horse battery staple"));
}

TEST_CASE("fernet spec generate.json: the same token from the same key, IV and time", "[fernet][secrets]") {
  CHECK(secrets::encrypt(spec_key(), "hello", iv_0_to_15(), spec_generated_at) == spec_token);
}

TEST_CASE("fernet spec verify.json: the token decrypts within its TTL", "[fernet][secrets]") {
  auto result = secrets::decrypt(spec_key(), spec_token, secrets::TokenAge{spec_now, 60});
  REQUIRE(result.ok());
  CHECK(*result.plaintext == "hello");
  auto parsed = secrets::FernetToken::parse(spec_token);
  REQUIRE(parsed.token);
  CHECK(parsed.token->timestamp() == spec_generated_at);
}

TEST_CASE("fernet spec invalid.json: every token fails, each for its own reason", "[fernet][secrets]") {
  struct Case {
    const char* desc;
    const char* token;
    std::int64_t now;
    FernetError expected;
  };
  const std::vector<Case> cases = {
      {"incorrect mac",
       "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykQUFBQUFBQUFBQQ==",
       spec_now, FernetError::bad_hmac},
      {"too short", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPA==", spec_now, FernetError::too_short},
      {"invalid base64",
       "%%%%%%%%%%%%%AECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==",
       spec_now, FernetError::invalid_base64},
      // 72 bytes: the length check comes first, so this is too short before it is a bad length.
      {"payload size not multiple of block size",
       "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPOm73QeoCk9uGib28Xe5vz6oxq5nmxbx_v7mrfyudzUm", spec_now,
       FernetError::too_short},
      {"payload padding error",
       "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0ODz4LEpdELGQAad7aNEHbf-JkLPIpuiYRLQ3RtXatOYREu2FWke6CnJNYIbkuKNqOhw==",
       spec_now, FernetError::bad_padding},
      {"far-future TS (unacceptable clock skew)",
       "gAAAAAAdwStRAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAnja1xKYyhd-Y6mSkTOyTGJmw2Xc2a6kBd-iX9b_qXQcw==",
       spec_now, FernetError::from_future},
      {"expired TTL",
       "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==",
       499162891 /* 01:21:31-07:00 */, FernetError::expired},
      {"incorrect IV (causes padding error)",
       "gAAAAAAdwJ6xBQECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAkLhFLHpGtDBRLRTZeUfWgHSv49TF2AUEZ1TIvcZjK1zQ==",
       spec_now, FernetError::bad_padding},
      // cryptography 38 accepts the next two (it drops what is not base64); the spec does not.
      {"trailing characters after b64 padding",
       "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA=="
       "trailingdata",
       spec_now, FernetError::invalid_base64},
      {"invalid characters in b64",
       "*gAAAAAAdwJ6wAAECAwQFBgcI!CQoLDA0ODy021?cpGVWKZ_eEwC@GM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==",
       spec_now, FernetError::invalid_base64},
      {"invalid non-urlsafe characters in b64",
       "gAAAAAAdwJ6wAAEC/AwQFBgcICQoLDA0ODy+021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==",
       spec_now, FernetError::invalid_base64},
  };
  const auto key = spec_key();
  for (const auto& c : cases) {
    INFO(c.desc);
    auto result = secrets::decrypt(key, c.token, secrets::TokenAge{c.now, 60});
    CHECK_FALSE(result.ok());
    CHECK(secrets::to_string(result.error) == secrets::to_string(c.expected));
  }
}

TEST_CASE("fernet encrypt and decrypt round trip at every padding length", "[fernet][secrets]") {
  const auto key = spec_key();
  auto iv = iv_0_to_15();
  std::string plaintext;
  for (int n = 0; n < 50; ++n) {
    iv[0] = static_cast<unsigned char>(n);
    const auto token = secrets::encrypt(key, plaintext, iv, 1700000000);
    auto result = secrets::decrypt(key, token);
    REQUIRE(result.ok());
    CHECK(*result.plaintext == plaintext);
    CHECK(secrets::base64url_decode(token)->size() == 57 + (plaintext.size() / 16 + 1) * 16);
    plaintext += static_cast<char>(n * 7);
  }
  const std::string big(100000, '\xa5');
  CHECK(secrets::decrypt(key, secrets::encrypt(key, big, iv, 1)).plaintext == big);
}

TEST_CASE("fernet checks the layout before any key: length, then version, then whole blocks",
          "[fernet][secrets]") {
  const auto key = spec_key();
  const std::string header = std::string("\x80", 1) + std::string(8, '\0') + std::string(16, 'i');
  auto token_of = [](const std::string& bytes) { return secrets::base64url_encode(bytes); };

  CHECK(secrets::decrypt(key, "").error == FernetError::too_short);
  CHECK(secrets::decrypt(key, token_of(header + std::string(47, 'c'))).error == FernetError::too_short);
  CHECK(secrets::decrypt(key, token_of("\x81" + std::string(71, 'c'))).error == FernetError::too_short);
  CHECK(secrets::decrypt(key, token_of("\x81" + std::string(72, 'c'))).error == FernetError::bad_version);
  CHECK(secrets::decrypt(key, token_of(header + std::string(49, 'c'))).error == FernetError::bad_length);
  CHECK(secrets::decrypt(key, token_of(header + std::string(63, 'c'))).error == FernetError::bad_length);
  CHECK(secrets::decrypt(key, token_of(header + std::string(48, 'c'))).error == FernetError::bad_hmac);
}

TEST_CASE("fernet: any changed byte is caught by the HMAC before decryption", "[fernet][secrets]") {
  const auto key = spec_key();
  const std::string token = secrets::encrypt(key, "a credential worth keeping", iv_0_to_15(), 1700000000);
  const auto size = secrets::base64url_decode(token)->size();
  for (std::size_t i = 0; i < size; ++i) {
    for (unsigned mask : {0x01u, 0x80u}) {
      INFO("byte " << i);
      auto result = secrets::decrypt(key, reencode_with(token, i, mask));
      CHECK_FALSE(result.ok());
      CHECK(result.error == (i == 0 ? FernetError::bad_version : FernetError::bad_hmac));
    }
  }
  auto other = secrets::FernetKey::from_base64(secrets::base64url_encode(std::string(32, 'o')));
  CHECK(secrets::decrypt(*other, token).error == FernetError::bad_hmac);
}

TEST_CASE("fernet TTL: expired and from-the-future edges as cryptography's decrypt_at_time",
          "[fernet][secrets]") {
  const auto key = spec_key();
  const std::uint64_t made = 1700000000;
  const auto token = secrets::encrypt(key, "v", iv_0_to_15(), made);
  const auto at = [&](std::int64_t now, std::int64_t ttl) {
    return secrets::decrypt(key, token, secrets::TokenAge{now, ttl});
  };
  const auto made_signed = static_cast<std::int64_t>(made);
  CHECK(at(made_signed + 60, 60).ok());
  CHECK(at(made_signed + 61, 60).error == FernetError::expired);
  CHECK(at(made_signed - 60, 60).ok());
  CHECK(at(made_signed - 61, 60).error == FernetError::from_future);
  CHECK(secrets::decrypt(key, token).ok());  // without a TTL the time is not looked at

  // The timestamp is unsigned 64-bit; arithmetic on it must not overflow.
  const auto far_future = secrets::encrypt(key, "v", iv_0_to_15(), UINT64_MAX);
  CHECK(secrets::decrypt(key, far_future, secrets::TokenAge{made_signed, INT64_MAX}).error ==
        FernetError::from_future);
  CHECK(secrets::decrypt(key, far_future).ok());
  const auto ancient = secrets::encrypt(key, "v", iv_0_to_15(), 0);
  CHECK(secrets::decrypt(key, ancient, secrets::TokenAge{INT64_MAX, 60}).error == FernetError::expired);

  // An altered timestamp is an altered token, whatever its age.
  const auto forged = reencode_with(token, 8, 0x40);
  CHECK(secrets::decrypt(key, forged, secrets::TokenAge{made_signed, 60}).error == FernetError::bad_hmac);
}

TEST_CASE("fernet error names are distinct, and messages are lowercase single lines", "[fernet][secrets]") {
  const std::vector<FernetError> all = {FernetError::invalid_base64, FernetError::too_short,
                                        FernetError::bad_version,    FernetError::bad_hmac,
                                        FernetError::bad_length,     FernetError::bad_padding,
                                        FernetError::expired,        FernetError::from_future};
  std::set<std::string> names, messages;
  for (auto error : all) {
    const std::string name(secrets::to_string(error));
    const std::string message(secrets::describe(error));
    names.insert(name);
    messages.insert(message);
    CHECK(name.find(' ') == std::string::npos);
    REQUIRE_FALSE(message.empty());
    CHECK(std::islower(static_cast<unsigned char>(message.front())));
    CHECK(message.back() != '.');
    CHECK(message.find('\n') == std::string::npos);
  }
  CHECK(names.size() == all.size());
  CHECK(messages.size() == all.size());
  CHECK(secrets::to_string(FernetError::bad_hmac) == "bad_hmac");
}
