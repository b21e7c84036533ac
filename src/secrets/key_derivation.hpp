// How an application's configured secret (JWT_SECRET_KEY...) becomes the Fernet
// key its stored tokens were made with, and a keyring that tries several secrets
// (rotation, like cryptography's MultiFernet) and says which one worked.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "secrets/fernet.hpp"

namespace pgverify::secrets {

enum class KeyDerivation {
  raw,     // the secret is itself a Fernet key (url-safe base64 of 32 bytes)
  sha256,  // key = urlsafe_b64encode(sha256(secret)), as sqlalchemy-utils' FernetEngine
  auto_,   // both (raw only when the secret is a Fernet key); the HMAC tells which is right
};

// "raw", "sha256", "auto": the values of the configuration's key_derivation.
std::string_view to_string(KeyDerivation derivation);
std::optional<KeyDerivation> parse_key_derivation(std::string_view text);

// The secret as a Fernet key, or nothing when it is not one (strict base64, see
// base64url.hpp: a secret read from a file must have its newline trimmed first).
std::optional<FernetKey> raw_key(std::string_view secret);

// sqlalchemy-utils (types/encrypted/encrypted_type.py): _update_key hashes
// key.encode() with SHA-256 and FernetEngine._initialize_engine passes
// base64.urlsafe_b64encode(digest) to Fernet, so the Fernet key bytes are the
// digest itself.
FernetKey sha256_key(std::string_view secret);

// Which secret and derivation made a token. Set whenever a key's HMAC verified,
// also when a later step failed (expired, bad padding): that key is the right one.
struct KeyringResult {
  std::optional<std::string> plaintext;
  FernetError error = FernetError::bad_hmac;  // meaningful only without a plaintext
  std::optional<std::size_t> secret_index;     // into the secrets the keyring was built from (0: the first)
  std::optional<KeyDerivation> derivation;     // raw or sha256, never auto_

  bool ok() const { return plaintext.has_value(); }
};

// The candidate keys of a list of secrets, tried in order: the first secret
// (raw, then sha256 when auto), the second, ... The first whose HMAC verifies decides; a token
// no candidate verifies is bad_hmac, and a malformed token fails with its own
// error before any key is tried. Keeps only the derived keys, never the secrets.
class FernetKeyring {
 public:
  // Throws std::invalid_argument (naming the secret by position, counted from 1) when there is
  // no secret, a secret is empty, or, with raw, a secret is not a Fernet key.
  FernetKeyring(std::span<const std::string> secrets, KeyDerivation derivation);

  KeyringResult decrypt(std::string_view token, std::optional<TokenAge> age = std::nullopt) const;

  std::size_t candidate_count() const { return m_candidates.size(); }

 private:
  struct Candidate {
    std::size_t secret_index;
    KeyDerivation derivation;
    FernetKey key;
  };
  std::vector<Candidate> m_candidates;
};

}  // namespace pgverify::secrets
