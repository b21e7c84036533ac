#include <catch2/catch.hpp>

#include <fstream>

#include "checks/checks.hpp"
#include "support/check_fixture.hpp"
#include "support/servers.hpp"

using namespace pgverify;

namespace {

// The start of a custom-format archive as pg_dump writes it (see src/dump/).
std::string custom_header(int minor, const std::string& pg_dump_version) {
  std::string bytes = "PGDMP";
  bytes += {'\x01', static_cast<char>(minor), '\x00', '\x04', '\x08', '\x01'};
  bytes += '\x00';  // compression algorithm (1.15+): none
  auto put_int = [&](int value) {
    bytes += '\x00';
    for (int i = 0; i < 4; ++i) bytes += static_cast<char>((value >> (8 * i)) & 0xFF);
  };
  auto put_str = [&](const std::string& text) {
    put_int(static_cast<int>(text.size()));
    bytes += text;
  };
  for (int part : {5, 4, 3, 2, 1, 126, 0}) put_int(part);
  put_str("qrydb");
  put_str(pg_dump_version);
  put_str(pg_dump_version);
  return bytes + std::string(64, '\0');
}

}  // namespace

TEST_CASE("version.pg-restore passes when pg_restore reads the archive and matches the target", "[checks][version.pg-restore]") {
  testing::CheckFixture f;
  testing::TempDir dir("pgrestore-unit");
  f.dump_path = dir.path() / "a.dump";
  std::ofstream(*f.dump_path, std::ios::binary) << custom_header(16, "17.12");
  f.tools.version("pg_restore", "pg_restore (PostgreSQL) 18.1");
  auto result = f.run(checks::VersionPgRestore());
  CHECK(result.status == Status::pass);
  CHECK(result.summary == "pg_restore 18.1 suits target major 18; reads the dump's archive version 1.16 (pg_dump 17.12)");
}

TEST_CASE("version.pg-restore fails when pg_restore cannot read the archive version", "[checks][version.pg-restore]") {
  testing::CheckFixture f;
  f.tenant.target_major = 15;
  testing::TempDir dir("pgrestore-unit");
  f.dump_path = dir.path() / "a.dump";
  std::ofstream(*f.dump_path, std::ios::binary) << custom_header(16, "17.12");
  f.tools.version("pg_restore", "pg_restore (PostgreSQL) 15.18");
  auto result = f.run(checks::VersionPgRestore());
  CHECK(result.status == Status::fail);
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].message == "pg_restore 15.18 cannot read this dump: unsupported version (1.16) in file header");
  CHECK(result.findings[0].actual == "archive version 1.16 (pg_dump 17.12)");
}

TEST_CASE("version.pg-restore fails when pg_restore is older than the target", "[checks][version.pg-restore]") {
  testing::CheckFixture f;
  f.tools.version("pg_restore", "pg_restore (PostgreSQL) 17.12");
  auto result = f.run(checks::VersionPgRestore());
  CHECK(result.status == Status::fail);
  CHECK(result.findings.at(0).expected == "pg_restore >= 18");
}

TEST_CASE("version.pg-restore warns when there is no dump to look at", "[checks][version.pg-restore]") {
  testing::CheckFixture f;
  f.tools.version("pg_restore", "pg_restore (PostgreSQL) 18.1");
  CHECK(f.run(checks::VersionPgRestore()).status == Status::warn);
  f.dump_path = "/nonexistent/qrydb.dump";
  auto result = f.run(checks::VersionPgRestore());
  CHECK(result.status == Status::warn);
  CHECK(result.summary == "pg_restore 18.1 suits target major 18; dump not taken yet");
}

TEST_CASE("version.pg-restore fails on a dump whose header cannot be read", "[checks][version.pg-restore]") {
  testing::CheckFixture f;
  testing::TempDir dir("pgrestore-unit");
  f.dump_path = dir.path() / "a.dump";
  std::ofstream(*f.dump_path, std::ios::binary) << "PGDMP\x01";
  f.tools.version("pg_restore", "pg_restore (PostgreSQL) 18.1");
  auto result = f.run(checks::VersionPgRestore());
  CHECK(result.status == Status::fail);
  CHECK_THAT(result.findings.at(0).message, Catch::StartsWith("cannot read the dump header: "));
}
