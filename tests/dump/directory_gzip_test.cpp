// A directory archive's data files read the way pg_restore reads them: zlib's
// gzread passes a .gz file that is no gzip through and ignores bytes after a
// gzip member that start no other; lz4 and zstd files must be frames.

#include <catch2/catch.hpp>

#include "dump/archive_data.hpp"
#include "dump_test_support.hpp"
#include "support/servers.hpp"

using namespace pgverify::dump;
using namespace pgverify::dump::testing;
namespace fs = std::filesystem;

namespace {

struct GzipDirectory {
  pgverify::testing::TempDir dir{"gz-members"};
  fs::path path = dir.path() / "archive";
  GzipDirectory() {
    HeaderSpec h;
    h.format = 3;
    h.algorithm = 1;
    fs::create_directory(path);
    write_file(path / "toc.dat", build_header(h) + build_toc(h, {table_data(3, "t")}));
  }
  std::vector<std::size_t> rows() {
    const ArchiveToc toc = read_archive_toc(path);
    return {count_table_rows(toc).at(0).rows};
  }
};

}  // namespace

TEST_CASE("a directory archive's .gz data file is read as gzread reads it", "[dump]") {
  GzipDirectory d;
  const std::string text = "1\tone\n2\ttwo\n\\.\n\n";
  SECTION("uncompressed bytes under .gz pass through, as pg_restore 18 reads them") {
    write_file(d.path / "3.dat.gz", text);
    CHECK(d.rows() == std::vector<std::size_t>{2});
  }
  SECTION("a gzip member and bytes after it that start no other: ignored, as by pg_restore") {
    write_file(d.path / "3.dat.gz", deflate_bytes(text, true) + "garbage\n");
    CHECK(d.rows() == std::vector<std::size_t>{2});
  }
  SECTION("two gzip members") {
    write_file(d.path / "3.dat.gz", deflate_bytes("1\tone\n", true) + deflate_bytes("2\ttwo\n\\.\n", true));
    CHECK(d.rows() == std::vector<std::size_t>{2});
  }
  SECTION("a one-byte file is that byte") {
    write_file(d.path / "3.dat.gz", "\n");
    CHECK(d.rows() == std::vector<std::size_t>{1});
  }
  SECTION("a gzip member cut short is still refused") {
    const std::string gz = deflate_bytes(text, true);
    write_file(d.path / "3.dat.gz", gz.substr(0, gz.size() - 4));
    const DumpError e = expect_dump_error([&] { d.rows(); });
    CHECK(e.code() == DumpErrc::incomplete_compressed_stream);
  }
  SECTION("uncompressed bytes under .lz4 or .zst are refused, as pg_restore refuses them") {
    for (const char* suffix : {".lz4", ".zst"}) {
      INFO(suffix);
      fs::remove(d.path / "3.dat.lz4");
      write_file(d.path / (std::string("3.dat") + suffix), text);
      const DumpError e = expect_dump_error([&] { d.rows(); });
      CHECK(e.code() == DumpErrc::corrupt_compressed_stream);
      fs::remove(d.path / (std::string("3.dat") + suffix));
    }
  }
}
