#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include "files/readable_file.hpp"
#include "support/servers.hpp"
#include "support/special_files.hpp"

using namespace pgverify;
using files::FileErrc;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

files::FileError open_error(const fs::path& path) {
  try {
    files::ReadableFile file(path);
  } catch (const files::FileError& error) {
    return error;
  }
  FAIL("no FileError for " << path);
  throw;
}

}  // namespace

TEST_CASE("ReadableFile opens a regular file, also through a link", "[files]") {
  testing::TempDir dir("files-open");
  write(dir.path() / "a.txt", "four");
  fs::create_symlink(dir.path() / "a.txt", dir.path() / "link");
  CHECK(files::ReadableFile(dir.path() / "a.txt").size() == 4);
  CHECK(files::ReadableFile(dir.path() / "link").size() == 4);
  CHECK(files::read_whole_file(dir.path() / "link", 4) == "four");
}

TEST_CASE("ReadableFile refuses what is no regular file at once, naming what it is", "[files]") {
  testing::TempDir dir("files-special");
  const fs::path fifo = dir.path() / "pipe";
  testing::make_fifo(fifo);
  const testing::BoundSocket socket(dir.path() / "sock");
  testing::link_to_dev_zero(dir.path() / "zero");
  fs::create_symlink(fifo, dir.path() / "to-pipe");

  const auto error = testing::finishes_promptly({fifo}, [&] { return open_error(fifo); });
  CHECK(error.code() == FileErrc::not_a_file);
  CHECK(std::string(error.what()) == fifo.string() + ": a FIFO (named pipe), not a regular file");
  CHECK(testing::finishes_promptly({fifo}, [&] { return open_error(dir.path() / "to-pipe"); }).code() ==
        FileErrc::not_a_file);
  CHECK(open_error(dir.path() / "sock").reason() == "a socket, not a regular file");
  CHECK(open_error(dir.path() / "zero").reason() == "a character device, not a regular file");
  CHECK(open_error("/dev/zero").reason() == "a character device, not a regular file");
  CHECK(open_error(dir.path()).reason() == "a directory, not a regular file");
  // And whole-file reads never start on them.
  CHECK_THROWS_AS(files::read_whole_file("/dev/zero", 1024), files::FileError);
}

TEST_CASE("ReadableFile tells a missing path from one it may not open", "[files]") {
  testing::TempDir dir("files-missing");
  const auto missing = open_error(dir.path() / "nope");
  CHECK(missing.code() == FileErrc::not_found);
  CHECK(missing.reason() == "cannot open: No such file or directory");
  write(dir.path() / "file", "x");
  CHECK(open_error(dir.path() / "file" / "below").code() == FileErrc::not_found);
  if (::geteuid() != 0) {  // root reads any file
    write(dir.path() / "secret", "x");
    ::chmod((dir.path() / "secret").c_str(), 0);
    const auto refused = open_error(dir.path() / "secret");
    CHECK(refused.code() == FileErrc::cannot_open);
    CHECK(refused.reason() == "cannot open: Permission denied");
  }
}

TEST_CASE("read_whole_file stops at its limit without reading past it", "[files]") {
  testing::TempDir dir("files-limit");
  write(dir.path() / "small", std::string(1024, 'x'));
  CHECK(files::read_whole_file(dir.path() / "small", 1024).size() == 1024);
  try {
    files::read_whole_file(dir.path() / "small", 1023);
    FAIL("no error");
  } catch (const files::FileError& error) {
    CHECK(error.code() == FileErrc::too_large);
    CHECK(error.reason() == "larger than 1023 bytes");
  }
  // A sparse file far beyond the limit is refused by its size, not read.
  const fs::path huge = dir.path() / "huge";
  write(huge, "");
  fs::resize_file(huge, std::uint64_t{64} << 30);
  const auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(files::read_whole_file(huge, std::uint64_t{1} << 30), huge.string() + ": larger than 1 GiB");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
}

TEST_CASE("a path is shown on one line whatever it holds", "[files]") {
  const auto error = open_error("/nonexistent/a\nb\x1b[2J");
  CHECK(std::string(error.what()) == "/nonexistent/a\\x0ab\\x1b[2J: cannot open: No such file or directory");
}
