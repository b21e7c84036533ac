// pgverify pre and post as a user runs them, against real servers: a PG17
// source dumped with pg_dump 17 and restored into PG18 with pg_restore 18.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include "checks/registry.hpp"
#include "json/json.hpp"
#include "core/runner.hpp"
#include "support/servers.hpp"

using namespace pgverify;

TEST_CASE("pre and post on a real PG17 -> PG18 upgrade write every report and gate correctly", "[server][cli]") {
  const auto& pg15 = testing::real_server(15);
  const auto& pg17 = testing::real_server(17);
  const auto& pg18 = testing::real_server(18);
  testing::TempDir dir("cli-upgrade");
  testing::ScratchDatabase source(pg17, "pgv_cli_src");
  testing::ScratchDatabase target(pg18, "pgv_cli_dst");
  source.exec(
      "CREATE EXTENSION vector;"
      "CREATE TABLE messages (id bigserial PRIMARY KEY, body text, embedding vector(3));"
      "INSERT INTO messages (body, embedding) SELECT 'm' || g, ARRAY[g, g, g]::real[]::vector FROM generate_series(1, 100) g;");
  const auto dump = dir.path() / "src.dump";
  testing::run_ok({pg17.tool("pg_dump"), "-Fc", "-f", dump.string(), "-d", source.dsn()});

  const auto config = dir.path() / "pgverify.toml";
  auto write_config = [&](const std::string& pg_dump, const std::string& pg_restore) {
    testing::write_tenant_config(config, "demo", source.dsn(), target.dsn(), {pg_dump, pg_restore, pg18.tool("psql")},
                                 "dump_path = \"" + dump.string() + "\"\n");
  };
  const auto out = dir.path() / "out";
  auto reports = [&](const std::string& phase) {
    return std::vector<std::string>{"--report", "json:" + (out / (phase + ".json")).string(),
                                    "--report", "junit:" + (out / (phase + ".xml")).string(),
                                    "--report", "markdown:" + (out / (phase + ".md")).string(),
                                    "--report", "console"};
  };

  SECTION("the wrong clients fail pre with exit 1, naming what to use") {
    write_config(pg15.tool("pg_dump"), pg15.tool("pg_restore"));
    auto args = std::vector<std::string>{"--config", config.string(), "pre", "--tenant", "demo", "--out", out.string()};
    for (auto& a : reports("pre")) args.push_back(a);
    auto pre = testing::run_pgverify(args);
    INFO(pre.out << pre.err);
    CHECK(pre.exit_code == 1);
    CHECK_THAT(pre.out, Catch::Contains("FAIL   version.pg-dump") && Catch::Contains("FAIL   version.pg-restore"));
    json::Value report = json::parse(testing::read_file(out / "pre.json"));
    CHECK(report.find("status")->as_string() == "fail");
    CHECK_THAT(testing::read_file(out / "pre.xml"), Catch::Contains("<failure"));
    // The baseline is recorded even when checks fail.
    CHECK(std::filesystem::exists(out / "manifest.json"));
  }

  SECTION("the right clients pass pre, the restore passes post") {
    write_config(pg17.tool("pg_dump"), pg18.tool("pg_restore"));
    auto args = std::vector<std::string>{"--config", config.string(), "pre", "--tenant", "demo", "--out", out.string()};
    for (auto& a : reports("pre")) args.push_back(a);
    auto pre = testing::run_pgverify(args);
    INFO(pre.out << pre.err);
    REQUIRE(pre.exit_code == 0);
    for (const char* file : {"pre.json", "pre.xml", "pre.md", "manifest.json"})
      CHECK(std::filesystem::file_size(out / file) > 0);
    json::Value report = json::parse(testing::read_file(out / "pre.json"));
    CHECK(report.find("phase")->as_string() == "pre");
    // Every pre check ran (app.health and the like are post only).
    CHECK(report.find("checks")->as_array().size() == select_checks(all_checks(), Phase::pre, {}, {}).size());

    // post before the restore: vector is not there yet.
    auto post_args = std::vector<std::string>{"--config", config.string(), "post", "--tenant", "demo", "--out", out.string()};
    for (auto& a : reports("post")) post_args.push_back(a);
    auto early = testing::run_pgverify(post_args);
    INFO(early.out << early.err);
    CHECK(early.exit_code == 1);
    CHECK_THAT(early.out, Catch::Contains("FAIL   ext.vector"));

    target.exec("CREATE EXTENSION vector");
    testing::run_ok({pg18.tool("pg_restore"), "--exit-on-error", "-d", target.dsn(), dump.string()});
    auto post = testing::run_pgverify(post_args);
    INFO(post.out << post.err);
    CHECK(post.exit_code == 0);
    json::Value post_report = json::parse(testing::read_file(out / "post.json"));
    CHECK(post_report.find("status")->as_string() == "pass");
    CHECK_THAT(testing::read_file(out / "post.md"), Catch::Contains("ext.vector"));
  }
}

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The table a command prints, from its "TABLE" heading to the line before "large objects:".
std::vector<std::string> table_lines(const std::string& out) {
  std::vector<std::string> all = lines_of(out), table;
  bool in_table = false;
  for (const auto& line : all) {
    if (line.rfind("TABLE ", 0) == 0) in_table = true;
    else if (line.rfind("large objects:", 0) == 0) in_table = false;
    if (in_table) table.push_back(line);
  }
  return table;
}

}  // namespace

TEST_CASE("hash and dump verify show each table on its one line whatever its name holds", "[server][cli]") {
  const auto& pg17 = testing::real_server(17);
  testing::ScratchDatabase source(pg17, "pgv_cli_names");
  // Raw names and how the tables show them: every control character spelled
  // out, the rest (a pipe, UTF-8) as it is.
  const std::vector<std::pair<std::string, std::string>> names{
      {"new\nline", "public.\"new\\x0aline\""},   {"tab\there", "public.\"tab\\x09here\""},
      {"cr\rhere", "public.\"cr\\x0dhere\""},     {"esc\x1b[31mred", "public.\"esc\\x1b[31mred\""},
      {"del\x7f", "public.\"del\\x7f\""},         {"bell\x07", "public.\"bell\\x07\""},
      {"nel\xc2\x85" "c1", "public.\"nel\\u0085c1\""}, {"pipe|bar", "public.\"pipe|bar\""},
      {"café", "public.\"café\""},
  };
  // Each name as an E'' literal, byte by byte.
  auto literal = [](const std::string& raw) {
    std::string out = "E'";
    for (const char c : raw) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
      out += (c == '\'' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
                 ? std::string(escaped)
                 : std::string(1, c);
    }
    return out + "'";
  };
  std::string sql;
  std::map<std::string, std::string> shown_of;  // the name as the JSON output has it -> as the table shows it
  for (const auto& [raw, shown] : names) {
    sql += "DO $$ BEGIN EXECUTE format('CREATE TABLE public.%I (id int, t text)', " + literal(raw) +
           "); EXECUTE format('INSERT INTO public.%I VALUES (1, ''x''), (2, ''y'')', " + literal(raw) + "); END $$;";
    shown_of["public.\"" + raw + "\""] = shown;
  }
  source.exec(sql);

  // The hashes from --json (raw names, in the table's order), the lines from the table.
  auto json_out = testing::run_pgverify({"hash", "--dsn", source.dsn(), "--mode", "text", "--json"});
  REQUIRE(json_out.exit_code == 0);
  std::size_t width = 5;
  for (const auto& [raw, shown] : names) width = std::max(width, shown.size());
  std::vector<std::string> expected{"TABLE" + std::string(width - 5 + 2, ' ') + "ROWS        HASH (text)"};
  const json::Value document = json::parse(json_out.out);
  for (const auto& table : document.find("tables")->as_array()) {
    const std::string& name = table.find("table")->as_string();
    REQUIRE(shown_of.count(name) == 1);
    const std::string& shown = shown_of[name];
    CHECK(table.find("rows")->as_int() == 2);
    expected.push_back(shown + std::string(width - shown.size() + 2, ' ') + "2" + std::string(11, ' ') +
                       table.find("hash")->as_string());
  }
  REQUIRE(expected.size() == names.size() + 1);

  auto hashed = testing::run_pgverify({"hash", "--dsn", source.dsn(), "--mode", "text"});
  INFO(hashed.out << hashed.err);
  REQUIRE(hashed.exit_code == 0);
  CHECK(table_lines(hashed.out) == expected);
  CHECK(hashed.out.find_first_of("\r\t\x1b\x7f\x07") == std::string::npos);

  testing::TempDir dir("cli-names");
  for (const char* format : {"-Fc", "-Fd", "-Ft", "-Fp"}) {
    const auto dump = dir.path() / (std::string("names") + format);
    testing::run_ok({pg17.tool("pg_dump"), format, "-f", dump.string(), "-d", source.dsn()});
    auto verified = testing::run_pgverify({"dump", "verify", dump.string()});
    INFO(format << ": " << verified.out << verified.err);
    CHECK(verified.exit_code == 0);
    // Tables in the dump's name order, which need not be the server's.
    std::vector<std::string> lines = table_lines(verified.out), sorted_expected = expected;
    REQUIRE_FALSE(lines.empty());
    CHECK(lines.front() == expected.front());
    std::sort(lines.begin() + 1, lines.end());
    std::sort(sorted_expected.begin() + 1, sorted_expected.end());
    CHECK(lines == sorted_expected);
    CHECK(verified.out.find_first_of("\r\t\x1b\x7f\x07") == std::string::npos);
  }
}
