#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "files/atomic_file.hpp"
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

TEST_CASE("write_atomically creates, replaces and leaves no temporary file", "[files]") {
  testing::TempDir dir("atomic");
  const fs::path path = dir.path() / "sub" / "report.json";
  files::write_atomically(path, "first\n");
  CHECK(testing::read_file(path) == "first\n");
  files::write_atomically(path, "second, longer\n");
  CHECK(testing::read_file(path) == "second, longer\n");
  CHECK(entries(path.parent_path()) == 1);
}

TEST_CASE("write_atomically keeps an existing file's permissions and a symbolic link", "[files]") {
  testing::TempDir dir("atomic-keep");
  const fs::path real = dir.path() / "real.xml";
  const fs::path link = dir.path() / "link.xml";
  files::write_atomically(real, "old");
  REQUIRE(::chmod(real.c_str(), 0640) == 0);
  fs::create_symlink(real, link);
  files::write_atomically(link, "new");
  CHECK(fs::is_symlink(link));
  CHECK(testing::read_file(real) == "new");
  struct stat info {};
  REQUIRE(::stat(real.c_str(), &info) == 0);
  CHECK((info.st_mode & 07777) == 0640);
}

TEST_CASE("write_atomically refuses a device and a directory", "[files]") {
  testing::TempDir dir("atomic-special");
  // A device is refused, and stays a device: renaming over it would replace the node.
  CHECK_THROWS_WITH(files::write_atomically("/dev/null", "x"), Catch::Contains("not a regular file"));
  CHECK(fs::is_character_file("/dev/null"));
  CHECK_THROWS_AS(files::write_atomically(dir.path(), "x"), files::WriteError);
  CHECK_THROWS_WITH(files::write_atomically(dir.path(), "x"), Catch::Contains("is a directory"));
  const fs::path blocker = dir.path() / "file";
  files::write_atomically(blocker, "");
  CHECK_THROWS_WITH(files::write_atomically(blocker / "below.json", "x"),
                    Catch::Contains("cannot write " + (blocker / "below.json").string()));
  CHECK(entries(dir.path()) == 1);
}

TEST_CASE("resolved_path tells two spellings of one file apart from two files", "[files]") {
  testing::TempDir dir("atomic-resolve");
  fs::create_directories(dir.path() / "a");
  CHECK(files::resolved_path(dir.path() / "a" / ".." / "x.json") == files::resolved_path(dir.path() / "x.json"));
  fs::create_directory_symlink(dir.path() / "a", dir.path() / "alias");
  CHECK(files::resolved_path(dir.path() / "alias" / "m.json") == files::resolved_path(dir.path() / "a" / "m.json"));
  CHECK(files::resolved_path(dir.path() / "a" / "m.json") != files::resolved_path(dir.path() / "m.json"));
}

TEST_CASE("TemporaryFiles removes every file still being written, and then creates none", "[files]") {
  testing::TempDir dir("atomic-temporaries");
  files::TemporaryFiles temporaries;
  const fs::path kept = dir.path() / "kept.tmp", left = dir.path() / "left.tmp", target = dir.path() / "report.json";
  const int kept_fd = temporaries.create(kept, 0600);
  const int left_fd = temporaries.create(left, 0600);
  REQUIRE(kept_fd >= 0);
  REQUIRE(left_fd >= 0);
  ::close(kept_fd);
  ::close(left_fd);
  CHECK(temporaries.create(kept, 0600) == -1);  // O_EXCL
  REQUIRE(temporaries.commit(kept, target));
  CHECK(temporaries.remove_all() == 1);
  CHECK(fs::exists(target));
  CHECK_FALSE(fs::exists(left));
  CHECK(entries(dir.path()) == 1);

  errno = 0;
  CHECK(temporaries.create(dir.path() / "late.tmp", 0600) == -1);
  CHECK(errno == ECANCELED);
  CHECK_FALSE(fs::exists(dir.path() / "late.tmp"));
  CHECK_FALSE(temporaries.commit(left, target));
  CHECK(errno == ECANCELED);
}
