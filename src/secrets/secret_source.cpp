#include "secrets/secret_source.hpp"

#include <openssl/crypto.h>

#include <cstdlib>
#include <fstream>

namespace pgverify::secrets {

namespace {

// A Kubernetes secret file can be large only by mistake; nothing is read past this.
constexpr std::streamsize kMaxSecretFile = 64 * 1024;

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

void wipe(std::string& text) {
  if (!text.empty()) OPENSSL_cleanse(text.data(), text.size());
  text.clear();
}

}  // namespace

SecretSet::~SecretSet() {
  for (auto& secret : m_secrets) wipe(secret);
}

SecretSet read_secrets(const std::string& env_name, const std::filesystem::path& file) {
  if (!env_name.empty()) {
    const char* value = std::getenv(env_name.c_str());
    if (!value) throw SecretError("environment variable " + env_name + " is not set");
    std::string secret = trimmed(value);
    if (secret.empty()) throw SecretError("environment variable " + env_name + " is empty");
    return SecretSet({std::move(secret)}, "environment variable " + env_name);
  }
  if (file.empty()) throw SecretError("no secret_env or secret_file is configured");
  std::error_code error;
  if (std::filesystem::is_directory(file, error)) throw SecretError("secret file " + file.string() + " is a directory");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw SecretError("cannot read secret file " + file.string());
  std::string content(static_cast<std::size_t>(kMaxSecretFile), '\0');
  in.read(content.data(), kMaxSecretFile);
  content.resize(static_cast<std::size_t>(in.gcount()));
  if (in.gcount() == kMaxSecretFile && in.peek() != std::char_traits<char>::eof()) {
    wipe(content);
    throw SecretError("secret file " + file.string() + " is larger than 64 KiB, which no secret is");
  }
  std::vector<std::string> secrets;
  for (std::size_t start = 0; start <= content.size();) {
    std::size_t end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    std::string line = trimmed(std::string_view(content).substr(start, end - start));
    if (!line.empty()) secrets.push_back(std::move(line));
    start = end + 1;
  }
  wipe(content);
  if (secrets.empty()) throw SecretError("secret file " + file.string() + " holds no secret");
  const std::size_t count = secrets.size();
  return SecretSet(std::move(secrets), "file " + file.string() +
                                           (count > 1 ? " (" + std::to_string(count) + " secrets)" : ""));
}

}  // namespace pgverify::secrets
