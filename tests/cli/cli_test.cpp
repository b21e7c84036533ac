// The pgverify binary as a user runs it: bad input ends in one line and exit 2.

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include "exec/process.hpp"
#include "support/plain_dump.hpp"
#include "support/servers.hpp"
#include "support/silent_server.hpp"
#include "support/special_files.hpp"

using namespace pgverify;

namespace {

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

void write(const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; }

// A usage error: nothing on stdout, exactly one line on stderr containing `needle`, exit 2.
void expect_usage_error(const exec::ProcessResult& result, const std::string& needle) {
  INFO("stderr: " << result.err << "stdout: " << result.out);
  CHECK(result.exit_code == 2);
  CHECK(lines(result.err) == 1);
  CHECK_THAT(result.err, Catch::StartsWith("pgverify: error: ") && Catch::Contains(needle));
  CHECK(result.out.empty());
}

}  // namespace

TEST_CASE("checks lists every check and explain describes one", "[cli]") {
  auto list = testing::run_pgverify({"checks"});
  CHECK(list.exit_code == 0);
  for (const char* id : {"ext.vector", "version.pg-dump", "version.pg-restore", "version.psql"})
    CHECK_THAT(list.out, Catch::Contains(id));
  auto explain = testing::run_pgverify({"explain", "version.pg-restore"});
  CHECK(explain.exit_code == 0);
  CHECK_THAT(explain.out, Catch::Contains("Why:") && Catch::Contains("When it fails:") &&
                              Catch::Contains("unsupported version (1.16)"));
  expect_usage_error(testing::run_pgverify({"explain", "version.pg_dump"}), "unknown check id 'version.pg_dump'");
}

TEST_CASE("--help works everywhere and exits 0", "[cli]") {
  for (auto args : std::vector<std::vector<std::string>>{{"--help"}, {"pre", "--help"}, {"post", "--help"},
                                                         {"checks", "--help"}, {"explain", "--help"},
                                                         {"hash", "--help"}, {"dump", "verify", "--help"}}) {
    auto result = testing::run_pgverify(args);
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.out, Catch::Contains("Usage") || Catch::Contains("OPTIONS"));
  }
  CHECK(testing::run_pgverify({"--version"}).out.rfind("pgverify ", 0) == 0);
}

TEST_CASE("commands without their arguments, and those not there yet, are usage errors", "[cli]") {
  for (const char* command : {"hash", "dump", "upgrade"}) {
    auto result = testing::run_pgverify({command});
    CHECK(result.exit_code == 2);
    CHECK(lines(result.err) == 1);
  }
  expect_usage_error(testing::run_pgverify({}), "subcommand");
  // --tenant may be left out (a configuration of one tenant); the configuration may not.
  expect_usage_error(testing::run_pgverify({"pre"}), "no configuration");
  expect_usage_error(testing::run_pgverify({"pre", "--tenant", "x", "--bogus"}), "--bogus");
}

TEST_CASE("configuration mistakes are one line naming file, line and key, exit 2", "[cli]") {
  testing::TempDir dir("cli-config");
  const auto config = dir.path() / "pgverify.toml";

  expect_usage_error(testing::run_pgverify({"--config", (dir.path() / "missing.toml").string(), "pre", "--tenant", "demo"}),
                     "missing.toml: configuration file not found");

  write(config, "[tenants.demo]\nsource_dsn = \"host=x\"\ntarget_majr = 18\n");
  expect_usage_error(testing::run_pgverify({"--config", config.string(), "pre", "--tenant", "demo"}),
                     config.string() + ":3:1: tenants.demo.target_majr: unknown key (did you mean 'target_major'?)");

  write(config, "[tenants.demo]\ntarget_major = \"eighteen\"\n");
  expect_usage_error(testing::run_pgverify({"--config", config.string(), "pre", "--tenant", "demo"}),
                     config.string() + ":2:16: tenants.demo.target_major: expected an integer, found a string");

  write(config, "[tenants.demo]\nsource_dsn = \"host=x\"\n");
  expect_usage_error(testing::run_pgverify({"--config", config.string(), "pre", "--tenant", "prod"}),
                     "unknown tenant 'prod' (configured: demo)");

  write(config, "[tenants.demo\n");
  expect_usage_error(testing::run_pgverify({"--config", config.string(), "post", "--tenant", "demo"}), "invalid TOML");

  // A tenant's name becomes a directory: a path is not a name.
  write(config, "[tenants.\"../../escape\"]\nsource_dsn = \"host=x\"\n");
  expect_usage_error(testing::run_pgverify({"--config", config.string(), "pre", "--tenant", "../../escape"}),
                     config.string() + ":1:10: tenants.\"../../escape\": a tenant name is letters, digits");
  write(config, "[tenants.demo]\nsource_dsn = \"host=x\"\n");
  expect_usage_error(testing::run_pgverify({"--config", config.string(), "pre", "--tenant", "../demo"}),
                     "unknown tenant \"../demo\" (a tenant name is letters, digits");

  // A file a check would read, missing: named with its key and where it was looked for, before any check.
  write(config, "[tenants.demo.app]\npython_requirements = \"backend/requirements.txt\"\n");
  expect_usage_error(testing::run_pgverify({"--config", config.string(), "post", "--tenant", "demo"}),
                     config.string() + ":2:23: tenants.demo.app.python_requirements: " +
                         (dir.path() / "backend/requirements.txt").string() +
                         " does not exist (a relative path is read from the configuration file's directory, " +
                         dir.path().string() + ")");
}

TEST_CASE("the configuration comes from --config, then $PGVERIFY_CONFIG, then ./pgverify.toml", "[cli]") {
  testing::TempDir dir("cli-locate");
  write(dir.path() / "env.toml", "[tenants.fromenv]\n");
  write(dir.path() / "flag.toml", "[tenants.fromflag]\n");
  auto result = exec::run_process({"sh", "-c", "cd '" + dir.path().string() + "' && PGVERIFY_CONFIG=env.toml '" +
                                                    PGVERIFY_BINARY + "' pre --tenant nope"});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("env.toml: unknown tenant 'nope' (configured: fromenv)"));
  write(dir.path() / "pgverify.toml", "[tenants.local]\n");
  result = exec::run_process({"sh", "-c", "cd '" + dir.path().string() + "' && PGVERIFY_CONFIG=env.toml '" +
                                              PGVERIFY_BINARY + "' pre --tenant nope"});
  CHECK_THAT(result.err, Catch::Contains("env.toml: unknown tenant 'nope' (configured: fromenv)"));
  result = exec::run_process({"sh", "-c", "cd '" + dir.path().string() + "' && PGVERIFY_CONFIG=env.toml '" +
                                              PGVERIFY_BINARY + "' --config flag.toml pre --tenant nope"});
  CHECK_THAT(result.err, Catch::Contains("flag.toml: unknown tenant 'nope' (configured: fromflag)"));
  result = exec::run_process({"sh", "-c", "cd '" + dir.path().string() + "' && env -u PGVERIFY_CONFIG '" +
                                              PGVERIFY_BINARY + "' pre --tenant nope"});
  CHECK_THAT(result.err, Catch::Contains("pgverify.toml: unknown tenant 'nope' (configured: local)"));
  result = exec::run_process({"sh", "-c", "cd / && env -u PGVERIFY_CONFIG '" + std::string(PGVERIFY_BINARY) +
                                              "' pre --tenant nope"});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("no configuration"));
}

TEST_CASE("bad --only, --skip and --report values are usage errors", "[cli]") {
  testing::TempDir dir("cli-select");
  const auto config = (dir.path() / "p.toml").string();
  write(config, "[tenants.demo]\nsource_dsn = \"host=127.0.0.1 port=1\"\n");
  expect_usage_error(testing::run_pgverify({"--config", config, "pre", "--tenant", "demo", "--only", "version.pg-dump,nope"}),
                     "--only: unknown check id 'nope'");
  expect_usage_error(testing::run_pgverify({"--config", config, "pre", "--tenant", "demo", "--skip", "nope"}),
                     "--skip: unknown check id 'nope'");
  expect_usage_error(testing::run_pgverify({"--config", config, "post", "--tenant", "demo", "--only", "version.psql"}),
                     "--only: check 'version.psql' does not run in post");
  expect_usage_error(testing::run_pgverify({"--config", config, "pre", "--tenant", "demo", "--report", "xml:out.xml"}),
                     "--report: unknown report format 'xml'");
}

TEST_CASE("post without a usable baseline is exit 2 with what to do", "[cli]") {
  testing::TempDir dir("cli-baseline");
  const auto config = (dir.path() / "p.toml").string();
  write(config, "[tenants.demo]\ntarget_dsn = \"host=127.0.0.1 port=1\"\n");
  const auto out = (dir.path() / "out").string();
  expect_usage_error(testing::run_pgverify({"--config", config, "post", "--tenant", "demo", "--out", out}),
                     "baseline manifest not found (run 'pgverify pre --tenant demo' first, or pass --baseline)");
  write(dir.path() / "truncated.json", "{\"format\":\"pgverify-manifest\",\"format_ver");
  expect_usage_error(testing::run_pgverify({"--config", config, "post", "--tenant", "demo", "--baseline",
                                   (dir.path() / "truncated.json").string()}),
                     "truncated or corrupt");
  write(dir.path() / "future.json", R"({"format":"pgverify-manifest","format_version":99})");
  expect_usage_error(testing::run_pgverify({"--config", config, "post", "--tenant", "demo", "--baseline",
                                   (dir.path() / "future.json").string()}),
                     "unknown manifest format version 99");
}

TEST_CASE("an unreachable server is a check error (exit 3), never a crash or a password", "[cli]") {
  testing::TempDir dir("cli-down");
  const auto config = (dir.path() / "p.toml").string();
  write(config,
        "[tenants.demo]\nsource_dsn = \"host=127.0.0.1 port=1 dbname=x user=u password=hunter2\"\n"
        "target_dsn = \"postgresql://u:hunter2@127.0.0.1:1/x\"\n");
  auto result = testing::run_pgverify({"--config", config, "pre", "--tenant", "demo", "--out", (dir.path() / "out").string(),
                              "--report", "console", "--report", "json:" + (dir.path() / "r.json").string()});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.out, Catch::Contains("ERROR") && Catch::Contains("127.0.0.1:1/x"));
  CHECK(result.out.find("hunter2") == std::string::npos);
  CHECK(result.err.find("hunter2") == std::string::npos);
  std::ifstream json(dir.path() / "r.json");
  std::string text((std::istreambuf_iterator<char>(json)), std::istreambuf_iterator<char>());
  CHECK_THAT(text, Catch::Contains("\"status\": \"error\""));
  CHECK(text.find("hunter2") == std::string::npos);
}

TEST_CASE("pre against servers that accept and never answer waits out one connect timeout a server", "[cli]") {
  testing::SilentServer source, target;
  testing::TempDir dir("cli-silent");
  // With a dump, dump.matches-source wants to hash the source as well.
  const auto dump = testing::write_plain_dump(dir.path() / "db.sql", testing::plain_dump_text({{"public.t", {"1"}}}));
  const auto config = dir.path() / "p.toml";
  write(config, "[tenants.demo]\nsource_dsn = \"" + source.dsn("dbname=x user=u connect_timeout=2") + "\"\n" +
                    "target_dsn = \"" + target.dsn("dbname=x user=u connect_timeout=2") + "\"\n" +
                    "dump_path = \"" + dump.string() + "\"\n");
  auto result = testing::run_pgverify({"--config", config.string(), "pre", "--tenant", "demo", "--out",
                                       (dir.path() / "out").string()});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.out, Catch::Contains("ERROR  version.pg-dump") && Catch::Contains("ERROR  ext.vector") &&
                             Catch::Contains("timeout expired"));
  CHECK_THAT(result.err, Catch::Contains("cannot record the baseline") && Catch::Contains("timeout expired"));
  // Every check that needs a server, and the baseline, used to try again:
  // five attempts a server, each a whole timeout.
  CHECK(source.accepted() == 1);
  CHECK(target.accepted() == 1);
}

TEST_CASE("a report that cannot be written is a usage error after the others are written", "[cli]") {
  testing::TempDir dir("cli-report");
  const auto config = (dir.path() / "p.toml").string();
  write(config, "[tenants.demo]\ntarget_dsn = \"host=127.0.0.1 port=1\"\n");
  write(dir.path() / "file", "");
  auto result = testing::run_pgverify({"--config", config, "pre", "--tenant", "demo", "--only", "version.psql",
                              "--out", (dir.path() / "out").string(),
                              "--report", "json:" + (dir.path() / "file" / "r.json").string(),
                              "--report", "markdown:" + (dir.path() / "ok.md").string()});
  INFO(result.err);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("--report: cannot write " + (dir.path() / "file" / "r.json").string()));
  CHECK(std::filesystem::file_size(dir.path() / "ok.md") > 0);
}

TEST_CASE("dump verify: a wrong path is exit 2, an unreadable dump exit 1, each one line", "[cli]") {
  testing::TempDir dir("cli-dump");
  expect_usage_error(testing::run_pgverify({"dump", "verify", (dir.path() / "missing.dump").string()}),
                     "missing.dump: no such file or directory");
  expect_usage_error(testing::run_pgverify({"dump", "verify", "x.dump", "--jobs", "0"}), "--jobs");
  write(dir.path() / "notes.txt", "this is no dump\n");
  auto garbage = testing::run_pgverify({"dump", "verify", (dir.path() / "notes.txt").string()});
  CHECK(garbage.exit_code == 1);
  CHECK(lines(garbage.err) == 1);
  CHECK_THAT(garbage.err, Catch::StartsWith("pgverify: error: the dump cannot be read to its end: "));
  write(dir.path() / "cut.dump", "PGDMP\x01\x10");
  auto cut = testing::run_pgverify({"dump", "verify", (dir.path() / "cut.dump").string(), "--json"});
  CHECK(cut.exit_code == 1);
  CHECK(cut.out.empty());
  CHECK(lines(cut.err) == 1);
}

TEST_CASE("a connection string on the command line that cannot be used is exit 2, its password never shown", "[cli]") {
  const std::string dsn = "postgresql://u:Pw0rdX@127.0.0.1:notaport/db";
  auto hash = testing::run_pgverify({"hash", "--dsn", dsn});
  expect_usage_error(hash, "invalid connection string: invalid port number: \"notaport\"");
  CHECK(hash.err.find("Pw0rdX") == std::string::npos);
  testing::TempDir dir("cli-dsn");
  const auto path = testing::write_plain_dump(dir.path() / "small.sql", testing::plain_dump_text({{"public.t", {"1"}}}));
  auto verify = testing::run_pgverify({"dump", "verify", path.string(), "--against", "host=127.0.0.1,127.0.0.1 port=5432,x password=Pw0rdX"});
  expect_usage_error(verify, "invalid port number: \"x\"");
  CHECK(verify.err.find("Pw0rdX") == std::string::npos);
}

TEST_CASE("dump verify shows names from a hostile dump terminal-safe", "[cli]") {
  testing::TempDir dir("cli-dump-escape");
  const auto path = testing::write_plain_dump(dir.path() / "odd.sql",
                                              testing::plain_dump_text({{"public.\"x\x1b[2Jy\"", {"1"}}}));
  auto result = testing::run_pgverify({"dump", "verify", path.string()});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out.find('\x1b') == std::string::npos);
  CHECK_THAT(result.out, Catch::Contains("\\x1b[2Jy"));
}

TEST_CASE("a pre whose baseline cannot be recorded says so in every report and exits 3", "[cli]") {
  testing::TempDir dir("cli-baseline");
  const auto config = dir.path() / "pgverify.toml";
  // Nothing listens on port 1: every check selected passes or skips, the baseline cannot be taken.
  write(config, "[tenants.demo]\nsource_dsn = \"host=127.0.0.1 port=1 dbname=x connect_timeout=2\"\n");
  const auto out = dir.path() / "out";
  auto result = testing::run_pgverify({"--config", config.string(), "pre", "--tenant", "demo", "--out", out.string(),
                                       "--only", "secrets.fingerprint", "--report", "json:" + (out / "pre.json").string(),
                                       "--report", "junit:" + (out / "pre.xml").string(), "--report", "console"});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.err, Catch::Contains("cannot record the baseline in"));
  CHECK_THAT(result.out, Catch::Contains("ERROR  baseline.record") && Catch::Contains("result: ERROR"));
  const std::string json = testing::read_file(out / "pre.json");
  CHECK_THAT(json, Catch::Contains("\"status\": \"error\"") && Catch::Contains("\"id\": \"baseline.record\""));
  CHECK_THAT(testing::read_file(out / "pre.xml"), Catch::Contains("baseline.record") && Catch::Contains("<error"));
  CHECK_FALSE(std::filesystem::exists(out / "manifest.json"));
}

TEST_CASE("a report never overwrites the baseline, the configuration, the dump or another report", "[cli]") {
  testing::TempDir dir("cli-overwrite");
  const auto config = (dir.path() / "p.toml").string();
  const auto dump = (dir.path() / "db.dump").string();
  write(config, "[tenants.demo]\nsource_dsn = \"host=127.0.0.1 port=1\"\ndump_path = \"" + dump + "\"\n");
  write(dump, "PGDMP");
  const auto out = dir.path() / "o";
  std::filesystem::create_directories(out);
  write(out / "manifest.json", "the baseline");
  const std::vector<std::string> pre{"--config", config, "pre", "--tenant", "demo", "--out", out.string(), "--only",
                                     "version.psql"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = pre;
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::run_pgverify(args);
  };
  expect_usage_error(with({"--report", "json:" + (out / "manifest.json").string()}),
                     (out / "manifest.json").string() + " is where pre writes the baseline");
  // Another spelling of the same file.
  expect_usage_error(with({"--report", "json:" + (out / "." / ".." / "o" / "manifest.json").string()}),
                     "is where pre writes the baseline");
  expect_usage_error(with({"--report", "markdown:" + config}), config + " is the configuration file");
  expect_usage_error(with({"--report", "junit:" + dump}), dump + " is the tenant's dump");
  expect_usage_error(with({"--report", "json:" + (dir.path() / "r").string(), "--report",
                           "junit:" + (dir.path() / "x" / ".." / "r").string()}),
                     "two reports name one file");
  std::filesystem::create_symlink(dir.path() / "r2", dir.path() / "link");
  expect_usage_error(with({"--report", "json:" + (dir.path() / "r2").string(), "--report",
                           "junit:" + (dir.path() / "link").string()}),
                     "two reports name one file");
  // post: the baseline it reads.
  expect_usage_error(testing::run_pgverify({"--config", config, "post", "--tenant", "demo", "--baseline",
                                            (out / "manifest.json").string(), "--report",
                                            "json:" + (out / "manifest.json").string()}),
                     "is the baseline");
  CHECK(testing::read_file(out / "manifest.json") == "the baseline");
  CHECK(testing::read_file(config).find("[tenants.demo]") == 0);
  CHECK(testing::read_file(dump) == "PGDMP");
}

TEST_CASE("at most one report goes to standard output, and the console report always does unless another does",
          "[cli]") {
  testing::TempDir dir("cli-stdout");
  const auto config = (dir.path() / "p.toml").string();
  write(config, "[tenants.demo]\ntarget_dsn = \"host=127.0.0.1 port=1\"\n");
  const std::vector<std::string> pre{"--config", config, "pre", "--tenant", "demo", "--out",
                                     (dir.path() / "o").string(), "--only", "driver.asyncpg"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = pre;
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::run_pgverify(args);
  };
  expect_usage_error(with({"--report", "console", "--report", "json"}), "both write to standard output");
  expect_usage_error(with({"--report", "json:-", "--report", "markdown"}), "both write to standard output");
  // A file report does not silence the console: a CI log shows the result.
  auto result = with({"--report", "junit:" + (dir.path() / "pre.xml").string()});
  INFO(result.out << result.err);
  CHECK_THAT(result.out, Catch::Contains("driver.asyncpg") && Catch::Contains("result: "));
  CHECK_THAT(testing::read_file(dir.path() / "pre.xml"), Catch::Contains("<testsuites"));
  // JSON on standard output stays parseable: nothing else is written there.
  result = with({"--report", "json"});
  CHECK_THAT(result.out, Catch::StartsWith("{"));
  CHECK(result.out.find("result: ") == std::string::npos);
}

TEST_CASE("a selection that leaves no check is a usage error naming it", "[cli]") {
  testing::TempDir dir("cli-empty-selection");
  const auto config = (dir.path() / "p.toml").string();
  write(config, "[tenants.demo]\ntarget_dsn = \"host=127.0.0.1 port=1\"\n");
  expect_usage_error(testing::run_pgverify({"--config", config, "post", "--tenant", "demo", "--only",
                                            "data.row-counts", "--skip", "data.row-counts"}),
                     "the selection --only data.row-counts --skip data.row-counts leaves no post check to run");
}

TEST_CASE("--tenant may be left out when the configuration has one tenant; with several the error lists them",
          "[cli]") {
  testing::TempDir dir("cli-one-tenant");
  const auto one = (dir.path() / "one.toml").string();
  write(one, "[tenants.solo]\ntarget_dsn = \"host=127.0.0.1 port=1\"\n");
  auto result = testing::run_pgverify({"--config", one, "pre", "--out", (dir.path() / "o").string(), "--only",
                                       "driver.asyncpg"});
  INFO(result.out << result.err);
  CHECK_THAT(result.out, Catch::Contains("pre checks for tenant solo") && Catch::Contains("configuration: " + one));
  const auto two = (dir.path() / "two.toml").string();
  write(two, "[tenants.b]\n[tenants.a]\n");
  expect_usage_error(testing::run_pgverify({"--config", two, "post"}),
                     "--tenant is required: " + two + " configures a, b");
}

TEST_CASE("hash --tenant --side reads the configured server; without one of them it is a usage error", "[cli]") {
  testing::TempDir dir("cli-hash-tenant");
  const auto config = (dir.path() / "p.toml").string();
  write(config, "[tenants.demo]\nsource_dsn = \"host=127.0.0.1 port=1 password=hunter2 connect_timeout=2\"\n");
  expect_usage_error(testing::run_pgverify({"hash"}), "give --dsn DSN, or --tenant NAME --side source|target");
  expect_usage_error(testing::run_pgverify({"--config", config, "hash", "--tenant", "demo"}), "--side");
  expect_usage_error(testing::run_pgverify({"--config", config, "hash", "--tenant", "demo", "--side", "target"}),
                     "tenant 'demo' has no target_dsn");
  expect_usage_error(testing::run_pgverify({"hash", "--side", "source", "--dsn", "x"}), "--side");
  auto result = testing::run_pgverify({"--config", config, "hash", "--tenant", "demo", "--side", "source"});
  INFO(result.err);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.err, Catch::Contains("127.0.0.1:1"));
  CHECK(result.err.find("hunter2") == std::string::npos);
}

namespace {

// pgverify run with a short timeout: what blocks on a FIFO times out and fails.
exec::ProcessResult run_briefly(std::vector<std::string> args) {
  args.insert(args.begin(), PGVERIFY_BINARY);
  auto result = exec::run_process(args, std::chrono::seconds(20));
  CHECK_FALSE(result.timed_out);
  return result;
}

}  // namespace

TEST_CASE("dump verify: what can be no dump is exit 2 at once, one line naming the path and what it is", "[cli]") {
  testing::TempDir dir("cli-dump-special");
  const auto fifo = (dir.path() / "pipe.dump").string();
  testing::make_fifo(fifo);
  const testing::BoundSocket socket(dir.path() / "sock");
  testing::link_to_dev_zero(dir.path() / "zero.dump");
  std::filesystem::create_directory(dir.path() / "notadump");
  write(dir.path() / "notadump" / "0001.dat", "1\n");

  expect_usage_error(run_briefly({"dump", "verify", fifo}),
                     "dump verify: " + fifo + ": a FIFO (named pipe), neither a file nor a directory pg_dump writes");
  expect_usage_error(run_briefly({"dump", "verify", "/dev/zero"}),
                     "dump verify: /dev/zero: a character device, neither a file nor a directory pg_dump writes");
  expect_usage_error(run_briefly({"dump", "verify", (dir.path() / "zero.dump").string()}),
                     "zero.dump: a character device, neither a file nor a directory pg_dump writes");
  expect_usage_error(run_briefly({"dump", "verify", (dir.path() / "sock").string()}),
                     "sock: a socket, neither a file nor a directory pg_dump writes");
  expect_usage_error(run_briefly({"dump", "verify", (dir.path() / "notadump").string()}),
                     "notadump: a directory without toc.dat, so not a pg_dump directory archive");
  expect_usage_error(run_briefly({"dump", "verify", (dir.path() / "missing" / "x.dump").string()}),
                     "x.dump: no such file or directory");
  // A path with a line break in it is still one line.
  expect_usage_error(run_briefly({"dump", "verify", (dir.path() / "a\nb.dump").string()}),
                     "a\\x0ab.dump: no such file or directory");

  // One the user may not read: as root, run as nobody.
  const auto secret = dir.path() / "secret.dump";
  write(secret, "PGDMP");
  ::chmod(secret.c_str(), 0);
  ::chmod(dir.path().c_str(), 0755);
  std::vector<std::string> args{"dump", "verify", secret.string()};
  if (::geteuid() == 0) args = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", PGVERIFY_BINARY, "dump",
                                "verify", secret.string()};
  auto refused = ::geteuid() == 0 ? exec::run_process(args, std::chrono::seconds(20)) : run_briefly(args);
  expect_usage_error(refused, "dump verify: " + secret.string() + ": cannot open: Permission denied");
}

TEST_CASE("pre --dump: a wrong path is exit 2 before any check runs; a tenant's dump_path fails its checks", "[cli]") {
  testing::TempDir dir("cli-pre-dump");
  const auto config = dir.path() / "pgverify.toml";
  const auto fifo = dir.path() / "pipe.dump";
  testing::make_fifo(fifo);
  write(config, "[tenants.demo]\nsource_dsn = \"host=127.0.0.1 port=1 dbname=x connect_timeout=2\"\n");
  const auto out = dir.path() / "out";
  auto pre = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"--config", config.string(), "pre", "--tenant", "demo", "--out", out.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_briefly(args);
  };
  expect_usage_error(pre({"--dump", "/nonexistent/x.dump"}), "--dump: /nonexistent/x.dump: no such file or directory");
  expect_usage_error(pre({"--dump", fifo.string()}),
                     "--dump: " + fifo.string() + ": a FIFO (named pipe), neither a file nor a directory pg_dump writes");
  expect_usage_error(pre({"--dump", "/dev/zero"}), "--dump: /dev/zero: a character device");
  expect_usage_error(pre({"--dump", dir.path().string()}), "a directory without toc.dat");
  CHECK_FALSE(std::filesystem::exists(out / "manifest.json"));

  // The tenant's own dump_path may not be taken yet: a check failure, as ever; a FIFO fails at once.
  for (const auto& [path, reason] : std::vector<std::pair<std::string, std::string>>{
           {fifo.string(), "a FIFO (named pipe), not a regular file"},
           {"/dev/zero", "a character device, not a regular file"},
           {(dir.path() / "missing.dump").string(), "cannot open: No such file or directory"}}) {
    write(config, "[tenants.demo]\nsource_dsn = \"host=127.0.0.1 port=1 dbname=x connect_timeout=2\"\ndump_path = \"" +
                      path + "\"\n");
    auto result = pre({"--only", "dump.readable,dump.matches-source"});
    INFO(result.out << result.err);
    CHECK(result.exit_code != 2);
    CHECK_THAT(result.out, Catch::Contains("FAIL   dump.readable") && Catch::Contains(path + ": " + reason));
  }
}

TEST_CASE("a baseline that is a FIFO, a device or far too large is exit 2 at once", "[cli]") {
  testing::TempDir dir("cli-baseline-special");
  const auto config = (dir.path() / "p.toml").string();
  write(config, "[tenants.demo]\ntarget_dsn = \"host=127.0.0.1 port=1\"\n");
  const auto fifo = dir.path() / "m.json";
  testing::make_fifo(fifo);
  const auto huge = dir.path() / "huge.json";
  write(huge, "{");
  std::filesystem::resize_file(huge, (std::uint64_t{1} << 30) + 1);
  auto post = [&](const std::string& baseline) {
    return run_briefly({"--config", config, "post", "--tenant", "demo", "--baseline", baseline});
  };
  expect_usage_error(post(fifo.string()), fifo.string() + ": a FIFO (named pipe), not a regular file, so not a baseline manifest");
  expect_usage_error(post("/dev/zero"), "/dev/zero: a character device, not a regular file, so not a baseline manifest");
  expect_usage_error(post(huge.string()), huge.string() + ": larger than 1 GiB, too large for a baseline manifest");
  expect_usage_error(post(dir.path().string()), "a directory, not a regular file, so not a baseline manifest");
  expect_usage_error(run_briefly({"hash", "--dsn", "host=127.0.0.1 port=1", "--baseline", fifo.string()}),
                     fifo.string() + ": a FIFO (named pipe), not a regular file, so not a baseline manifest");
}

TEST_CASE("a report is a file of its own: not inside a directory dump, not a device, a FIFO or standard output by name",
          "[cli]") {
  testing::TempDir dir("cli-report-kind");
  const auto config = (dir.path() / "p.toml").string();
  const auto dump = dir.path() / "dumpdir";
  std::filesystem::create_directories(dump);
  write(dump / "toc.dat", "PGDMP");
  write(config, "[tenants.demo]\nsource_dsn = \"host=127.0.0.1 port=1\"\n");
  const std::vector<std::string> pre{"--config", config, "pre", "--dump", dump.string(), "--out",
                                     (dir.path() / "o").string(), "--only", "version.psql"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = pre;
    args.insert(args.end(), extra.begin(), extra.end());
    return run_briefly(args);
  };
  expect_usage_error(with({"--report", "json:" + (dump / "toc.dat").string()}), "is the dump");
  expect_usage_error(with({"--report", "json:" + (dump / "3451.dat.gz").string()}), "is the dump");
  CHECK(testing::read_file(dump / "toc.dat") == "PGDMP");
  expect_usage_error(with({"--report", "json", "--report", "junit:/dev/stdout"}), "is not a file of its own");
  expect_usage_error(with({"--report", "junit:/proc/self/fd/1"}), "is not a file of its own");
  REQUIRE(::mkfifo((dir.path() / "fifo").c_str(), 0600) == 0);
  expect_usage_error(with({"--report", "json:" + (dir.path() / "fifo").string()}), "is not a regular file");
  // A loop of symbolic links stays as it is: no report replaces a link.
  std::filesystem::create_symlink("loop2", dir.path() / "loop1");
  std::filesystem::create_symlink("loop1", dir.path() / "loop2");
  expect_usage_error(with({"--report", "json:" + (dir.path() / "loop1").string()}), "loop of symbolic links");
  CHECK(std::filesystem::is_symlink(dir.path() / "loop1"));
}

TEST_CASE("the baseline is never written through a link out of OUT", "[cli]") {
  testing::TempDir dir("cli-manifest-link");
  const auto out = dir.path() / "o";
  std::filesystem::create_directories(out);
  write(dir.path() / "outside.txt", "keep me");
  std::filesystem::create_symlink(dir.path() / "outside.txt", out / "manifest.json");
  const auto config = (dir.path() / "p.toml").string();
  write(config, "[tenants.demo]\nsource_dsn = \"host=127.0.0.1 port=1\"\n");
  const auto result =
      testing::run_pgverify({"--config", config, "pre", "--out", out.string(), "--only", "driver.asyncpg"});
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.out, Catch::Contains("baseline.record"));
  CHECK(testing::read_file(dir.path() / "outside.txt") == "keep me");
}

TEST_CASE("an empty --only or --skip (an unset shell variable) selects nothing, and says so", "[cli]") {
  testing::TempDir dir("cli-empty-only");
  const auto config = (dir.path() / "p.toml").string();
  write(config, "[tenants.demo]\ntarget_dsn = \"host=127.0.0.1 port=1\"\n");
  expect_usage_error(testing::run_pgverify({"--config", config, "post", "--only", ""}), "--only: no check id given");
  expect_usage_error(testing::run_pgverify({"--config", config, "post", "--only", ","}), "--only: no check id given");
  expect_usage_error(testing::run_pgverify({"--config", config, "post", "--skip", " "}), "--skip: no check id given");
}

TEST_CASE("a configuration of one tenant has its files checked without --tenant too", "[cli]") {
  testing::TempDir dir("cli-one-tenant-files");
  const auto config = (dir.path() / "p.toml").string();
  write(config, "[tenants.demo]\ntarget_dsn = \"host=127.0.0.1 port=1\"\n[tenants.demo.fernet]\nsecret_file = \"" +
                    (dir.path() / "missing").string() + "\"\n");
  expect_usage_error(testing::run_pgverify({"--config", config, "pre", "--only", "secrets.fingerprint"}),
                     "tenants.demo.fernet.secret_file: " + (dir.path() / "missing").string() + " does not exist");
}

TEST_CASE("pre says before any check runs that --out cannot be written", "[cli]") {
  testing::TempDir dir("cli-out-unwritable");
  const auto config = dir.path() / "p.toml";
  write(config.string(), "[tenants.demo]\nsource_dsn = \"host=127.0.0.1 port=1\"\n");
  const auto locked = dir.path() / "locked";
  std::filesystem::create_directories(locked);
  std::filesystem::permissions(dir.path(), std::filesystem::perms::all);  // nobody reaches the config
  std::filesystem::permissions(config, std::filesystem::perms::owner_all | std::filesystem::perms::others_read);
  std::filesystem::permissions(locked, std::filesystem::perms::owner_all | std::filesystem::perms::others_read |
                                           std::filesystem::perms::others_exec);
  // As a user who may not write there (root may write anywhere).
  auto result = exec::run_process({"runuser", "-u", "nobody", "--", PGVERIFY_BINARY, "--config", config.string(), "pre",
                                   "--out", (locked / "out").string(), "--only", "version.psql"},
                                  std::chrono::seconds(30));
  INFO(result.err);
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("--out: cannot write the baseline") != std::string::npos);
}
