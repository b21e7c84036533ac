#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "secrets/secret_source.hpp"
#include "support/servers.hpp"

using namespace pgverify;

TEST_CASE("secrets come from a variable or a file, trimmed, several lines for rotation", "[secrets]") {
  ::setenv("PGV_UNIT_SECRET_SRC", "  s3cret-value\n", 1);
  auto from_env = secrets::read_secrets("PGV_UNIT_SECRET_SRC", "");
  CHECK(from_env.secrets() == std::vector<std::string>{"s3cret-value"});
  CHECK(from_env.origin() == "environment variable PGV_UNIT_SECRET_SRC");
  ::unsetenv("PGV_UNIT_SECRET_SRC");

  testing::TempDir dir("secret-src");
  std::ofstream(dir.path() / "jwt") << "current-secret\r\n\n  previous-secret  \n";
  auto from_file = secrets::read_secrets("", dir.path() / "jwt");
  CHECK(from_file.secrets() == std::vector<std::string>{"current-secret", "previous-secret"});
  CHECK(from_file.current() == "current-secret");
  CHECK(from_file.origin() == "file " + (dir.path() / "jwt").string() + " (2 secrets)");
}

TEST_CASE("a secret that cannot be read is one line naming where it was looked for, never what it holds", "[secrets]") {
  ::unsetenv("PGV_UNIT_SECRET_NONE");
  CHECK_THROWS_WITH(secrets::read_secrets("PGV_UNIT_SECRET_NONE", ""), "environment variable PGV_UNIT_SECRET_NONE is not set");
  ::setenv("PGV_UNIT_SECRET_NONE", " \n", 1);
  CHECK_THROWS_WITH(secrets::read_secrets("PGV_UNIT_SECRET_NONE", ""), "environment variable PGV_UNIT_SECRET_NONE is empty");
  ::unsetenv("PGV_UNIT_SECRET_NONE");
  testing::TempDir dir("secret-src-bad");
  CHECK_THROWS_WITH(secrets::read_secrets("", dir.path() / "missing"),
                    "secret file " + (dir.path() / "missing").string() + ": cannot open: No such file or directory");
  CHECK_THROWS_WITH(secrets::read_secrets("", dir.path()),
                    "secret file " + dir.path().string() + ": a directory, not a regular file");
  // A FIFO is refused without being opened (an open would wait for a writer).
  REQUIRE(::mkfifo((dir.path() / "fifo").c_str(), 0600) == 0);
  CHECK_THROWS_WITH(secrets::read_secrets("", dir.path() / "fifo"), Catch::Contains("FIFO"));
  CHECK_THROWS_WITH(secrets::read_secrets("", "/dev/zero"), Catch::Contains("not a regular file"));
  std::ofstream(dir.path() / "blank") << "\n\n";
  CHECK_THROWS_WITH(secrets::read_secrets("", dir.path() / "blank"), Catch::EndsWith("holds no secret"));
  std::ofstream(dir.path() / "huge") << std::string(70000, 'x');
  CHECK_THROWS_WITH(secrets::read_secrets("", dir.path() / "huge"), Catch::EndsWith("larger than 64 KiB, which no secret is"));
}
