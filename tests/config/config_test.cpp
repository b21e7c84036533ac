#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "config/config.hpp"

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
