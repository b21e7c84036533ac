// dump/sha256: SHA-256 (OpenSSL EVP) as lowercase hex: how a dump is
// identified here and where it was copied (the executor hashes pg_dump's
// output as it streams to disk).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/evp.h>

namespace pgverify::dump {

class Sha256 {
 public:
  Sha256();  // std::runtime_error when OpenSSL has no SHA-256
  void update(const void* data, std::size_t size);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  // The digest of everything so far; call once.
  std::string hex();

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> m_context;
};

}  // namespace pgverify::dump
