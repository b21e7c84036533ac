// config/: the TOML configuration (tenants and their settings). Parsing and
// validation only (libpq checks connection strings, http/ health URLs).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace pgverify {

// A configuration mistake: what is wrong, with file, line and key named.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ClientsConfig {
  std::string pg_dump = "pg_dump";
  std::string pg_restore = "pg_restore";
  std::string psql = "psql";
};

struct AppConfig {
  std::string health_url;
  bool insecure_tls = false;
  // Asking the health URL: per connection, per attempt, and all attempts together.
  std::chrono::milliseconds health_connect_timeout{5000};
  std::chrono::milliseconds health_request_timeout{10000};
  std::chrono::milliseconds health_deadline{120000};
  std::string python_requirements;
};

struct FernetConfig {
  std::string secret_env;
  std::string secret_file;
  std::string query;
  std::int64_t sample = 100;
  std::string key_derivation = "auto";  // raw | sha256 | auto
  // Tokens older than this many seconds fail as expired, as the application's
  // Fernet(ttl=...) would refuse them; nullopt: no age limit.
  std::optional<std::int64_t> ttl_seconds;
};

// How pre and post hash tables (post always uses the mode the baseline recorded).
struct HashConfig {
  std::string mode = "binary";        // binary | text
  int jobs = 1;                       // parallel connections sharing one snapshot
  bool jobs_configured = false;       // jobs was given (the upgrade's gates otherwise take the platform's)
  std::vector<std::string> include;   // schema.table globs; empty: every table
  std::vector<std::string> exclude;
};

// A file the configuration names for a check to read (python_requirements,
// secret_file), kept with where it is named: one that is missing is a
// configuration mistake, reported when the tenant is used.
struct ConfiguredFile {
  std::string key;      // "tenants.demo.fernet.secret_file"
  std::string where;    // "conf/pgverify.toml:12:15"
  std::string path;     // resolved (absolute when the configuration came from a file)
  std::string base;     // the directory a relative path was resolved against; empty: written absolute
  bool regular = false; // must be a file, not a directory
};

// A dependent of the database on the local platform: a service pgverify stops
// before the dump and starts again after the restore, with shell commands.
struct LocalService {
  std::string name;
  std::string stop;   // run with /bin/sh -c; must leave no process of the service
  std::string start;
  int replicas = 1;   // what step.scale-up brings back (shown and journaled)
};

// [tenants.X.platform.local]: PostgreSQL on this host; its data directory is "the volume".
struct LocalPlatformConfig {
  std::string data_dir;                  // absolute; moved to a trash folder beside it on delete
  int port = 5432;
  std::string source_bindir;             // initdb, pg_ctl, postgres of the source major
  std::string target_bindir;             // the same of the target major
  std::vector<std::string> server_wrapper;  // argv prefix for those binaries (chroot, sudo -u postgres, ...);
                                            // in the file an array, or a string split into shell words
  // Replaced, not extended, when given; never -D/--pgdata (pgverify gives initdb the directory).
  std::vector<std::string> initdb_options{"--data-checksums", "--encoding=UTF8", "--locale=C.UTF-8"};
  std::vector<LocalService> services;
  std::chrono::seconds start_timeout{120};  // pg_ctl start/stop -t
  // "name=value" settings, each given to the server as -c name=value (pg_ctl -o) after -p PORT;
  // default none. "port=..." is refused: the port is `port`.
  std::vector<std::string> server_options;
};

// A workload that talks to the database on the Kubernetes platform: scaled
// to 0 before the dump and back to its recorded count after the restore.
struct KubernetesDependent {
  std::string kind;  // deployment | statefulset
  std::string name;
  std::string ref() const { return kind + "/" + name; }
};

// [tenants.X.platform.kubernetes]: PostgreSQL as a StatefulSet with a PVC,
// deployed by a helm chart (the runbook's in-cluster tenants).
struct KubernetesPlatformConfig {
  std::string kubectl = "kubectl";         // the program (a path, or a name looked up on PATH)
  std::string helm = "helm";
  std::string kubeconfig;                  // --kubeconfig for both; empty: theirs ($KUBECONFIG, ~/.kube/config)
  std::string context;                     // required: --context (--kube-context for helm)
  std::vector<std::string> dr_contexts;    // clusters sharing the tenant's user data: the same secret there
  std::string namespace_;                  // required: -n
  std::string statefulset = "postgres";
  std::string pod;                         // default: STATEFULSET-0
  std::string pvc;                         // required: the claim that is "the volume"
  std::vector<KubernetesDependent> dependents;
  std::string helm_release;                // required
  std::string helm_chart;                  // required
  std::string helm_version;                // --version; empty: the release's own
  std::string image_value;                 // required: the chart value that names the image ("postgres.image")
  std::string target_image;                // required: "pgvector/pgvector:pg18"
  std::string db_user = "postgres";        // pg_dump -U / psql -U in the pod
  std::string database;                    // default: source_dsn's dbname
  std::string secret_name;                 // secret = { name, key }: JWT_SECRET_KEY's home
  std::string secret_key;
  std::chrono::seconds ready_timeout{300};  // kubectl wait --timeout (the runbook's 300s)
};

// [tenants.X.platform]: how `upgrade` carries the database over.
struct PlatformConfig {
  std::string kind;                      // local | kubernetes | cloudsql; empty: no platform configured
  std::string where;                     // "pgverify.toml:30:1", for errors about the platform
  std::string dump_format = "custom";    // custom | directory
  std::string dump_compression = "lz4";  // gzip | lz4 | zstd | none (pg_dump -Z)
  int jobs = 2;                          // pg_dump -j (directory) and pg_restore -j
  LocalPlatformConfig local;
  KubernetesPlatformConfig kubernetes;
};

struct TenantConfig {
  std::string name;  // an identifier: [A-Za-z0-9][A-Za-z0-9._-]* (it names a directory)
  std::string source_dsn;
  std::string target_dsn;
  std::optional<int> target_major;
  std::string dump_path;
  ClientsConfig clients;
  AppConfig app;
  FernetConfig fernet;
  HashConfig hash;
  PlatformConfig platform;
  std::vector<ConfiguredFile> files;
};

struct Config {
  std::filesystem::path path;  // empty when no file was found or given
  std::map<std::string, TenantConfig> tenants;

  // The named tenant, for a run: ConfigError naming the file and the tenants
  // there when absent (or when `name` is not a tenant name at all), or naming
  // the key, line and resolved path of a file it names that is not there.
  const TenantConfig& tenant(const std::string& name) const;
};

// Parses TOML text; `origin` names the file in error messages.
Config parse_config(std::string_view text, const std::filesystem::path& origin);
Config load_config_file(const std::filesystem::path& path);

// Where the configuration comes from: --config, else $PGVERIFY_CONFIG, else
// ./pgverify.toml. nullopt when neither the flag nor the variable is given and
// there is no ./pgverify.toml (commands that need no tenant still work then).
std::optional<std::filesystem::path> locate_config(const std::optional<std::string>& explicit_path);

}  // namespace pgverify
