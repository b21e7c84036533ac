#include "files/readable_file.hpp"
#include "config/config.hpp"

#include "pg/dsn_edit.hpp"
#include "pg/dsn_mask.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

#include <libpq-fe.h>
#include <toml++/toml.h>

#include "http/url.hpp"
#include "text/quote.hpp"
#include "text/shell.hpp"

namespace pgverify {

namespace {

namespace fs = std::filesystem;

// Levenshtein distance, for "did you mean" on misspelt keys.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// A tenant's name becomes a directory (pgverify-out/TENANT): a name, never a
// path ("../x", "a/b"), never empty, never hidden.
bool is_tenant_name(std::string_view name) {
  const auto allowed = [](char c, bool first) {
    return std::isalnum(static_cast<unsigned char>(c)) || (!first && (c == '.' || c == '_' || c == '-'));
  };
  if (name.empty() || !allowed(name.front(), true)) return false;
  return std::all_of(name.begin() + 1, name.end(), [&](char c) { return allowed(c, false); });
}

constexpr const char* kTenantNameRule =
    "a tenant name is letters, digits, '.', '_' and '-', starting with a letter or digit "
    "(it names the directory pgverify-out/TENANT)";

std::string shown_name(std::string_view name) { return text::quote_bytes(name, 80, '"'); }

class Reader {
 public:
  Reader(const fs::path& origin) : m_origin(origin) {}

  // "conf/pgverify.toml:12:15", or just the file when toml++ knows no position.
  std::string location(const toml::source_region& where) const {
    std::ostringstream out;
    out << m_origin.string();
    if (where.begin.line) out << ':' << where.begin.line << ':' << where.begin.column;
    return out.str();
  }

  [[noreturn]] void fail(const toml::source_region& where, const std::string& key,
                         const std::string& what) const {
    throw ConfigError(location(where) + ": " + key + ": " + what);
  }

  // Rejects keys not in `allowed`, suggesting the nearest allowed one.
  void reject_unknown(const toml::table& table, const std::string& prefix,
                      std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, node] : table) {
      std::string_view name = key.str();
      if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
      std::string what = "unknown key";
      std::string_view nearest;
      std::size_t best = 4;  // suggest only near misses
      for (auto candidate : allowed) {
        std::size_t d = edit_distance(name, candidate);
        if (d < best) {
          best = d;
          nearest = candidate;
        }
      }
      if (!nearest.empty()) what += " (did you mean '" + std::string(nearest) + "'?)";
      fail(key.source(), prefix + std::string(name), what);
    }
  }

  const toml::table* sub_table(const toml::table& parent, std::string_view key,
                               const std::string& full_key) const {
    const toml::node* node = parent.get(key);
    if (!node) return nullptr;
    if (!node->is_table()) fail(node->source(), full_key, "expected a table");
    return node->as_table();
  }

  void read_string(const toml::table& table, std::string_view key, const std::string& prefix,
                   std::string& out) const {
    const toml::node* node = table.get(key);
    if (!node) return;
    if (!node->is_string())
      fail(node->source(), prefix + std::string(key),
           "expected a string, found " + type_name(*node));
    out = node->as_string()->get();
  }

  void read_bool(const toml::table& table, std::string_view key, const std::string& prefix,
                 bool& out) const {
    const toml::node* node = table.get(key);
    if (!node) return;
    if (!node->is_boolean())
      fail(node->source(), prefix + std::string(key),
           "expected true or false, found " + type_name(*node));
    out = node->as_boolean()->get();
  }

  std::optional<std::int64_t> read_int(const toml::table& table, std::string_view key,
                                       const std::string& prefix, std::int64_t min,
                                       std::int64_t max) const {
    const toml::node* node = table.get(key);
    if (!node) return std::nullopt;
    std::string full = prefix + std::string(key);
    if (!node->is_integer()) fail(node->source(), full, "expected an integer, found " + type_name(*node));
    std::int64_t value = node->as_integer()->get();
    if (value < min || value > max)
      fail(node->source(), full,
           "value " + std::to_string(value) + " out of range " + std::to_string(min) + ".." +
               std::to_string(max));
    return value;
  }

  // A malformed connection string is a configuration mistake, caught here
  // with its line rather than as a connection failure later. libpq's message
  // names the bad part, which may be (part of) the password: masked.
  void check_dsn(const toml::table& table, std::string_view key, const std::string& prefix) const {
    const toml::node* node = table.get(key);
    if (!node) return;
    if (auto message = pg::dsn_parse_error(node->as_string()->get()))
      fail(node->source(), prefix + std::string(key), "invalid connection string: " + *message);
  }

  // Paths in the file are relative to the file's directory, so a config works
  // from whatever directory pgverify is run in.
  std::string resolve_path(const std::string& value) const {
    if (value.empty()) return value;
    fs::path path(value);
    if (path.is_absolute() || m_origin.empty()) return value;
    return (directory() / path).lexically_normal().string();
  }

  fs::path directory() const {
    std::error_code ec;
    const fs::path absolute = fs::absolute(m_origin, ec);
    return (ec ? m_origin : absolute).parent_path();
  }

  // A path a check reads: resolved, and remembered with its key and line so
  // that Config::tenant can say which one is missing.
  void read_file_path(const toml::table& table, std::string_view key, const std::string& prefix, bool regular,
                      std::string& out, TenantConfig& tenant) const {
    read_string(table, key, prefix, out);
    if (out.empty()) return;
    const bool relative = fs::path(out).is_relative() && !m_origin.empty();
    out = resolve_path(out);
    tenant.files.push_back({prefix + std::string(key), location(table.get(key)->source()), out,
                            relative ? directory().string() : "", regular});
  }

  // A bare program name is looked up on PATH; anything with a slash is a path.
  std::string resolve_program(const std::string& value) const {
    if (value.find('/') == std::string::npos) return value;
    return resolve_path(value);
  }

  static std::string type_name(const toml::node& node) {
    switch (node.type()) {
      case toml::node_type::table: return "a table";
      case toml::node_type::array: return "an array";
      case toml::node_type::string: return "a string";
      case toml::node_type::integer: return "an integer";
      case toml::node_type::floating_point: return "a float";
      case toml::node_type::boolean: return "a boolean";
      case toml::node_type::date: return "a date";
      case toml::node_type::time: return "a time";
      case toml::node_type::date_time: return "a date-time";
      default: return "nothing";
    }
  }

  TenantConfig read_tenant(const std::string& name, const toml::table& table) const {
    TenantConfig tenant;
    tenant.name = name;
    const std::string prefix = "tenants." + name + ".";
    reject_unknown(table, prefix,
                   {"source_dsn", "target_dsn", "target_major", "dump_path", "clients", "app",
                    "fernet", "hash", "platform"});
    read_string(table, "source_dsn", prefix, tenant.source_dsn);
    read_string(table, "target_dsn", prefix, tenant.target_dsn);
    check_dsn(table, "source_dsn", prefix);
    check_dsn(table, "target_dsn", prefix);
    // PostgreSQL 10 introduced the one-number major versions pgverify works with.
    if (auto major = read_int(table, "target_major", prefix, 10, 99))
      tenant.target_major = static_cast<int>(*major);
    read_string(table, "dump_path", prefix, tenant.dump_path);
    tenant.dump_path = resolve_path(tenant.dump_path);

    if (const toml::table* clients = sub_table(table, "clients", prefix + "clients")) {
      const std::string p = prefix + "clients.";
      reject_unknown(*clients, p, {"pg_dump", "pg_restore", "psql"});
      const std::pair<std::string_view, std::string*> programs[] = {
          {"pg_dump", &tenant.clients.pg_dump},
          {"pg_restore", &tenant.clients.pg_restore},
          {"psql", &tenant.clients.psql}};
      for (const auto& [key_name, program] : programs) {
        read_string(*clients, key_name, p, *program);
        if (program->empty())
          fail(clients->get(key_name)->source(), p + std::string(key_name), "empty program name");
        *program = resolve_program(*program);
      }
    }

    if (const toml::table* app = sub_table(table, "app", prefix + "app")) {
      const std::string p = prefix + "app.";
      reject_unknown(*app, p, {"health_url", "insecure_tls", "health_connect_timeout", "health_request_timeout",
                               "health_deadline", "python_requirements"});
      read_string(*app, "health_url", p, tenant.app.health_url);
      if (!tenant.app.health_url.empty()) {
        try {
          http::validate_health_url(tenant.app.health_url);
        } catch (const http::BadUrl& error) {
          fail(app->get("health_url")->source(), p + "health_url", error.what());
        }
      }
      read_bool(*app, "insecure_tls", p, tenant.app.insecure_tls);
      const std::pair<std::string_view, std::chrono::milliseconds*> seconds[] = {
          {"health_connect_timeout", &tenant.app.health_connect_timeout},
          {"health_request_timeout", &tenant.app.health_request_timeout},
          {"health_deadline", &tenant.app.health_deadline}};
      for (const auto& [key_name, value] : seconds)
        if (auto s = read_int(*app, key_name, p, 1, 3600)) *value = std::chrono::seconds(*s);
      // A directory is allowed: a site-packages directory.
      read_file_path(*app, "python_requirements", p, false, tenant.app.python_requirements, tenant);
    }

    if (const toml::table* fernet = sub_table(table, "fernet", prefix + "fernet")) {
      const std::string p = prefix + "fernet.";
      reject_unknown(*fernet, p, {"secret_env", "secret_file", "query", "sample", "key_derivation", "ttl"});
      read_string(*fernet, "secret_env", p, tenant.fernet.secret_env);
      read_file_path(*fernet, "secret_file", p, true, tenant.fernet.secret_file, tenant);
      read_string(*fernet, "query", p, tenant.fernet.query);
      if (auto sample = read_int(*fernet, "sample", p, 1, 1000000)) tenant.fernet.sample = *sample;
      tenant.fernet.ttl_seconds = read_int(*fernet, "ttl", p, 1, 100LL * 365 * 24 * 3600);
      read_string(*fernet, "key_derivation", p, tenant.fernet.key_derivation);
      const auto& kd = tenant.fernet.key_derivation;
      if (kd != "raw" && kd != "sha256" && kd != "auto")
        fail(fernet->get("key_derivation")->source(), p + "key_derivation",
             "'" + kd + "' is not one of raw, sha256, auto");
      if (!tenant.fernet.secret_env.empty() && !tenant.fernet.secret_file.empty())
        fail(fernet->get("secret_file")->source(), p + "secret_file",
             "give secret_env or secret_file, not both");
    }
    if (const toml::table* hash = sub_table(table, "hash", prefix + "hash")) {
      const std::string p = prefix + "hash.";
      reject_unknown(*hash, p, {"mode", "jobs", "include", "exclude"});
      read_string(*hash, "mode", p, tenant.hash.mode);
      if (tenant.hash.mode != "binary" && tenant.hash.mode != "text")
        fail(hash->get("mode")->source(), p + "mode", "'" + tenant.hash.mode + "' is not one of binary, text");
      if (auto jobs = read_int(*hash, "jobs", p, 1, 64)) {
        tenant.hash.jobs = static_cast<int>(*jobs);
        tenant.hash.jobs_configured = true;
      }
      read_string_list(*hash, "include", p, tenant.hash.include);
      read_string_list(*hash, "exclude", p, tenant.hash.exclude);
    }
    if (const toml::table* platform = sub_table(table, "platform", prefix + "platform"))
      read_platform(*platform, prefix + "platform.", tenant);
    return tenant;
  }

  // A value the user wrote, in a message: in single quotes, control characters spelled out.
  static std::string shown_value(std::string_view value) { return text::quote_bytes(value, 80, '\''); }

  // One of `allowed`, else a ConfigError listing them.
  void read_choice(const toml::table& table, std::string_view key, const std::string& prefix, std::string& out,
                   std::initializer_list<std::string_view> allowed) const {
    read_string(table, key, prefix, out);
    if (!table.get(key)) return;
    if (std::find(allowed.begin(), allowed.end(), out) != allowed.end()) return;
    std::string list;
    for (auto choice : allowed) list += (list.empty() ? "" : ", ") + std::string(choice);
    fail(table.get(key)->source(), prefix + std::string(key), shown_value(out) + " is not one of " + list);
  }

  // A required absolute directory, normalised lexically ("/var/lib/postgresql/16/main/" and
  // "/var/lib/postgresql/16/./main" are one data directory), never the root directory.
  void read_absolute_dir(const toml::table& table, std::string_view key, const std::string& prefix,
                         std::string& out) const {
    const std::string full = prefix + std::string(key);
    read_string(table, key, prefix, out);
    if (!table.get(key)) fail(table.source(), full, "is required");
    const toml::source_region& where = table.get(key)->source();
    if (out.empty() || out.front() != '/') fail(where, full, shown_value(out) + " is not an absolute path");
    std::string normal = fs::path(out).lexically_normal().string();
    while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
    if (normal == "/") fail(where, full, "must not be the root directory");
    out = normal;
  }

  // Where element `index` of the array `key` is (read_string_list has read it).
  static const toml::source_region& element_source(const toml::table& table, std::string_view key,
                                                   std::size_t index) {
    return (*table.get(key)->as_array())[index].source();
  }

  // Whether initdb takes `option` as its data directory: -D, -DDIR, --pgdata, --pgdata=DIR, and
  // the abbreviations getopt_long accepts (--pg, --pgd=DIR, ...).
  static bool names_pgdata(std::string_view option) {
    if (option.starts_with("-D")) return true;
    const std::string_view name = option.substr(0, option.find('='));
    return name.size() >= 4 && std::string_view("--pgdata").starts_with(name);
  }

  void read_platform(const toml::table& table, const std::string& p, TenantConfig& tenant) const {
    PlatformConfig& platform = tenant.platform;
    platform.where = location(table.source());
    reject_unknown(table, p, {"kind", "dump_format", "dump_compression", "jobs", "local", "kubernetes", "cloudsql"});
    const toml::node* kind = table.get("kind");
    if (!kind) fail(table.source(), p + "kind", "is required (kind = \"local\")");
    read_string(table, "kind", p, platform.kind);
    if (platform.kind == "cloudsql")
      fail(kind->source(), p + "kind",
           shown_value(platform.kind) + " is not available in this version of pgverify (local and kubernetes only)");
    if (platform.kind != "local" && platform.kind != "kubernetes")
      fail(kind->source(), p + "kind", shown_value(platform.kind) + " is not one of local, kubernetes, cloudsql");
    read_choice(table, "dump_format", p, platform.dump_format, {"custom", "directory"});
    read_choice(table, "dump_compression", p, platform.dump_compression, {"gzip", "lz4", "zstd", "none"});
    if (auto jobs = read_int(table, "jobs", p, 1, 64)) platform.jobs = static_cast<int>(*jobs);
    for (const char* other : {"local", "kubernetes", "cloudsql"})
      if (const toml::node* node = table.get(other); node && platform.kind != other)
        fail(node->source(), p + other,
             "the " + std::string(other) + " platform's table, but kind = \"" + platform.kind +
                 "\" (remove it, or the kind is wrong)");
    const toml::table* own = sub_table(table, platform.kind, p + platform.kind);
    if (!own)
      fail(table.source(), p + platform.kind,
           "is required with kind = \"" + platform.kind + "\" ([tenants." + tenant.name + ".platform." + platform.kind + "])");
    if (platform.kind == "local") read_local_platform(*own, p + "local.", tenant);
    if (platform.kind == "kubernetes") read_kubernetes_platform(*own, p + "kubernetes.", tenant);
  }

  // A Kubernetes object or label name (RFC 1123: lowercase letters, digits, '-' and '.'), required unless
  // `optional`; a context name is anything without control characters.
  void read_kube_name(const toml::table& table, std::string_view key, const std::string& p, std::string& out,
                      bool optional = false, bool context = false) const {
    read_string(table, key, p, out);
    const std::string full = p + std::string(key);
    const toml::node* node = table.get(key);
    if (!node) {
      if (!optional) fail(table.source(), full, "is required");
      return;
    }
    if (out.empty()) fail(node->source(), full, "must not be empty");
    const bool bad = context ? std::any_of(out.begin(), out.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })
                             : (out.size() > 253 || !std::all_of(out.begin(), out.end(), [](unsigned char c) {
                                  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
                                }) || out.front() == '-' || out.back() == '-');
    if (bad)
      fail(node->source(), full,
           shown_value(out) + (context ? " has control characters"
                                       : " is not a Kubernetes name (lowercase letters, digits, '-' and '.')"));
  }

  void read_kubernetes_platform(const toml::table& table, const std::string& p, TenantConfig& tenant) const {
    KubernetesPlatformConfig& kube = tenant.platform.kubernetes;
    reject_unknown(table, p, {"kubectl", "helm", "kubeconfig", "context", "dr_contexts", "namespace", "statefulset",
                              "pod", "pvc", "dependents", "helm_release", "helm_chart", "helm_version", "image_value",
                              "target_image", "db_user", "database", "secret", "ready_timeout"});
    for (const auto& [key_name, program] : {std::pair<std::string_view, std::string*>{"kubectl", &kube.kubectl},
                                            {"helm", &kube.helm}}) {
      read_string(table, key_name, p, *program);
      if (program->empty()) fail(table.get(key_name)->source(), p + std::string(key_name), "empty program name");
      *program = resolve_program(*program);
    }
    read_string(table, "kubeconfig", p, kube.kubeconfig);
    kube.kubeconfig = resolve_path(kube.kubeconfig);
    read_kube_name(table, "context", p, kube.context, false, true);
    read_string_list(table, "dr_contexts", p, kube.dr_contexts);
    for (std::size_t i = 0; i < kube.dr_contexts.size(); ++i)
      if (kube.dr_contexts[i].empty() || kube.dr_contexts[i] == kube.context)
        fail(element_source(table, "dr_contexts", i), p + "dr_contexts",
             kube.dr_contexts[i].empty() ? std::string("an empty context name")
                                         : shown_value(kube.dr_contexts[i]) + " is the tenant's own context");
    read_kube_name(table, "namespace", p, kube.namespace_);
    read_kube_name(table, "statefulset", p, kube.statefulset, true);
    read_kube_name(table, "pod", p, kube.pod, true);
    if (kube.pod.empty()) kube.pod = kube.statefulset + "-0";
    read_kube_name(table, "pvc", p, kube.pvc);
    std::vector<std::string> dependents;
    read_string_list(table, "dependents", p, dependents);
    for (std::size_t i = 0; i < dependents.size(); ++i) {
      const std::string& ref = dependents[i];
      const std::size_t slash = ref.find('/');
      KubernetesDependent dependent;
      if (slash != std::string::npos) dependent = {ref.substr(0, slash), ref.substr(slash + 1)};
      const bool name_ok = !dependent.name.empty() && std::all_of(dependent.name.begin(), dependent.name.end(),
                                                                  [](unsigned char c) {
                                                                    return (c >= 'a' && c <= 'z') ||
                                                                           (c >= '0' && c <= '9') || c == '-' || c == '.';
                                                                  });
      if ((dependent.kind != "deployment" && dependent.kind != "statefulset") || !name_ok)
        fail(element_source(table, "dependents", i), p + "dependents",
             shown_value(ref) + " is not deployment/NAME or statefulset/NAME");
      if (dependent.kind == "statefulset" && dependent.name == kube.statefulset)
        fail(element_source(table, "dependents", i), p + "dependents",
             shown_value(ref) + " is the database's own statefulset");
      for (const auto& other : kube.dependents)
        if (other.ref() == dependent.ref())
          fail(element_source(table, "dependents", i), p + "dependents", shown_value(ref) + " is listed twice");
      kube.dependents.push_back(dependent);
    }
    read_kube_name(table, "helm_release", p, kube.helm_release);
    read_string(table, "helm_chart", p, kube.helm_chart);
    if (kube.helm_chart.empty()) fail(table.get("helm_chart") ? table.get("helm_chart")->source() : table.source(),
                                      p + "helm_chart", table.get("helm_chart") ? "must not be empty" : "is required");
    read_string(table, "helm_version", p, kube.helm_version);
    for (const auto& [key_name, value] : {std::pair<std::string_view, std::string*>{"image_value", &kube.image_value},
                                          {"target_image", &kube.target_image}}) {
      read_string(table, key_name, p, *value);
      const toml::node* node = table.get(key_name);
      if (value->empty()) fail(node ? node->source() : table.source(), p + std::string(key_name),
                               node ? "must not be empty" : "is required");
      if (value->find_first_of(" \t\n,=") != std::string::npos)
        fail(node->source(), p + std::string(key_name),
             shown_value(*value) + " has a space, ',' or '=' (helm --set would read it as more than one value)");
    }
    read_string(table, "db_user", p, kube.db_user);
    read_string(table, "database", p, kube.database);
    if (kube.database.empty() && !tenant.source_dsn.empty()) {
      try {
        kube.database = pg::dbname_of(tenant.source_dsn).value_or("");
      } catch (const std::exception&) {
      }
    }
    if (kube.database.empty())
      fail(table.source(), p + "database", "is required (source_dsn names no dbname)");
    if (const toml::node* secret = table.get("secret")) {
      if (!secret->is_table()) fail(secret->source(), p + "secret", "expected a table { name = ..., key = ... }");
      const toml::table& st = *secret->as_table();
      reject_unknown(st, p + "secret.", {"name", "key"});
      read_kube_name(st, "name", p + "secret.", kube.secret_name);
      read_string(st, "key", p + "secret.", kube.secret_key);
      const bool key_ok = !kube.secret_key.empty() &&
                          std::all_of(kube.secret_key.begin(), kube.secret_key.end(), [](unsigned char c) {
                            return std::isalnum(c) || c == '-' || c == '_' || c == '.';
                          });
      if (!key_ok)
        fail(st.get("key") ? st.get("key")->source() : st.source(), p + "secret.key",
             st.get("key") ? shown_value(kube.secret_key) + " is not a secret key (letters, digits, '-', '_', '.')"
                           : "is required");
    }
    if (auto timeout = read_int(table, "ready_timeout", p, 1, 86400)) kube.ready_timeout = std::chrono::seconds(*timeout);
  }

  void read_local_platform(const toml::table& table, const std::string& p, TenantConfig& tenant) const {
    LocalPlatformConfig& local = tenant.platform.local;
    reject_unknown(table, p, {"data_dir", "port", "source_bindir", "target_bindir", "server_wrapper",
                              "initdb_options", "server_options", "services", "start_timeout"});
    read_absolute_dir(table, "data_dir", p, local.data_dir);
    read_absolute_dir(table, "source_bindir", p, local.source_bindir);
    read_absolute_dir(table, "target_bindir", p, local.target_bindir);
    if (auto port = read_int(table, "port", p, 1, 65535)) local.port = static_cast<int>(*port);
    if (auto timeout = read_int(table, "start_timeout", p, 1, 86400)) local.start_timeout = std::chrono::seconds(*timeout);

    if (const toml::node* wrapper = table.get("server_wrapper")) {
      const std::string full = p + "server_wrapper";
      if (wrapper->is_string()) {
        // A string is split into words as a shell would (quotes, backslashes), without running a shell.
        try {
          local.server_wrapper = text::split_shell_words(wrapper->as_string()->get());
        } catch (const std::invalid_argument& error) {
          fail(wrapper->source(), full, error.what());
        }
        for (const auto& word : local.server_wrapper)
          if (word.empty()) fail(wrapper->source(), full, "an empty word ('' or \"\")");
      } else {
        if (!wrapper->is_array())
          fail(wrapper->source(), full, "expected a string or an array of strings, found " + type_name(*wrapper));
        read_string_list(table, "server_wrapper", p, local.server_wrapper);
        for (std::size_t i = 0; i < local.server_wrapper.size(); ++i)
          if (local.server_wrapper[i].empty()) fail(element_source(table, "server_wrapper", i), full, "an empty word");
      }
    }

    if (table.get("initdb_options")) {
      local.initdb_options.clear();  // given: instead of the defaults, not beside them
      read_string_list(table, "initdb_options", p, local.initdb_options);
      for (std::size_t i = 0; i < local.initdb_options.size(); ++i)
        if (names_pgdata(local.initdb_options[i]))
          fail(element_source(table, "initdb_options", i), p + "initdb_options",
               shown_value(local.initdb_options[i]) + ": pgverify gives initdb the data directory itself (data_dir)");
    }

    read_string_list(table, "server_options", p, local.server_options);
    for (std::size_t i = 0; i < local.server_options.size(); ++i) {
      const std::string& option = local.server_options[i];
      const auto& where = element_source(table, "server_options", i);
      const std::size_t equals = option.find('=');
      if (equals == std::string::npos || equals == 0)
        fail(where, p + "server_options",
             shown_value(option) + " is not name=value (each becomes -c name=value for the server)");
      std::string name = option.substr(0, equals);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      // A -c port= after pgverify's -p would move the server off the port it waits on.
      if (name == "port")
        fail(where, p + "server_options", shown_value(option) + ": pgverify gives the server its port itself (port)");
    }

    if (const toml::node* services = table.get("services")) {
      const std::string full = p + "services";
      if (!services->is_array()) fail(services->source(), full, "expected an array of tables, found " + type_name(*services));
      for (const toml::node& item : *services->as_array()) {
        if (!item.is_table()) fail(item.source(), full, "expected an array of tables, found " + type_name(item) + " in it");
        const toml::table& service_table = *item.as_table();
        const std::string sp = full + "[" + std::to_string(local.services.size()) + "].";
        reject_unknown(service_table, sp, {"name", "stop", "start", "replicas"});
        LocalService service;
        for (const auto& [key_name, value] : {std::pair<std::string_view, std::string*>{"name", &service.name},
                                              {"stop", &service.stop},
                                              {"start", &service.start}}) {
          read_string(service_table, key_name, sp, *value);
          if (value->empty()) {
            const toml::node* node = service_table.get(key_name);
            fail(node ? node->source() : item.source(), sp + std::string(key_name),
                 node ? "must not be empty" : "is required");
          }
        }
        if (auto replicas = read_int(service_table, "replicas", sp, 0, 10000)) service.replicas = static_cast<int>(*replicas);
        for (const auto& other : local.services)
          if (other.name == service.name)
            fail(service_table.get("name")->source(), sp + "name", shown_value(service.name) + " is listed twice");
        local.services.push_back(std::move(service));
      }
    }

    // The target comes up in the source's place, on its port: a DSN naming another port
    // would reach nothing (or another server) after the upgrade.
    const toml::node* port_node = table.get("port");
    for (const auto& [key_name, dsn] : {std::pair<std::string_view, const std::string*>{"source_dsn", &tenant.source_dsn},
                                        {"target_dsn", &tenant.target_dsn}}) {
      if (dsn->empty()) continue;
      std::optional<int> port;
      try {
        port = pg::port_of(*dsn);
      } catch (const std::exception&) {
        continue;  // check_dsn has said what is wrong with it
      }
      if (port && *port != local.port)
        fail(port_node ? port_node->source() : table.source(), p + "port",
             "the platform's port is " + std::to_string(local.port) + (port_node ? "" : " (the default)") + " but " +
                 std::string(key_name) + " names port " + std::to_string(*port) +
                 ": on the local platform the target comes up in the source's place, on the same port, so both "
                 "DSNs must name that port (or none)");
    }
  }

  void read_string_list(const toml::table& table, std::string_view key, const std::string& prefix,
                        std::vector<std::string>& out) const {
    const toml::node* node = table.get(key);
    if (!node) return;
    const std::string full = prefix + std::string(key);
    if (!node->is_array()) fail(node->source(), full, "expected an array of strings, found " + type_name(*node));
    for (const toml::node& item : *node->as_array()) {
      if (!item.is_string()) fail(item.source(), full, "expected an array of strings, found " + type_name(item) + " in it");
      out.push_back(item.as_string()->get());
    }
  }

  Config read(const toml::table& root) const {
    Config config;
    config.path = m_origin;
    reject_unknown(root, "", {"tenants"});
    const toml::table* tenants = sub_table(root, "tenants", "tenants");
    if (!tenants) return config;
    for (const auto& [key, node] : *tenants) {
      std::string name(key.str());
      if (!is_tenant_name(name)) fail(key.source(), "tenants." + shown_name(name), kTenantNameRule);
      if (!node.is_table())
        fail(node.source(), "tenants." + name, "expected a table ([tenants." + name + "])");
      config.tenants.emplace(name, read_tenant(name, *node.as_table()));
    }
    return config;
  }

 private:
  fs::path m_origin;
};

// Before any check runs: a file the configuration names and a check would
// read, missing, is the configuration's mistake (exit 2), not a check's error.
void check_configured_file(const ConfiguredFile& file) {
  std::error_code ec;
  const fs::file_status status = fs::status(file.path, ec);
  std::string what;
  if (!fs::exists(status))
    what = ec && ec != std::errc::no_such_file_or_directory ? " cannot be read (" + ec.message() + ")" : " does not exist";
  else if (file.regular && fs::is_directory(status))
    what = " is a directory, expected a file";
  else if (!fs::is_regular_file(status) && !fs::is_directory(status))
    what = " is not a regular file (a FIFO, socket or device would block or never end)";
  else
    return;
  const std::string rule =
      file.base.empty() ? "" : " (a relative path is read from the configuration file's directory, " + file.base + ")";
  throw ConfigError(file.where + ": " + file.key + ": " + file.path + what + rule);
}

}  // namespace

const TenantConfig& Config::tenant(const std::string& name) const {
  auto it = tenants.find(name);
  if (it != tenants.end()) {
    for (const ConfiguredFile& file : it->second.files) check_configured_file(file);
    return it->second;
  }
  std::string known;
  for (const auto& [tenant_name, _] : tenants) known += (known.empty() ? "" : ", ") + tenant_name;
  std::string where = path.empty() ? std::string("no configuration file") : path.string();
  const std::string shown = is_tenant_name(name) ? "'" + name + "'" : shown_name(name) + " (" + kTenantNameRule + ")";
  throw ConfigError(where + ": unknown tenant " + shown +
                    (known.empty() ? std::string(" (no tenants configured)")
                                   : " (configured: " + known + ")"));
}

Config parse_config(std::string_view text, const fs::path& origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin.string());
  } catch (const toml::parse_error& error) {
    const auto& where = error.source().begin;
    std::ostringstream message;
    message << origin.string() << ':' << where.line << ':' << where.column
            << ": invalid TOML: " << error.description();
    throw ConfigError(message.str());
  }
  return Reader(origin).read(root);
}

Config load_config_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw ConfigError(path.string() + ": configuration file not found");
  if (fs::is_directory(path, ec))
    throw ConfigError(path.string() + ": is a directory, expected a TOML file");
  // A FIFO or a device is refused without being opened: --config /dev/zero
  // or a pipe must not hang or read without end.
  constexpr std::uint64_t limit = 16u << 20;
  try {
    return parse_config(files::read_whole_file(path, limit), path);
  } catch (const files::FileError& error) {
    throw ConfigError(std::string(error.what()) + " (a configuration file must be a regular TOML file of at most 16 MiB)");
  }
}

std::optional<fs::path> locate_config(const std::optional<std::string>& explicit_path) {
  if (explicit_path) return fs::path(*explicit_path);
  // As kubectl: the flag, then the environment, then the default file. A
  // variable naming a file that is not there is an error, not a fallback.
  if (const char* env = std::getenv("PGVERIFY_CONFIG"); env && *env) return fs::path(env);
  std::error_code ec;
  if (fs::exists("pgverify.toml", ec)) return fs::path("pgverify.toml");
  return std::nullopt;
}

}  // namespace pgverify
