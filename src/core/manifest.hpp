#pragma once

// The baseline manifest: what `pre` records about the source so `post` can
// compare the target with it. Written as OUT/manifest.json.

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace pgverify {

// The manifest cannot be used: missing, truncated, another tenant's, unknown format.
class ManifestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ExtensionVersion {
  std::string name;
  std::string version;
};

struct Manifest {
  // Version 1: server facts and extensions.
  static constexpr int format_version = 1;

  std::string tenant;
  std::string tool_version;
  std::string created;  // ISO 8601 UTC
  std::string source;   // host:port/dbname, never a password
  int server_version_num = 0;
  std::string server_version;  // SHOW server_version
  std::vector<ExtensionVersion> extensions;

  const ExtensionVersion* extension(std::string_view name) const;
};

std::string to_json(const Manifest& manifest);
// Parses and validates; `origin` names the file in errors; `tenant` must match.
Manifest parse_manifest(std::string_view text, const std::string& origin, const std::string& tenant);

void write_manifest(const Manifest& manifest, const std::filesystem::path& path);
Manifest read_manifest(const std::filesystem::path& path, const std::string& tenant);

}  // namespace pgverify

namespace pgverify::pg {
class Session;
}

namespace pgverify {

// Records what the manifest holds about the source server.
Manifest capture_manifest(pg::Session& source, const std::string& tenant);

}  // namespace pgverify
