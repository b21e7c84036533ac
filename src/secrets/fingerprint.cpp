#include "secrets/fingerprint.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <climits>
#include <optional>
#include <stdexcept>

#include "secrets/base64url.hpp"

namespace pgverify::secrets {
namespace {

constexpr std::string_view scheme = "pbkdf2-sha256";
constexpr std::size_t hash_size = 32;
constexpr std::size_t default_salt_size = 16;
constexpr std::size_t min_salt_size = 8;
constexpr std::size_t max_salt_size = 64;
// Bounds what a manifest can make us compute (and PKCS5_PBKDF2_HMAC takes an int).
constexpr int max_iterations = 10'000'000;

using Hash = std::array<unsigned char, hash_size>;

Hash pbkdf2(std::string_view secret, std::string_view salt, int iterations) {
  Hash hash{};
  if (PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                        iterations, EVP_sha256(), static_cast<int>(hash.size()), hash.data()) != 1)
    throw std::runtime_error("pbkdf2-hmac-sha256 failed in openssl");
  return hash;
}

void check_secret_size(std::string_view secret) {
  if (secret.size() > static_cast<std::size_t>(INT_MAX)) throw std::length_error("secret too long to fingerprint");
}

// Splits "a$b$c$d" into exactly four fields.
std::optional<std::array<std::string_view, 4>> split_fields(std::string_view text) {
  std::array<std::string_view, 4> fields;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto dollar = text.find('$');
    if (dollar == std::string_view::npos) return std::nullopt;
    fields[i] = text.substr(0, dollar);
    text.remove_prefix(dollar + 1);
  }
  if (text.find('$') != std::string_view::npos) return std::nullopt;
  fields[3] = text;
  return fields;
}

}  // namespace

std::string fingerprint(std::string_view secret) {
  std::array<unsigned char, default_salt_size> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1)
    throw std::runtime_error("cannot get random bytes from openssl for a fingerprint salt");
  return fingerprint(secret, std::string_view(reinterpret_cast<const char*>(salt.data()), salt.size()));
}

std::string fingerprint(std::string_view secret, std::string_view salt, int iterations) {
  if (salt.size() < min_salt_size || salt.size() > max_salt_size)
    throw std::invalid_argument("fingerprint salt must be 8 to 64 bytes");
  if (iterations < 1 || iterations > max_iterations)
    throw std::invalid_argument("fingerprint iterations must be 1 to 10000000");
  check_secret_size(secret);
  Hash hash = pbkdf2(secret, salt, iterations);
  std::string out = std::string(scheme) + "$" + std::to_string(iterations) + "$" + base64url_encode(salt) +
                    "$" + base64url_encode(std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
  OPENSSL_cleanse(hash.data(), hash.size());
  return out;
}

FingerprintMatch check_fingerprint(std::string_view secret, std::string_view stored) {
  const auto fields = split_fields(stored);
  if (!fields || (*fields)[0] != scheme)
    return {false, "stored fingerprint is not of the form pbkdf2-sha256$iterations$salt$hash"};

  const std::string_view count = (*fields)[1];
  int iterations = 0;
  const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), iterations);
  if (count.empty() || ec != std::errc() || end != count.data() + count.size() || iterations < 1 ||
      iterations > max_iterations)
    return {false, "stored fingerprint's iteration count is not a number from 1 to 10000000"};

  const auto salt = base64url_decode((*fields)[2]);
  if (!salt || salt->size() < min_salt_size || salt->size() > max_salt_size)
    return {false, "stored fingerprint's salt is not url-safe base64 of 8 to 64 bytes"};

  const auto expected = base64url_decode((*fields)[3]);
  if (!expected || expected->size() != hash_size)
    return {false, "stored fingerprint's hash is not url-safe base64 of 32 bytes"};

  check_secret_size(secret);
  Hash actual = pbkdf2(secret, *salt, iterations);
  const bool same = CRYPTO_memcmp(actual.data(), expected->data(), hash_size) == 0;
  OPENSSL_cleanse(actual.data(), actual.size());
  return {same, {}};
}

bool fingerprint_matches(std::string_view secret, std::string_view stored) {
  return check_fingerprint(secret, stored).matches;
}

}  // namespace pgverify::secrets
