#include "secrets/key_derivation.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>

namespace pgverify::secrets {

std::string_view to_string(KeyDerivation derivation) {
  switch (derivation) {
    case KeyDerivation::raw: return "raw";
    case KeyDerivation::sha256: return "sha256";
    case KeyDerivation::auto_: return "auto";
  }
  return "unknown";
}

std::optional<KeyDerivation> parse_key_derivation(std::string_view text) {
  if (text == "raw") return KeyDerivation::raw;
  if (text == "sha256") return KeyDerivation::sha256;
  if (text == "auto") return KeyDerivation::auto_;
  return std::nullopt;
}

std::optional<FernetKey> raw_key(std::string_view secret) { return FernetKey::from_base64(secret); }

FernetKey sha256_key(std::string_view secret) {
  FernetKey::Bytes digest{};
  unsigned int digest_size = 0;
  if (EVP_Digest(secret.data(), secret.size(), digest.data(), &digest_size, EVP_sha256(), nullptr) != 1 ||
      digest_size != digest.size())
    throw std::runtime_error("sha-256 failed in openssl");
  FernetKey key(digest);
  OPENSSL_cleanse(digest.data(), digest.size());
  return key;
}

FernetKeyring::FernetKeyring(std::span<const std::string> secrets, KeyDerivation derivation) {
  if (secrets.empty()) throw std::invalid_argument("no fernet secret given");
  for (std::size_t i = 0; i < secrets.size(); ++i) {
    const std::string& secret = secrets[i];
    // Messages count secrets from 1, as the lines of a secret file and the reports do.
    const std::string which = "fernet secret " + std::to_string(i + 1);
    if (secret.empty()) throw std::invalid_argument(which + " is empty");
    if (derivation != KeyDerivation::sha256) {
      if (auto key = raw_key(secret)) {
        m_candidates.push_back({i, KeyDerivation::raw, *key});
      } else if (derivation == KeyDerivation::raw) {
        throw std::invalid_argument(which + " is not a fernet key (url-safe base64 of 32 bytes)");
      }
    }
    if (derivation != KeyDerivation::raw) m_candidates.push_back({i, KeyDerivation::sha256, sha256_key(secret)});
  }
}

KeyringResult FernetKeyring::decrypt(std::string_view token, std::optional<TokenAge> age) const {
  auto parsed = FernetToken::parse(token);
  if (!parsed.token) return {std::nullopt, parsed.error, std::nullopt, std::nullopt};
  for (const auto& candidate : m_candidates) {
    if (!parsed.token->hmac_matches(candidate.key)) continue;
    auto result = parsed.token->decrypt(candidate.key, age);
    return {std::move(result.plaintext), result.error, candidate.secret_index, candidate.derivation};
  }
  return {std::nullopt, FernetError::bad_hmac, std::nullopt, std::nullopt};
}

}  // namespace pgverify::secrets
