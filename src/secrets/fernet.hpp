// secrets/: the application secrets an upgrade must carry over, checked without
// ever showing them. Fernet (https://github.com/fernet/spec, version 0x80) on
// OpenSSL, the ways an application turns its secret into a Fernet key, and a
// slow salted fingerprint of a secret for manifests. Depends on nothing else in
// pgverify but files/ (a secret_file is read as any file the user names). No secret, key, token or decrypted value ever goes into an exception
// message or any other text these functions produce; key bytes are wiped with
// OPENSSL_cleanse when their holder goes away.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace pgverify::secrets {

// Why one token did not decrypt. Per-token failures are values, not exceptions:
// a sample of tokens is counted by kind, never stopped at the first.
enum class FernetError {
  invalid_base64,  // not strict url-safe base64 (see base64url.hpp)
  too_short,       // decodes to fewer than 73 bytes (version, time, IV, one block, HMAC)
  bad_version,     // first byte is not 0x80
  bad_hmac,        // the HMAC does not verify: another key, or an altered token
  bad_length,      // the ciphertext is not a whole number of 16-byte blocks
  bad_padding,     // authentic, but the PKCS7 padding of the plaintext is wrong
  expired,         // authentic, but older than the TTL
  from_future,     // authentic, but more than 60 s ahead of "now" (only checked with a TTL)
};

// Whether the error is in the token's form, found before any key is tried
// (invalid_base64, too_short, bad_version, bad_length): the text is not a
// Fernet token at all, and no secret would decrypt it.
bool is_malformed(FernetError error);

// A stable snake_case name ("bad_hmac"), for counts in reports and JSON.
std::string_view to_string(FernetError error);
// One lowercase line for a human ("hmac does not verify: another key, or an altered token").
std::string_view describe(FernetError error);

// A Fernet key: 16 bytes of HMAC-SHA256 signing key, then 16 bytes of AES-128
// encryption key. Never printed; wiped on destruction.
class FernetKey {
 public:
  static constexpr std::size_t size = 32;
  using Bytes = std::array<unsigned char, size>;

  explicit FernetKey(const Bytes& bytes) : m_bytes(bytes) {}
  FernetKey(const FernetKey&) = default;
  FernetKey& operator=(const FernetKey&) = default;
  ~FernetKey();

  // The url-safe base64 of exactly 32 bytes (44 characters with its '=');
  // nothing for anything else (strict, see base64url_decode).
  static std::optional<FernetKey> from_base64(std::string_view encoded);
  std::string to_base64() const;

  const unsigned char* signing_key() const { return m_bytes.data(); }
  const unsigned char* encryption_key() const { return m_bytes.data() + 16; }

 private:
  Bytes m_bytes;
};

using FernetIv = std::array<unsigned char, 16>;

// With a TTL, a token is expired when timestamp + ttl_seconds < now, and from the
// future when now + 60 < timestamp: exactly cryptography's decrypt_at_time.
struct TokenAge {
  std::int64_t now = 0;  // seconds since 1970-01-01 UTC
  std::int64_t ttl_seconds = 0;
};

// The outcome of decrypting one token: the plaintext, or why not.
struct DecryptResult {
  std::optional<std::string> plaintext;
  FernetError error = FernetError::bad_hmac;  // meaningful only without a plaintext

  bool ok() const { return plaintext.has_value(); }
};

struct ParsedToken;

// A token whose form is right (strict base64, at least 73 bytes, version 0x80,
// whole cipher blocks). Nothing in it is authenticated until a key's HMAC
// verifies, which every decrypt does first, in constant time.
class FernetToken {
 public:
  static ParsedToken parse(std::string_view text);

  // Unauthenticated: do not trust it before hmac_matches.
  std::uint64_t timestamp() const;
  bool hmac_matches(const FernetKey& key) const;
  // In order: HMAC (bad_hmac), then the age if asked (expired, from_future),
  // then AES-128-CBC and PKCS7 (bad_padding). cryptography checks the age before
  // the HMAC; it rejects the same tokens, but this order only blames the age of a
  // token that the key really made.
  DecryptResult decrypt(const FernetKey& key, std::optional<TokenAge> age = std::nullopt) const;

 private:
  explicit FernetToken(std::string bytes) : m_bytes(std::move(bytes)) {}
  std::string m_bytes;  // decoded
};

struct ParsedToken {
  std::optional<FernetToken> token;
  FernetError error = FernetError::invalid_base64;  // meaningful only without a token
};

// parse + decrypt.
DecryptResult decrypt(const FernetKey& key, std::string_view token,
                      std::optional<TokenAge> age = std::nullopt);

// A token for plaintext made at timestamp with the given IV (which must be unique
// per token: pass random bytes outside tests). Throws std::runtime_error only if
// OpenSSL itself fails.
std::string encrypt(const FernetKey& key, std::string_view plaintext, const FernetIv& iv,
                    std::uint64_t timestamp);

}  // namespace pgverify::secrets
