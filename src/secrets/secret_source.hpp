// Where the Fernet secret comes from: an environment variable or a file (one
// secret per line, the current one first, older ones after it for rotation).
// Never shown anywhere: errors name the variable or file, not what is in it.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace pgverify::secrets {

class SecretError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The secrets, wiped from memory when this goes away.
class SecretSet {
 public:
  SecretSet(std::vector<std::string> secrets, std::string origin)
      : m_secrets(std::move(secrets)), m_origin(std::move(origin)) {}
  ~SecretSet();
  SecretSet(SecretSet&&) = default;
  SecretSet(const SecretSet&) = delete;
  SecretSet& operator=(const SecretSet&) = delete;

  const std::vector<std::string>& secrets() const { return m_secrets; }
  const std::string& current() const { return m_secrets.front(); }
  // "environment variable JWT_SECRET_KEY", "file /run/secrets/jwt (2 secrets)"
  const std::string& origin() const { return m_origin; }

 private:
  std::vector<std::string> m_secrets;
  std::string m_origin;
};

// Reads the secret from `env_name` (when not empty) or `file`. Surrounding
// whitespace and line ends are trimmed, as a secret mounted from Kubernetes or
// written with echo carries a newline. Throws SecretError: variable unset or
// empty, file missing, unreadable or holding no secret.
SecretSet read_secrets(const std::string& env_name, const std::filesystem::path& file);

}  // namespace pgverify::secrets
