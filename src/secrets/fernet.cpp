#include "secrets/fernet.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <stdexcept>

#include "secrets/base64url.hpp"

namespace pgverify::secrets {
namespace {

// Version ‖ Timestamp ‖ IV ‖ Ciphertext ‖ HMAC
constexpr unsigned char version_0x80 = 0x80;
constexpr std::size_t timestamp_offset = 1;
constexpr std::size_t iv_offset = 9;
constexpr std::size_t ciphertext_offset = 25;
constexpr std::size_t block_size = 16;
constexpr std::size_t hmac_size = 32;
constexpr std::size_t min_token_size = ciphertext_offset + block_size + hmac_size;  // 73
constexpr std::int64_t max_clock_skew_seconds = 60;  // cryptography's _MAX_CLOCK_SKEW

__extension__ typedef __int128 int128;  // timestamp + ttl cannot overflow here

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }  // also wipes it
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

CipherCtx new_cipher_ctx() {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) throw std::runtime_error("cannot allocate an openssl cipher context");
  return ctx;
}

const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes_of(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

void wipe(std::string& s) { OPENSSL_cleanse(s.data(), s.size()); }

int checked_int(std::size_t size) {
  if (size > static_cast<std::size_t>(INT_MAX - static_cast<int>(block_size)))
    throw std::length_error("fernet input larger than openssl can take at once");
  return static_cast<int>(size);
}

std::array<unsigned char, hmac_size> hmac_sha256(const FernetKey& key, std::string_view data) {
  std::array<unsigned char, hmac_size> mac{};
  unsigned int mac_size = 0;
  if (HMAC(EVP_sha256(), key.signing_key(), 16, bytes_of(data), data.size(), mac.data(), &mac_size) ==
          nullptr ||
      mac_size != hmac_size)
    throw std::runtime_error("hmac-sha256 failed in openssl");
  return mac;
}

// PKCS7 as cryptography's unpadder: the last byte n is 1..16 and the last n bytes all equal n.
// Not constant time, and need not be: only authenticated tokens get here.
std::optional<std::size_t> pkcs7_unpadded_size(const std::string& padded) {
  if (padded.empty() || padded.size() % block_size != 0) return std::nullopt;
  const auto n = static_cast<unsigned char>(padded.back());
  if (n == 0 || n > block_size) return std::nullopt;
  for (std::size_t i = padded.size() - n; i < padded.size(); ++i)
    if (static_cast<unsigned char>(padded[i]) != n) return std::nullopt;
  return padded.size() - n;
}

}  // namespace

std::string_view to_string(FernetError error) {
  switch (error) {
    case FernetError::invalid_base64: return "invalid_base64";
    case FernetError::too_short: return "too_short";
    case FernetError::bad_version: return "bad_version";
    case FernetError::bad_hmac: return "bad_hmac";
    case FernetError::bad_length: return "bad_length";
    case FernetError::bad_padding: return "bad_padding";
    case FernetError::expired: return "expired";
    case FernetError::from_future: return "from_future";
  }
  return "unknown";
}

bool is_malformed(FernetError error) {
  switch (error) {
    case FernetError::invalid_base64:
    case FernetError::too_short:
    case FernetError::bad_version:
    case FernetError::bad_length: return true;
    case FernetError::bad_hmac:
    case FernetError::bad_padding:
    case FernetError::expired:
    case FernetError::from_future: return false;
  }
  return false;
}

std::string_view describe(FernetError error) {
  switch (error) {
    case FernetError::invalid_base64: return "token is not url-safe base64";
    case FernetError::too_short: return "token is shorter than the smallest fernet token (73 bytes)";
    case FernetError::bad_version: return "token does not start with fernet version 0x80";
    case FernetError::bad_hmac: return "hmac does not verify: another key, or an altered token";
    case FernetError::bad_length: return "token ciphertext is not a whole number of 16-byte blocks";
    case FernetError::bad_padding: return "token is authentic but its decrypted padding is invalid";
    case FernetError::expired: return "token is authentic but older than the allowed age";
    case FernetError::from_future: return "token is authentic but dated more than 60 s in the future";
  }
  return "unknown fernet error";
}

FernetKey::~FernetKey() { OPENSSL_cleanse(m_bytes.data(), m_bytes.size()); }

std::optional<FernetKey> FernetKey::from_base64(std::string_view encoded) {
  auto decoded = base64url_decode(encoded);
  if (!decoded) return std::nullopt;
  std::optional<FernetKey> key;
  if (decoded->size() == size) {
    Bytes bytes;
    std::copy(decoded->begin(), decoded->end(), bytes.begin());
    key.emplace(bytes);
    OPENSSL_cleanse(bytes.data(), bytes.size());
  }
  wipe(*decoded);
  return key;
}

std::string FernetKey::to_base64() const {
  return base64url_encode(
      std::string_view(reinterpret_cast<const char*>(m_bytes.data()), m_bytes.size()));
}

ParsedToken FernetToken::parse(std::string_view text) {
  auto bytes = base64url_decode(text);
  if (!bytes) return {std::nullopt, FernetError::invalid_base64};
  if (bytes->size() < min_token_size) return {std::nullopt, FernetError::too_short};
  if (static_cast<unsigned char>((*bytes)[0]) != version_0x80)
    return {std::nullopt, FernetError::bad_version};
  if ((bytes->size() - ciphertext_offset - hmac_size) % block_size != 0)
    return {std::nullopt, FernetError::bad_length};
  return {FernetToken(std::move(*bytes)), FernetError::invalid_base64};
}

std::uint64_t FernetToken::timestamp() const {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i)
    value = (value << 8) | static_cast<unsigned char>(m_bytes[timestamp_offset + i]);
  return value;
}

bool FernetToken::hmac_matches(const FernetKey& key) const {
  const std::string_view signed_part(m_bytes.data(), m_bytes.size() - hmac_size);
  const auto expected = hmac_sha256(key, signed_part);
  return CRYPTO_memcmp(expected.data(), m_bytes.data() + signed_part.size(), hmac_size) == 0;
}

DecryptResult FernetToken::decrypt(const FernetKey& key, std::optional<TokenAge> age) const {
  if (!hmac_matches(key)) return {std::nullopt, FernetError::bad_hmac};
  if (age) {
    const int128 created = timestamp();
    if (created + age->ttl_seconds < age->now) return {std::nullopt, FernetError::expired};
    if (int128{age->now} + max_clock_skew_seconds < created)
      return {std::nullopt, FernetError::from_future};
  }

  const std::size_t ciphertext_size = m_bytes.size() - ciphertext_offset - hmac_size;
  auto ctx = new_cipher_ctx();
  std::string padded(ciphertext_size, '\0');
  int written = 0;
  int final_written = 0;
  // Padding off: OpenSSL's own check would blur "bad padding" into a generic failure.
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_cbc(), nullptr, key.encryption_key(),
                         bytes_of(m_bytes) + iv_offset) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_DecryptUpdate(ctx.get(), bytes_of(padded), &written,
                        bytes_of(m_bytes) + ciphertext_offset, checked_int(ciphertext_size)) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), bytes_of(padded) + written, &final_written) != 1) {
    wipe(padded);
    throw std::runtime_error("aes-128-cbc decryption failed in openssl");
  }
  const auto unpadded = pkcs7_unpadded_size(padded);
  if (!unpadded) {
    wipe(padded);
    return {std::nullopt, FernetError::bad_padding};
  }
  OPENSSL_cleanse(padded.data() + *unpadded, padded.size() - *unpadded);
  padded.resize(*unpadded);
  return {std::move(padded), FernetError::bad_hmac};
}

DecryptResult decrypt(const FernetKey& key, std::string_view token, std::optional<TokenAge> age) {
  auto parsed = FernetToken::parse(token);
  if (!parsed.token) return {std::nullopt, parsed.error};
  return parsed.token->decrypt(key, age);
}

std::string encrypt(const FernetKey& key, std::string_view plaintext, const FernetIv& iv,
                    std::uint64_t timestamp) {
  const std::size_t ciphertext_size = (plaintext.size() / block_size + 1) * block_size;
  std::string token(ciphertext_offset + ciphertext_size + hmac_size, '\0');
  token[0] = static_cast<char>(version_0x80);
  for (std::size_t i = 0; i < 8; ++i)
    token[timestamp_offset + i] = static_cast<char>((timestamp >> (56 - 8 * i)) & 0xFF);
  std::copy(iv.begin(), iv.end(), token.begin() + iv_offset);

  auto ctx = new_cipher_ctx();
  int written = 0;
  int final_written = 0;
  unsigned char* out = bytes_of(token) + ciphertext_offset;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_cbc(), nullptr, key.encryption_key(), iv.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out, &written, bytes_of(plaintext), checked_int(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out + written, &final_written) != 1 ||
      static_cast<std::size_t>(written + final_written) != ciphertext_size)
    throw std::runtime_error("aes-128-cbc encryption failed in openssl");

  const std::size_t signed_size = ciphertext_offset + ciphertext_size;
  const auto mac = hmac_sha256(key, std::string_view(token.data(), signed_size));
  std::copy(mac.begin(), mac.end(), token.begin() + static_cast<std::ptrdiff_t>(signed_size));
  return base64url_encode(token);
}

}  // namespace pgverify::secrets
