#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "io/atomic_file.hpp"
#include "support/servers.hpp"

using namespace pgverify;
namespace fs = std::filesystem;

namespace {

std::size_t entries(const fs::path& dir) {
  std::size_t n = 0;
  for (auto it = fs::directory_iterator(dir); it != fs::directory_iterator(); ++it) ++n;
  return n;
}

}  // namespace

TEST_CASE("write_atomically creates, replaces and leaves no temporary file", "[io]") {
  testing::TempDir dir("atomic");
  const fs::path path = dir.path() / "sub" / "report.json";
  io::write_atomically(path, "first\n");
  CHECK(testing::read_file(path) == "first\n");
  io::write_atomically(path, "second, longer\n");
  CHECK(testing::read_file(path) == "second, longer\n");
  CHECK(entries(path.parent_path()) == 1);
}

TEST_CASE("write_atomically keeps an existing file's permissions and a symbolic link", "[io]") {
  testing::TempDir dir("atomic-keep");
  const fs::path real = dir.path() / "real.xml";
  const fs::path link = dir.path() / "link.xml";
  io::write_atomically(real, "old");
  REQUIRE(::chmod(real.c_str(), 0640) == 0);
  fs::create_symlink(real, link);
  io::write_atomically(link, "new");
  CHECK(fs::is_symlink(link));
  CHECK(testing::read_file(real) == "new");
  struct stat info {};
  REQUIRE(::stat(real.c_str(), &info) == 0);
  CHECK((info.st_mode & 07777) == 0640);
}

TEST_CASE("write_atomically writes a device in place and refuses a directory", "[io]") {
  testing::TempDir dir("atomic-special");
  // /dev/null stays a device: renaming over it would replace the device node.
  io::write_atomically("/dev/null", "discarded");
  CHECK(fs::is_character_file("/dev/null"));
  CHECK_THROWS_AS(io::write_atomically(dir.path(), "x"), io::WriteError);
  CHECK_THROWS_WITH(io::write_atomically(dir.path(), "x"), Catch::Contains("is a directory"));
  const fs::path blocker = dir.path() / "file";
  io::write_atomically(blocker, "");
  CHECK_THROWS_WITH(io::write_atomically(blocker / "below.json", "x"),
                    Catch::Contains("cannot write " + (blocker / "below.json").string()));
  CHECK(entries(dir.path()) == 1);
}

TEST_CASE("resolved_path tells two spellings of one file apart from two files", "[io]") {
  testing::TempDir dir("atomic-resolve");
  fs::create_directories(dir.path() / "a");
  CHECK(io::resolved_path(dir.path() / "a" / ".." / "x.json") == io::resolved_path(dir.path() / "x.json"));
  fs::create_directory_symlink(dir.path() / "a", dir.path() / "alias");
  CHECK(io::resolved_path(dir.path() / "alias" / "m.json") == io::resolved_path(dir.path() / "a" / "m.json"));
  CHECK(io::resolved_path(dir.path() / "a" / "m.json") != io::resolved_path(dir.path() / "m.json"));
}
