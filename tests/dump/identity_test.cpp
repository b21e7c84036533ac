#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "dump/identity.hpp"
#include "support/servers.hpp"

using namespace pgverify;

TEST_CASE("a dump's identity is its SHA-256 and size; a directory's covers every member, a FIFO member makes none",
          "[dump]") {
  testing::TempDir dir("identity");
  const auto file = dir.path() / "db.dump";
  std::ofstream(file) << "abc";
  const auto one = dump::identify_dump(file);
  CHECK(one.size == 3);
  CHECK(one.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // SHA-256("abc")
  CHECK(one.path == file.string());

  const auto directory = dir.path() / "dumpdir";
  std::filesystem::create_directories(directory);
  std::ofstream(directory / "toc.dat") << "PGDMP";
  std::ofstream(directory / "3001.dat") << "rows";
  const auto before = dump::identify_dump(directory);
  CHECK(before.size == 9);
  std::ofstream(directory / "3001.dat") << "rowz";
  CHECK(dump::identify_dump(directory).sha256 != before.sha256);
  REQUIRE(::mkfifo((directory / "3002.dat").c_str(), 0600) == 0);
  CHECK_THROWS_WITH(dump::identify_dump(directory), Catch::Contains("3002.dat: not a regular file"));
}
