#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <unistd.h>

#include "config/config.hpp"
#include "pg/dsn_edit.hpp"

using namespace pgverify;

namespace {

std::string error_of(std::string_view text) {
  try {
    parse_config(text, "conf/pgverify.toml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a full tenant parses with every documented key", "[config]") {
  Config config = parse_config(R"(
[tenants.demo]
source_dsn   = "host=127.0.0.1 port=54017 dbname=qrydb user=postgres"
target_dsn   = "postgresql://postgres@127.0.0.1:54018/qrydb"
target_major = 18
dump_path    = "dumps/qrydb.dump"

[tenants.demo.clients]
pg_dump    = "/usr/lib/postgresql/17/bin/pg_dump"
pg_restore = "bin/pg_restore"
psql       = "psql"

[tenants.demo.app]
health_url   = "https://qry.example/health/ready"
insecure_tls = true
health_connect_timeout = 3
health_request_timeout = 7
health_deadline = 300
python_requirements = "backend/requirements.txt"

[tenants.demo.fernet]
secret_env     = "JWT_SECRET_KEY"
query          = "SELECT credentials FROM integrations"
sample         = 25
key_derivation = "sha256"
ttl            = 86400

[tenants.demo.hash]
mode    = "text"
jobs    = 4
include = ["public.*"]
exclude = ["public.audit_*", "public.tmp?"]
)",
                               "/etc/pgverify/pgverify.toml");
  // Not config.tenant(): that also wants the files named to be there.
  const TenantConfig& demo = config.tenants.at("demo");
  CHECK(demo.source_dsn == "host=127.0.0.1 port=54017 dbname=qrydb user=postgres");
  CHECK(demo.target_dsn == "postgresql://postgres@127.0.0.1:54018/qrydb");
  CHECK(demo.target_major == 18);
  // Relative paths are relative to the configuration file; bare program names stay for PATH.
  CHECK(demo.dump_path == "/etc/pgverify/dumps/qrydb.dump");
  CHECK(demo.clients.pg_dump == "/usr/lib/postgresql/17/bin/pg_dump");
  CHECK(demo.clients.pg_restore == "/etc/pgverify/bin/pg_restore");
  CHECK(demo.clients.psql == "psql");
  CHECK(demo.app.health_url == "https://qry.example/health/ready");
  CHECK(demo.app.insecure_tls);
  CHECK(demo.app.health_connect_timeout == std::chrono::seconds(3));
  CHECK(demo.app.health_request_timeout == std::chrono::seconds(7));
  CHECK(demo.app.health_deadline == std::chrono::seconds(300));
  CHECK(demo.app.python_requirements == "/etc/pgverify/backend/requirements.txt");
  CHECK(demo.fernet.secret_env == "JWT_SECRET_KEY");
  CHECK(demo.fernet.sample == 25);
  CHECK(demo.fernet.key_derivation == "sha256");
  CHECK(demo.fernet.ttl_seconds == 86400);
  CHECK(demo.hash.mode == "text");
  CHECK(demo.hash.jobs == 4);
  CHECK(demo.hash.jobs_configured);
  CHECK(demo.hash.include == std::vector<std::string>{"public.*"});
  CHECK(demo.hash.exclude == std::vector<std::string>{"public.audit_*", "public.tmp?"});
}

TEST_CASE("defaults apply to keys left out", "[config]") {
  Config config = parse_config("[tenants.a]\nsource_dsn = \"dbname=a\"\n", "p.toml");
  const TenantConfig& a = config.tenant("a");
  CHECK(a.clients.pg_dump == "pg_dump");
  CHECK(a.clients.pg_restore == "pg_restore");
  CHECK(a.clients.psql == "psql");
  CHECK_FALSE(a.target_major.has_value());
  CHECK_FALSE(a.app.insecure_tls);
  CHECK(a.app.health_deadline == std::chrono::seconds(120));
  CHECK(a.fernet.sample == 100);
  CHECK(a.fernet.key_derivation == "auto");
}

TEST_CASE("an unknown key names file, line, column and key, with a suggestion", "[config]") {
  CHECK(error_of("[tenants.demo]\nsource_dsn = \"x\"\nsorce_dsn = \"y\"\n") ==
        "conf/pgverify.toml:3:1: tenants.demo.sorce_dsn: unknown key (did you mean 'source_dsn'?)");
  CHECK(error_of("[tenants.demo.clients]\npg_dumpall = \"x\"\n") ==
        "conf/pgverify.toml:2:1: tenants.demo.clients.pg_dumpall: unknown key (did you mean 'pg_dump'?)");
  CHECK(error_of("tenant = 1\n") ==
        "conf/pgverify.toml:1:1: tenant: unknown key (did you mean 'tenants'?)");
  CHECK(error_of("[tenants.demo.fernet]\nwhatever = 1\n") ==
        "conf/pgverify.toml:2:1: tenants.demo.fernet.whatever: unknown key");
}

TEST_CASE("a wrong type names the key and what was expected", "[config]") {
  CHECK(error_of("[tenants.demo]\ntarget_major = \"18\"\n") ==
        "conf/pgverify.toml:2:16: tenants.demo.target_major: expected an integer, found a string");
  CHECK(error_of("[tenants.demo]\nsource_dsn = 5417\n") ==
        "conf/pgverify.toml:2:14: tenants.demo.source_dsn: expected a string, found an integer");
  CHECK(error_of("[tenants.demo.app]\ninsecure_tls = \"yes\"\n") ==
        "conf/pgverify.toml:2:16: tenants.demo.app.insecure_tls: expected true or false, found a string");
  CHECK(error_of("[tenants.demo]\nclients = 3\n") ==
        "conf/pgverify.toml:2:11: tenants.demo.clients: expected a table");
  CHECK(error_of("tenants = 3\n") == "conf/pgverify.toml:1:11: tenants: expected a table");
}

TEST_CASE("values out of range or outside their choices are rejected", "[config]") {
  CHECK(error_of("[tenants.demo]\ntarget_major = 9\n") ==
        "conf/pgverify.toml:2:16: tenants.demo.target_major: value 9 out of range 10..99");
  CHECK(error_of("[tenants.demo.fernet]\nsample = 0\n") ==
        "conf/pgverify.toml:2:10: tenants.demo.fernet.sample: value 0 out of range 1..1000000");
  CHECK(error_of("[tenants.demo.fernet]\nkey_derivation = \"md5\"\n") ==
        "conf/pgverify.toml:2:18: tenants.demo.fernet.key_derivation: 'md5' is not one of raw, sha256, auto");
  CHECK(error_of("[tenants.demo.fernet]\nsecret_env = \"A\"\nsecret_file = \"b\"\n") ==
        "conf/pgverify.toml:3:15: tenants.demo.fernet.secret_file: give secret_env or secret_file, not both");
  CHECK(error_of("[tenants.demo.clients]\npsql = \"\"\n") ==
        "conf/pgverify.toml:2:8: tenants.demo.clients.psql: empty program name");
}

TEST_CASE("a malformed connection string is caught with its line", "[config]") {
  CHECK(error_of("[tenants.demo]\nsource_dsn = \"host=db port\"\n") ==
        "conf/pgverify.toml:2:14: tenants.demo.source_dsn: invalid connection string: missing \"=\" after \"port\" in connection info string");
  CHECK(error_of("[tenants.demo]\ntarget_dsn = \"postgresql://a:secret@db:5432/x?bogus=1\"\n") ==
        "conf/pgverify.toml:2:14: tenants.demo.target_dsn: invalid connection string: invalid URI query parameter: \"bogus\"");
  // libpq quotes back the part it stopped at, which may be the password.
  CHECK(error_of("[tenants.demo]\nsource_dsn = \"host=db password=Pw0rd LEAKY\"\n") ==
        "conf/pgverify.toml:2:14: tenants.demo.source_dsn: invalid connection string: missing \"=\" after \"****\" in connection info string");
  CHECK(error_of("[tenants.demo]\ntarget_dsn = \"postgresql://a:Pw0rd%zz@db/x\"\n") ==
        "conf/pgverify.toml:2:14: tenants.demo.target_dsn: invalid connection string: invalid percent-encoded token: \"****\"");
}

TEST_CASE("a connection string libpq would refuse when connecting is caught with its line", "[config]") {
  const auto dsn_error = [](const std::string& key, const std::string& dsn) {
    return error_of("[tenants.demo]\n" + key + " = \"" + dsn + "\"\n");
  };
  const std::string at = "conf/pgverify.toml:2:14: tenants.demo.";
  const std::string port_rule = " (a port is a number from 1 to 65535)";
  CHECK(dsn_error("source_dsn", "postgresql://u:p@127.0.0.1:notaport/db") ==
        at + "source_dsn: invalid connection string: invalid port number: \"notaport\"" + port_rule);
  CHECK(dsn_error("target_dsn", "host=a,b port=5432,x password=Pw0rdX") ==
        at + "target_dsn: invalid connection string: invalid port number: \"x\"" + port_rule);
  CHECK(dsn_error("target_dsn", "host=db sslmode=requir password=Pw0rdX") ==
        at + "target_dsn: invalid connection string: invalid sslmode value: \"requir\" "
             "(one of disable, allow, prefer, require, verify-ca, verify-full)");
}

TEST_CASE("hash settings are checked", "[config]") {
  CHECK(error_of("[tenants.demo.hash]\nmode = \"fast\"\n") ==
        "conf/pgverify.toml:2:8: tenants.demo.hash.mode: 'fast' is not one of binary, text");
  CHECK(error_of("[tenants.demo.hash]\njobs = 0\n") ==
        "conf/pgverify.toml:2:8: tenants.demo.hash.jobs: value 0 out of range 1..64");
  CHECK(error_of("[tenants.demo.hash]\ninclude = \"public.*\"\n") ==
        "conf/pgverify.toml:2:11: tenants.demo.hash.include: expected an array of strings, found a string");
  CHECK(error_of("[tenants.demo.hash]\nexclude = [\"a\", 3]\n") ==
        "conf/pgverify.toml:2:17: tenants.demo.hash.exclude: expected an array of strings, found an integer in it");
}

TEST_CASE("health settings are checked, and a URL's password is never shown", "[config]") {
  CHECK_THAT(error_of("[tenants.demo.app]\nhealth_url = \"qry.example/health\"\n"),
             Catch::StartsWith("conf/pgverify.toml:2:14: tenants.demo.app.health_url: 'qry.example/health' is not a URL ("));
  CHECK(error_of("[tenants.demo.app]\nhealth_url = \"ftp://u:s3cret@qry.example/health\"\n") ==
        "conf/pgverify.toml:2:14: tenants.demo.app.health_url: 'ftp://u:***@qry.example/health' is not an http or https URL");
  CHECK(error_of("[tenants.demo.app]\nhealth_deadline = 0\n") ==
        "conf/pgverify.toml:2:19: tenants.demo.app.health_deadline: value 0 out of range 1..3600");
  CHECK(error_of("[tenants.demo.app]\nhealth_request_timeout = \"10s\"\n") ==
        "conf/pgverify.toml:2:26: tenants.demo.app.health_request_timeout: expected an integer, found a string");
}

TEST_CASE("a health URL without its host is refused, with the URL's secrets masked", "[config]") {
  const auto url_error = [](const std::string& url) { return error_of("[tenants.demo.app]\nhealth_url = \"" + url + "\"\n"); };
  const std::string at = "conf/pgverify.toml:2:14: tenants.demo.app.health_url: ";
  const std::string no_host = " names no host (an http URL is http://HOST[:PORT]/PATH)";
  CHECK(url_error("http:///ok") == at + "'http:///ok'" + no_host);
  CHECK(url_error("https:///health?token=t0kenX") == at + "'https:///health?token=***'" + no_host);
  CHECK(url_error("ftp://u:s3cret@qry.example/x?sig=s1gX") ==
        at + "'ftp://u:***@qry.example/x?sig=***' is not an http or https URL");
}

TEST_CASE("tenant names are identifiers: they become directories", "[config]") {
  const std::string rule = "a tenant name is letters, digits, '.', '_' and '-', starting with a letter or digit "
                           "(it names the directory pgverify-out/TENANT)";
  CHECK(error_of("[tenants.\"../../escape\"]\nsource_dsn = \"host=x\"\n") ==
        "conf/pgverify.toml:1:10: tenants.\"../../escape\": " + rule);
  CHECK(error_of("[tenants.ok]\n[tenants.\"\"]\n") == "conf/pgverify.toml:2:10: tenants.\"\": " + rule);
  CHECK(error_of("[tenants.\"a/b\"]\n") == "conf/pgverify.toml:1:10: tenants.\"a/b\": " + rule);
  CHECK(error_of("[tenants.\".hidden\"]\n") == "conf/pgverify.toml:1:10: tenants.\".hidden\": " + rule);
  CHECK(error_of("tenants.\"-rf\".source_dsn = \"host=x\"\n") == "conf/pgverify.toml:1:9: tenants.\"-rf\": " + rule);
  // Shown as text::printable shows names: valid UTF-8 kept, controls spelled out.
  CHECK(error_of("[tenants.\"caf\u00e9\"]\n") == "conf/pgverify.toml:1:10: tenants.\"caf\u00e9\": " + rule);
  CHECK(error_of("[tenants.\"a\\nb\"]\n") == "conf/pgverify.toml:1:10: tenants.\"a\\x0ab\": " + rule);
  Config config = parse_config("[tenants.prod-eu]\n[tenants.\"qry_2.staging\"]\n[tenants.0]\n", "p.toml");
  CHECK(config.tenants.size() == 3);

  // On the command line, a name that is no name is an unknown tenant, and says why.
  CHECK_THROWS_WITH(config.tenant("../prod-eu"),
                    "p.toml: unknown tenant \"../prod-eu\" (" + rule + ") (configured: 0, prod-eu, qry_2.staging)");
  CHECK_THROWS_WITH(config.tenant(""), "p.toml: unknown tenant \"\" (" + rule + ") (configured: 0, prod-eu, qry_2.staging)");
}

TEST_CASE("a file a check reads must be there when its tenant is used, named with key and resolved path", "[config]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("pgverify-files-" + std::to_string(::getpid()));
  fs::create_directories(dir / "backend");
  const std::string text =
      "[tenants.demo.app]\npython_requirements = \"backend/requirements.txt\"\n"
      "[tenants.demo.fernet]\nsecret_file = \"/nonexistent/jwt\"\n"
      "[tenants.other]\n";
  const Config config = parse_config(text, dir / "pgverify.toml");
  // Another tenant's files do not matter.
  CHECK_NOTHROW(config.tenant("other"));
  CHECK_THROWS_WITH(config.tenant("demo"),
                    (dir / "pgverify.toml").string() + ":2:23: tenants.demo.app.python_requirements: " +
                        (dir / "backend/requirements.txt").string() +
                        " does not exist (a relative path is read from the configuration file's directory, " +
                        dir.string() + ")");
  std::ofstream(dir / "backend/requirements.txt") << "asyncpg==0.31.0\n";
  CHECK_THROWS_WITH(config.tenant("demo"), (dir / "pgverify.toml").string() +
                                               ":4:15: tenants.demo.fernet.secret_file: /nonexistent/jwt does not exist");
  fs::create_directories(dir / "jwt");
  const Config directory = parse_config("[tenants.demo.fernet]\nsecret_file = \"jwt\"\n", dir / "pgverify.toml");
  CHECK_THROWS_WITH(directory.tenant("demo"), Catch::Contains("tenants.demo.fernet.secret_file: " +
                                                              (dir / "jwt").string() + " is a directory, expected a file"));
  // A FIFO or a device blocks or never ends: refused before any check reads it.
  const Config device = parse_config("[tenants.demo.app]\npython_requirements = \"/dev/zero\"\n", dir / "pgverify.toml");
  CHECK_THROWS_WITH(device.tenant("demo"), Catch::Contains("python_requirements: /dev/zero is not a regular file"));
  REQUIRE(::mkfifo((dir / "jwt.fifo").c_str(), 0600) == 0);
  const Config fifo = parse_config("[tenants.demo.fernet]\nsecret_file = \"jwt.fifo\"\n", dir / "pgverify.toml");
  CHECK_THROWS_WITH(fifo.tenant("demo"), Catch::Contains("jwt.fifo is not a regular file"));
  // A site-packages directory is a python_requirements.
  const Config site = parse_config("[tenants.demo.app]\npython_requirements = \"backend\"\n", dir / "pgverify.toml");
  CHECK(site.tenant("demo").app.python_requirements == (dir / "backend").string());
  // Relative to the configuration file, also when it is named relative to the working directory.
  const fs::path previous = fs::current_path();
  fs::current_path(dir);
  const Config relative = parse_config("[tenants.demo.app]\npython_requirements = \"requirements.txt\"\n",
                                       "backend/pgverify.toml");
  CHECK(relative.tenant("demo").app.python_requirements == (dir / "backend/requirements.txt").string());
  fs::current_path(previous);
  fs::remove_all(dir);
}

TEST_CASE("broken TOML is one line with the position", "[config]") {
  std::string error = error_of("[tenants.demo]\nsource_dsn = \"unterminated\n");
  CHECK(error.rfind("conf/pgverify.toml:2:", 0) == 0);
  CHECK(error.find("invalid TOML") != std::string::npos);
  CHECK(error.find('\n') == std::string::npos);
}

TEST_CASE("an unknown tenant lists the configured ones", "[config]") {
  Config config = parse_config("[tenants.a]\n[tenants.b]\n", "x/p.toml");
  try {
    config.tenant("c");
    FAIL("no error");
  } catch (const ConfigError& error) {
    CHECK(std::string(error.what()) == "x/p.toml: unknown tenant 'c' (configured: a, b)");
  }
  Config empty = parse_config("", "x/p.toml");
  CHECK_THROWS_WITH(empty.tenant("c"), "x/p.toml: unknown tenant 'c' (no tenants configured)");
}

TEST_CASE("a missing file or a directory is a clear error", "[config]") {
  CHECK_THROWS_WITH(load_config_file("/nonexistent/pgverify.toml"),
                    "/nonexistent/pgverify.toml: configuration file not found");
  CHECK_THROWS_WITH(load_config_file("/tmp"), "/tmp: is a directory, expected a TOML file");
}

TEST_CASE("the config is found through --config, then $PGVERIFY_CONFIG, then ./pgverify.toml", "[config]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("pgverify-locate-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path previous = fs::current_path();
  fs::current_path(dir);
  ::setenv("PGVERIFY_CONFIG", "/from/env.toml", 1);

  CHECK(locate_config(std::string("given.toml")) == fs::path("given.toml"));
  CHECK(locate_config(std::nullopt) == fs::path("/from/env.toml"));
  // The variable is asked for explicitly: a ./pgverify.toml does not override it.
  std::ofstream(dir / "pgverify.toml") << "";
  CHECK(locate_config(std::string("given.toml")) == fs::path("given.toml"));
  CHECK(locate_config(std::nullopt) == fs::path("/from/env.toml"));
  ::unsetenv("PGVERIFY_CONFIG");
  CHECK(locate_config(std::nullopt) == fs::path("pgverify.toml"));
  ::setenv("PGVERIFY_CONFIG", "", 1);  // set but empty: as unset
  CHECK(locate_config(std::nullopt) == fs::path("pgverify.toml"));
  ::unsetenv("PGVERIFY_CONFIG");
  fs::remove(dir / "pgverify.toml");
  CHECK_FALSE(locate_config(std::nullopt).has_value());

  fs::current_path(previous);
  fs::remove_all(dir);
}

namespace {

// A tenant with a local platform: what `platform` holds goes on line 4 (after kind),
// what `local` holds after the three required keys of the local table.
constexpr const char* kLocalRequired =
    "data_dir = \"/srv/pg/data\"\nsource_bindir = \"/usr/lib/postgresql/16/bin\"\n"
    "target_bindir = \"/usr/lib/postgresql/18/bin\"\n";

std::string with_platform(const std::string& platform, const std::string& local) {
  return "[tenants.t]\n[tenants.t.platform]\nkind = \"local\"\n" + platform + "[tenants.t.platform.local]\n" +
         kLocalRequired + local;
}

// The error of a line in the local table: it is line 8.
std::string local_error(const std::string& line) { return error_of(with_platform("", line)); }
// The error of a line in the platform table: it is line 4.
std::string platform_error(const std::string& line) { return error_of(with_platform(line, "")); }

const std::string kAtLocal = "conf/pgverify.toml:8:";

}  // namespace

TEST_CASE("a local platform parses with every key", "[config][platform]") {
  Config config = parse_config(R"(
[tenants.qry]
source_dsn   = "host=127.0.0.1 port=54016 dbname=qrydb user=postgres"
target_dsn   = "postgresql://postgres@127.0.0.1:54016/qrydb"
target_major = 18

[tenants.qry.platform]
kind             = "local"
dump_format      = "directory"
dump_compression = "zstd"
jobs             = 8

[tenants.qry.platform.local]
data_dir       = "/var/lib/postgresql//16/./main/"
port           = 54016
source_bindir  = "/usr/lib/postgresql/16/bin"
target_bindir  = "/usr/lib/postgresql/18/bin/"
server_wrapper = ["chroot", "/srv/sid", "/usr/sbin/runuser", "-u", "postgres", "--"]
initdb_options = ["-U", "postgres", "--auth=trust"]
server_options = ["listen_addresses=127.0.0.1", "unix_socket_directories=/tmp", "shared_preload_libraries="]
start_timeout  = 600
services = [
  { name = "qry-backend", stop = "systemctl stop qry-backend", start = "systemctl start qry-backend", replicas = 2 },
  { name = "qry-worker", stop = "systemctl stop qry-worker", start = "systemctl start qry-worker", replicas = 0 },
]
)",
                               "/etc/pgverify/pgverify.toml");
  const PlatformConfig& platform = config.tenants.at("qry").platform;
  CHECK(platform.kind == "local");
  CHECK(platform.where == "/etc/pgverify/pgverify.toml:7:1");
  CHECK(platform.dump_format == "directory");
  CHECK(platform.dump_compression == "zstd");
  CHECK(platform.jobs == 8);
  const LocalPlatformConfig& local = platform.local;
  // Normalised: the same directory written another way is the same volume.
  CHECK(local.data_dir == "/var/lib/postgresql/16/main");
  CHECK(local.port == 54016);
  CHECK(local.source_bindir == "/usr/lib/postgresql/16/bin");
  CHECK(local.target_bindir == "/usr/lib/postgresql/18/bin");
  CHECK(local.server_wrapper == std::vector<std::string>{"chroot", "/srv/sid", "/usr/sbin/runuser", "-u", "postgres", "--"});
  CHECK(local.initdb_options == std::vector<std::string>{"-U", "postgres", "--auth=trust"});
  CHECK(local.server_options ==
        std::vector<std::string>{"listen_addresses=127.0.0.1", "unix_socket_directories=/tmp", "shared_preload_libraries="});
  CHECK(local.start_timeout == std::chrono::seconds(600));
  REQUIRE(local.services.size() == 2);
  CHECK(local.services[0].name == "qry-backend");
  CHECK(local.services[0].stop == "systemctl stop qry-backend");
  CHECK(local.services[0].start == "systemctl start qry-backend");
  CHECK(local.services[0].replicas == 2);
  CHECK(local.services[1].name == "qry-worker");
  CHECK(local.services[1].replicas == 0);
}

TEST_CASE("a local platform's defaults apply to keys left out", "[config][platform]") {
  Config none = parse_config("[tenants.t]\nsource_dsn = \"dbname=a\"\n", "p.toml");
  CHECK(none.tenants.at("t").platform.kind.empty());  // no platform: `upgrade` says so

  Config config = parse_config(with_platform("", "[[tenants.t.platform.local.services]]\n"
                                                 "name = \"a\"\nstop = \"x\"\nstart = \"y\"\n"),
                               "p.toml");
  const PlatformConfig& platform = config.tenants.at("t").platform;
  CHECK(platform.kind == "local");
  CHECK(platform.where == "p.toml:2:1");
  CHECK(platform.dump_format == "custom");
  CHECK(platform.dump_compression == "lz4");
  CHECK(platform.jobs == 2);
  CHECK_FALSE(config.tenants.at("t").hash.jobs_configured);  // the upgrade's gates then take platform.jobs
  const LocalPlatformConfig& local = platform.local;
  CHECK(local.port == 5432);
  CHECK(local.server_wrapper.empty());
  CHECK(local.initdb_options == std::vector<std::string>{"--data-checksums", "--encoding=UTF8", "--locale=C.UTF-8"});
  CHECK(local.server_options.empty());
  CHECK(local.start_timeout == std::chrono::seconds(120));
  REQUIRE(local.services.size() == 1);  // [[...]] tables are the same array of tables
  CHECK(local.services[0].replicas == 1);
}

TEST_CASE("a platform's kind is required, and cloudsql is not available yet", "[config][platform]") {
  CHECK(error_of("[tenants.t.platform]\njobs = 2\n") ==
        "conf/pgverify.toml:1:1: tenants.t.platform.kind: is required (kind = \"local\")");
  CHECK(error_of("[tenants.t.platform]\nkind = \"kubernetes\"\n") ==
        "conf/pgverify.toml:1:1: tenants.t.platform.kubernetes: is required with kind = \"kubernetes\" "
        "([tenants.t.platform.kubernetes])");
  CHECK(error_of("[tenants.t.platform]\nkind = \"cloudsql\"\n[tenants.t.platform.cloudsql]\nproject = \"p\"\n") ==
        "conf/pgverify.toml:2:8: tenants.t.platform.kind: 'cloudsql' is not available in this version of "
        "pgverify (local and kubernetes only)");
  CHECK(error_of("[tenants.t.platform]\nkind = \"docker\"\n") ==
        "conf/pgverify.toml:2:8: tenants.t.platform.kind: 'docker' is not one of local, kubernetes, cloudsql");
  CHECK(error_of("[tenants.t.platform]\nkind = 1\n") ==
        "conf/pgverify.toml:2:8: tenants.t.platform.kind: expected a string, found an integer");
  CHECK(error_of("[tenants.t]\nplatform = \"local\"\n") ==
        "conf/pgverify.toml:2:12: tenants.t.platform: expected a table");
  // kind = "local" wants its table, and no other platform's.
  CHECK(error_of("[tenants.t.platform]\nkind = \"local\"\n") ==
        "conf/pgverify.toml:1:1: tenants.t.platform.local: is required with kind = \"local\" "
        "([tenants.t.platform.local])");
  CHECK(platform_error("[tenants.t.platform.kubernetes]\n") ==
        "conf/pgverify.toml:4:1: tenants.t.platform.kubernetes: the kubernetes platform's table, but kind = "
        "\"local\" (remove it, or the kind is wrong)");
  CHECK(platform_error("cloudsql = { project = \"p\" }\n") ==
        "conf/pgverify.toml:4:12: tenants.t.platform.cloudsql: the cloudsql platform's table, but kind = "
        "\"local\" (remove it, or the kind is wrong)");
  CHECK(error_of("[tenants.t.platform]\nkind = \"local\"\nlocal = 1\n") ==
        "conf/pgverify.toml:3:9: tenants.t.platform.local: expected a table");
}

namespace {

// A kubernetes platform table with every required key, and `extra` lines after them.
std::string kube_config(const std::string& extra = "", const std::string& drop = "") {
  std::string keys = "context = \"ixenlab\"\nnamespace = \"qry-app\"\npvc = \"postgres-data-postgres-0\"\n"
                     "helm_release = \"qry\"\nhelm_chart = \"oci://registry.example/qry-platform\"\n"
                     "image_value = \"postgres.image\"\ntarget_image = \"pgvector/pgvector:pg18\"\n";
  if (!drop.empty()) {
    const auto at = keys.find(drop + " = ");
    keys.erase(at, keys.find('\n', at) - at + 1);
  }
  return "[tenants.t]\nsource_dsn = \"host=db dbname=qrydb\"\n[tenants.t.platform]\nkind = \"kubernetes\"\n"
         "[tenants.t.platform.kubernetes]\n" + keys + extra;
}

}  // namespace

TEST_CASE("the kubernetes platform's table: defaults, names, dependents, the secret", "[config][platform]") {
  const auto config = parse_config(kube_config(
      "dependents = [\"deployment/qry-backend\", \"statefulset/celery-beat\"]\n"
      "secret = { name = \"qry-platform-secrets\", key = \"JWT_SECRET_KEY\" }\ndr_contexts = [\"ixenlab-dr\"]\n"),
      "conf/pgverify.toml");
  const auto& kube = config.tenants.at("t").platform.kubernetes;
  CHECK(kube.kubectl == "kubectl");
  CHECK(kube.helm == "helm");
  CHECK(kube.statefulset == "postgres");
  CHECK(kube.pod == "postgres-0");
  CHECK(kube.database == "qrydb");  // from source_dsn
  CHECK(kube.db_user == "postgres");
  CHECK(kube.ready_timeout == std::chrono::seconds(300));
  REQUIRE(kube.dependents.size() == 2);
  CHECK(kube.dependents[1].ref() == "statefulset/celery-beat");
  CHECK(kube.secret_name == "qry-platform-secrets");
  CHECK(kube.secret_key == "JWT_SECRET_KEY");
  CHECK(kube.dr_contexts == std::vector<std::string>{"ixenlab-dr"});

  const auto error = [](const std::string& text) { return error_of(text); };
  CHECK(error(kube_config("", "pvc")) ==
        "conf/pgverify.toml:5:1: tenants.t.platform.kubernetes.pvc: is required");
  CHECK(error(kube_config("statefulset = \"Postgres\"\n")) ==
        "conf/pgverify.toml:13:15: tenants.t.platform.kubernetes.statefulset: 'Postgres' is not a Kubernetes name "
        "(lowercase letters, digits, '-' and '.')");
  CHECK(error(kube_config("dependents = [\"qry-backend\"]\n")) ==
        "conf/pgverify.toml:13:15: tenants.t.platform.kubernetes.dependents: 'qry-backend' is not deployment/NAME or "
        "statefulset/NAME");
  CHECK(error(kube_config("dependents = [\"statefulset/postgres\"]\n")) ==
        "conf/pgverify.toml:13:15: tenants.t.platform.kubernetes.dependents: 'statefulset/postgres' is the "
        "database's own statefulset");
  CHECK(error(kube_config("dependents = [\"deployment/a\", \"deployment/a\"]\n")) ==
        "conf/pgverify.toml:13:31: tenants.t.platform.kubernetes.dependents: 'deployment/a' is listed twice");
  CHECK(error(kube_config("dr_contexts = [\"ixenlab\"]\n")) ==
        "conf/pgverify.toml:13:16: tenants.t.platform.kubernetes.dr_contexts: 'ixenlab' is the tenant's own context");
  CHECK(error(kube_config("secret = { name = \"s\" }\n")) ==
        "conf/pgverify.toml:13:10: tenants.t.platform.kubernetes.secret.key: is required");
  CHECK(error(kube_config("secret = { name = \"s\", key = \"a b\" }\n")) ==
        "conf/pgverify.toml:13:30: tenants.t.platform.kubernetes.secret.key: 'a b' is not a secret key (letters, "
        "digits, '-', '_', '.')");
  CHECK(error(kube_config("target_image = \"x,y\"\n", "target_image")) ==
        "conf/pgverify.toml:12:16: tenants.t.platform.kubernetes.target_image: 'x,y' has a space, ',' or '=' (helm "
        "--set would read it as more than one value)");
  CHECK(error(kube_config("contxt = \"x\"\n")) ==
        "conf/pgverify.toml:13:1: tenants.t.platform.kubernetes.contxt: unknown key (did you mean 'context'?)");
  CHECK(error(kube_config("[tenants.t.platform.local]\n")) ==
        "conf/pgverify.toml:13:1: tenants.t.platform.local: the local platform's table, but kind = \"kubernetes\" "
        "(remove it, or the kind is wrong)");
}

TEST_CASE("a platform's dump settings are checked", "[config][platform]") {
  CHECK(platform_error("dump_format = \"tar\"\n") ==
        "conf/pgverify.toml:4:15: tenants.t.platform.dump_format: 'tar' is not one of custom, directory");
  CHECK(platform_error("dump_compression = \"bzip2\"\n") ==
        "conf/pgverify.toml:4:20: tenants.t.platform.dump_compression: 'bzip2' is not one of gzip, lz4, zstd, none");
  CHECK(platform_error("dump_compression = 9\n") ==
        "conf/pgverify.toml:4:20: tenants.t.platform.dump_compression: expected a string, found an integer");
  CHECK(platform_error("jobs = 0\n") == "conf/pgverify.toml:4:8: tenants.t.platform.jobs: value 0 out of range 1..64");
  CHECK(platform_error("jobs = 65\n") == "conf/pgverify.toml:4:8: tenants.t.platform.jobs: value 65 out of range 1..64");
  for (const char* format : {"custom", "directory"})
    CHECK(parse_config(with_platform("dump_format = \"" + std::string(format) + "\"\n", ""), "p.toml")
              .tenants.at("t").platform.dump_format == format);
  for (const char* compression : {"gzip", "lz4", "zstd", "none"})
    CHECK(parse_config(with_platform("dump_compression = \"" + std::string(compression) + "\"\n", ""), "p.toml")
              .tenants.at("t").platform.dump_compression == compression);
  CHECK(parse_config(with_platform("jobs = 64\n", ""), "p.toml").tenants.at("t").platform.jobs == 64);
}

TEST_CASE("a platform's unknown keys are refused, with a suggestion", "[config][platform]") {
  CHECK(platform_error("dump_fromat = \"custom\"\n") ==
        "conf/pgverify.toml:4:1: tenants.t.platform.dump_fromat: unknown key (did you mean 'dump_format'?)");
  CHECK(local_error("data_directory = \"/x\"\n") ==
        kAtLocal + "1: tenants.t.platform.local.data_directory: unknown key");
  CHECK(local_error("start_timout = 5\n") ==
        kAtLocal + "1: tenants.t.platform.local.start_timout: unknown key (did you mean 'start_timeout'?)");
  CHECK(local_error("server_option = []\n") ==
        kAtLocal + "1: tenants.t.platform.local.server_option: unknown key (did you mean 'server_options'?)");
  CHECK(local_error("services = [{ name = \"a\", stop = \"x\", start = \"y\", replica = 2 }]\n") ==
        kAtLocal + "52: tenants.t.platform.local.services[0].replica: unknown key (did you mean 'replicas'?)");
}

TEST_CASE("a local platform's directories are absolute, normalised and required", "[config][platform]") {
  const std::string local = "[tenants.t.platform]\nkind = \"local\"\n[tenants.t.platform.local]\n";
  CHECK(error_of(local + "source_bindir = \"/a\"\ntarget_bindir = \"/b\"\n") ==
        "conf/pgverify.toml:3:1: tenants.t.platform.local.data_dir: is required");
  CHECK(error_of(local + "data_dir = \"/d\"\ntarget_bindir = \"/b\"\n") ==
        "conf/pgverify.toml:3:1: tenants.t.platform.local.source_bindir: is required");
  CHECK(error_of(local + "data_dir = \"/d\"\nsource_bindir = \"/a\"\n") ==
        "conf/pgverify.toml:3:1: tenants.t.platform.local.target_bindir: is required");
  CHECK(error_of(local + "data_dir = \"pgdata\"\n") ==
        "conf/pgverify.toml:4:12: tenants.t.platform.local.data_dir: 'pgdata' is not an absolute path");
  CHECK(error_of(local + "data_dir = \"\"\n") ==
        "conf/pgverify.toml:4:12: tenants.t.platform.local.data_dir: '' is not an absolute path");
  CHECK(error_of(local + "data_dir = \"/\"\n") ==
        "conf/pgverify.toml:4:12: tenants.t.platform.local.data_dir: must not be the root directory");
  CHECK(error_of(local + "data_dir = \"/srv/..//.\"\n") ==
        "conf/pgverify.toml:4:12: tenants.t.platform.local.data_dir: must not be the root directory");
  CHECK(error_of(local + "data_dir = 5\n") ==
        "conf/pgverify.toml:4:12: tenants.t.platform.local.data_dir: expected a string, found an integer");
  CHECK(error_of(local + "data_dir = \"/d\"\nsource_bindir = \"bin\"\n") ==
        "conf/pgverify.toml:5:17: tenants.t.platform.local.source_bindir: 'bin' is not an absolute path");
  CHECK(error_of(local + "data_dir = \"/d\"\nsource_bindir = \"/a\"\ntarget_bindir = \"./18/bin\"\n") ==
        "conf/pgverify.toml:6:17: tenants.t.platform.local.target_bindir: './18/bin' is not an absolute path");
  const LocalPlatformConfig normal =
      parse_config(local + "data_dir = \"/srv/pg/../pg/./data//\"\nsource_bindir = \"/a/\"\ntarget_bindir = \"/b/./c\"\n",
                   "p.toml")
          .tenants.at("t")
          .platform.local;
  CHECK(normal.data_dir == "/srv/pg/data");
  CHECK(normal.source_bindir == "/a");
  CHECK(normal.target_bindir == "/b/c");
}

TEST_CASE("a local platform's port and start timeout are in range", "[config][platform]") {
  CHECK(local_error("port = 0\n") == kAtLocal + "8: tenants.t.platform.local.port: value 0 out of range 1..65535");
  CHECK(local_error("port = 65536\n") == kAtLocal + "8: tenants.t.platform.local.port: value 65536 out of range 1..65535");
  CHECK(local_error("port = \"5432\"\n") ==
        kAtLocal + "8: tenants.t.platform.local.port: expected an integer, found a string");
  CHECK(local_error("start_timeout = 0\n") ==
        kAtLocal + "17: tenants.t.platform.local.start_timeout: value 0 out of range 1..86400");
  CHECK(local_error("start_timeout = 86401\n") ==
        kAtLocal + "17: tenants.t.platform.local.start_timeout: value 86401 out of range 1..86400");
  const auto local = [](const std::string& line) {
    return parse_config(with_platform("", line), "p.toml").tenants.at("t").platform.local;
  };
  CHECK(local("port = 65535\n").port == 65535);
  CHECK(local("port = 1\n").port == 1);
  CHECK(local("start_timeout = 86400\n").start_timeout == std::chrono::hours(24));
  CHECK(local("start_timeout = 1\n").start_timeout == std::chrono::seconds(1));
}

TEST_CASE("a server wrapper is an array of words, or a string split like a shell would", "[config][platform]") {
  const auto wrapper = [](const std::string& value) {
    return parse_config(with_platform("", "server_wrapper = " + value + "\n"), "p.toml")
        .tenants.at("t")
        .platform.local.server_wrapper;
  };
  using Words = std::vector<std::string>;
  CHECK(wrapper(R"(["sudo", "-u", "postgres", "--"])") == Words{"sudo", "-u", "postgres", "--"});
  CHECK(wrapper(R"("runuser -u postgres --")") == Words{"runuser", "-u", "postgres", "--"});
  // Quotes and backslashes as a shell reads them; no expansion.
  CHECK(wrapper(R"('chroot "/srv/my root" /usr/sbin/runuser -u postgres --')") ==
        Words{"chroot", "/srv/my root", "/usr/sbin/runuser", "-u", "postgres", "--"});
  CHECK(wrapper(R"("a\\ b c''d \"$HOME\"")") == Words{"a b", "cd", "$HOME"});
  CHECK(wrapper(R"("")").empty());
  CHECK(wrapper("[]").empty());
  CHECK_THAT(local_error(R"(server_wrapper = "chroot '/srv/sid")" "\n"),
             Catch::StartsWith(kAtLocal + "18: tenants.t.platform.local.server_wrapper: ") &&
                 Catch::Contains("quote"));
  CHECK(local_error(R"(server_wrapper = "sudo '' --")" "\n") ==
        kAtLocal + "18: tenants.t.platform.local.server_wrapper: an empty word ('' or \"\")");
  CHECK(local_error(R"(server_wrapper = ["sudo", ""])" "\n") ==
        kAtLocal + "27: tenants.t.platform.local.server_wrapper: an empty word");
  CHECK(local_error("server_wrapper = [\"sudo\", 1]\n") ==
        kAtLocal + "27: tenants.t.platform.local.server_wrapper: expected an array of strings, found an integer in it");
  CHECK(local_error("server_wrapper = true\n") ==
        kAtLocal + "18: tenants.t.platform.local.server_wrapper: expected a string or an array of strings, found a boolean");
}

TEST_CASE("initdb options replace the defaults and never name the data directory", "[config][platform]") {
  CHECK(parse_config(with_platform("", "initdb_options = []\n"), "p.toml").tenants.at("t").platform.local.initdb_options.empty());
  CHECK(parse_config(with_platform("", "initdb_options = [\"--pwfile=/x\", \"--pgdata-not\"]\n"), "p.toml")
            .tenants.at("t")
            .platform.local.initdb_options == std::vector<std::string>{"--pwfile=/x", "--pgdata-not"});
  const std::string why = ": pgverify gives initdb the data directory itself (data_dir)";
  for (const std::string option : {"-D", "-D/srv/x", "--pgdata", "--pgdata=/srv/x", "--pgd=/srv/x", "--pg"}) {
    INFO(option);
    CHECK(local_error("initdb_options = [\"-k\", \"" + option + "\"]\n") ==
          kAtLocal + "25: tenants.t.platform.local.initdb_options: '" + option + "'" + why);
  }
  CHECK(local_error("initdb_options = \"-k\"\n") ==
        kAtLocal + "18: tenants.t.platform.local.initdb_options: expected an array of strings, found a string");
}

TEST_CASE("server options are name=value, each -c for the server, and never the port", "[config][platform]") {
  CHECK(local_error("server_options = [\"fsync=off\", \"listen_addresses\"]\n") ==
        kAtLocal + "32: tenants.t.platform.local.server_options: 'listen_addresses' is not name=value "
                   "(each becomes -c name=value for the server)");
  CHECK(local_error("server_options = [\"=off\"]\n") ==
        kAtLocal + "19: tenants.t.platform.local.server_options: '=off' is not name=value "
                   "(each becomes -c name=value for the server)");
  CHECK(local_error("server_options = [\"PORT=5433\"]\n") ==
        kAtLocal + "19: tenants.t.platform.local.server_options: 'PORT=5433': pgverify gives the server its port "
                   "itself (port)");
  CHECK(local_error("server_options = \"fsync=off\"\n") ==
        kAtLocal + "18: tenants.t.platform.local.server_options: expected an array of strings, found a string");
  CHECK(parse_config(with_platform("", "server_options = [\"work_mem=64MB\", \"search_path=a,b\"]\n"), "p.toml")
            .tenants.at("t")
            .platform.local.server_options == std::vector<std::string>{"work_mem=64MB", "search_path=a,b"});
}

TEST_CASE("services have a unique name, a stop and a start command, and a replica count", "[config][platform]") {
  const auto service_error = [](const std::string& tables) { return local_error("services = [" + tables + "]\n"); };
  const std::string at = kAtLocal;
  const std::string key = "tenants.t.platform.local.services";
  CHECK(service_error("{ stop = \"x\", start = \"y\" }") == at + "13: " + key + "[0].name: is required");
  CHECK(service_error("{ name = \"\", stop = \"x\", start = \"y\" }") == at + "22: " + key + "[0].name: must not be empty");
  CHECK(service_error("{ name = \"a\", start = \"y\" }") == at + "13: " + key + "[0].stop: is required");
  CHECK(service_error("{ name = \"a\", stop = \"x\" }") == at + "13: " + key + "[0].start: is required");
  CHECK(service_error("{ name = \"a\", stop = \"x\", start = \"\" }") == at + "47: " + key + "[0].start: must not be empty");
  CHECK(service_error("{ name = \"a\", stop = 1, start = \"y\" }") ==
        at + "34: " + key + "[0].stop: expected a string, found an integer");
  CHECK(service_error("{ name = \"a\", stop = \"x\", start = \"y\", replicas = -1 }") ==
        at + "63: " + key + "[0].replicas: value -1 out of range 0..10000");
  CHECK(service_error("{ name = \"a\", stop = \"x\", start = \"y\" }, { name = \"a\", stop = \"x\", start = \"y\" }") ==
        at + "63: " + key + "[1].name: 'a' is listed twice");
  CHECK(service_error("\"qry-backend\"") == at + "13: " + key + ": expected an array of tables, found a string in it");
  CHECK(local_error("services = \"qry-backend\"\n") == at + "12: " + key + ": expected an array of tables, found a string");
}

TEST_CASE("on a local platform the DSNs name the platform's port, or none", "[config][platform]") {
  const auto tenant = [](const std::string& dsns, const std::string& port) {
    return "[tenants.t]\n" + dsns + "[tenants.t.platform]\nkind = \"local\"\n[tenants.t.platform.local]\n" +
           kLocalRequired + port;
  };
  const std::string why = ": on the local platform the target comes up in the source's place, on the same port, "
                          "so both DSNs must name that port (or none)";
  // The port key is line 10 when there is one, the local table line 6.
  CHECK(error_of(tenant("source_dsn = \"host=/tmp port=54016 dbname=q\"\ntarget_dsn = \"host=/tmp dbname=q\"\n", "")) ==
        "conf/pgverify.toml:6:1: tenants.t.platform.local.port: the platform's port is 5432 (the default) but "
        "source_dsn names port 54016" + why);
  CHECK(error_of(tenant("source_dsn = \"port=54016\"\ntarget_dsn = \"postgresql://u@127.0.0.1:54018/q\"\n",
                        "port = 54016\n")) ==
        "conf/pgverify.toml:10:8: tenants.t.platform.local.port: the platform's port is 54016 but target_dsn names "
        "port 54018" + why);
  // The same port, or none (libpq's default, PGPORT): accepted.
  CHECK(parse_config(tenant("source_dsn = \"host=/tmp port=54016 dbname=q\"\n"
                            "target_dsn = \"postgresql://u@127.0.0.1:54016/q\"\n",
                            "port = 54016\n"),
                     "p.toml")
            .tenants.at("t")
            .platform.local.port == 54016);
  CHECK(parse_config(tenant("source_dsn = \"dbname=q\"\ntarget_dsn = \"postgresql:///q\"\n", "port = 5433\n"), "p.toml")
            .tenants.at("t")
            .platform.local.port == 5433);
}

TEST_CASE("the local upgrade example documents every platform key", "[config][platform]") {
  const Config config = load_config_file(std::filesystem::path(PGVERIFY_SOURCE_DIR) / "config" / "local-upgrade.example.toml");
  const TenantConfig& qry = config.tenants.at("qry");
  CHECK(qry.target_major == 18);
  CHECK(qry.platform.kind == "local");
  const LocalPlatformConfig& local = qry.platform.local;
  CHECK(pg::port_of(qry.source_dsn) == local.port);
  CHECK(pg::port_of(qry.target_dsn) == local.port);
  CHECK_FALSE(local.server_wrapper.empty());
  CHECK_FALSE(local.server_options.empty());
  CHECK_FALSE(local.services.empty());
  // Every key of the two tables is written out, not left to its default where a reader would not see it.
  std::ifstream file(std::filesystem::path(PGVERIFY_SOURCE_DIR) / "config" / "local-upgrade.example.toml");
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  for (const char* key : {"kind", "dump_format", "dump_compression", "jobs", "data_dir", "port", "source_bindir",
                          "target_bindir", "server_wrapper", "initdb_options", "server_options", "start_timeout",
                          "services"}) {
    INFO(key);
    CHECK(text.find("\n" + std::string(key) + " ") != std::string::npos);
  }
  for (const char* key : {"name", "stop", "start", "replicas"}) {
    INFO(key);
    const bool written = text.find("{ " + std::string(key) + " = ") != std::string::npos ||
                         text.find(", " + std::string(key) + " = ") != std::string::npos;
    CHECK(written);
  }
}

TEST_CASE("every example in config/ parses", "[config]") {
  namespace fs = std::filesystem;
  int examples = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(PGVERIFY_SOURCE_DIR) / "config")) {
    // drivers.toml is driver.asyncpg's rule table, not a configuration (its own test parses it).
    if (entry.path().extension() != ".toml" || entry.path().filename() == "drivers.toml") continue;
    INFO(entry.path().string());
    Config config = load_config_file(entry.path());
    CHECK_FALSE(config.tenants.empty());
    ++examples;
  }
  CHECK(examples >= 2);
}
