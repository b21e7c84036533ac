#include <unistd.h>

#include <cerrno>
#include <optional>

#include "files/readable_file.hpp"
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
  // Only a regular file is opened (a FIFO could block, a device never end), and
  // it is read into one buffer of its final size, so every byte can be wiped.
  std::optional<files::ReadableFile> opened;
  try {
    opened.emplace(file);
  } catch (const files::FileError& error) {
    throw SecretError("secret file " + error.path().string() + ": " + error.reason());
  }
  std::string content(static_cast<std::size_t>(kMaxSecretFile) + 1, '\0');
  std::size_t got = 0;
  while (got < content.size()) {
    const ssize_t n = ::read(opened->fd(), content.data() + got, content.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      wipe(content);
      throw SecretError("cannot read secret file " + file.string());
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > static_cast<std::size_t>(kMaxSecretFile)) {
    wipe(content);
    throw SecretError("secret file " + file.string() + " is larger than 64 KiB, which no secret is");
  }
  std::fill(content.begin() + static_cast<std::ptrdiff_t>(got), content.end(), '\0');
  content.resize(got);
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
