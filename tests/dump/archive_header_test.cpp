// The archive header reader on archives built byte by byte: every supported
// version, every way a header can be wrong, truncation at every offset.

#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <vector>

#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include "dump/archive_header.hpp"
#include "dump/decompress.hpp"
#include "dump_test_support.hpp"
#include "support/servers.hpp"

using namespace pgverify::dump;
using namespace pgverify::dump::testing;

namespace {

const std::string kPlain =
    "--\n"
    "-- PostgreSQL database dump\n"
    "--\n"
    "\n"
    "\\restrict ct1EaubHsWYiVf9gAfJEpSY9tOoevVPjv780sFyctmGyOultFnkbBAl5HaGQRUV\n"
    "\n"
    "-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)\n"
    "-- Dumped by pg_dump version 17.12 (Debian 17.12-0+deb13u1)\n"
    "\n"
    "SET statement_timeout = 0;\n"
    "SET lock_timeout = 0;\n";

std::string gzip(const std::string& text) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(text.size())) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string lz4(const std::string& text) {
  std::string out(LZ4F_compressFrameBound(text.size(), nullptr), '\0');
  const std::size_t n = LZ4F_compressFrame(out.data(), out.size(), text.data(), text.size(), nullptr);
  REQUIRE_FALSE(LZ4F_isError(n));
  out.resize(n);
  return out;
}

std::string zstd(const std::string& text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  const std::size_t n = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3);
  REQUIRE_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

DumpError header_error(const HeaderSpec& spec) { return memory_error(build_header(spec)); }

}  // namespace

TEST_CASE("archive versions 1.12 to 1.16 with 4- and 8-byte integers are read", "[dump]") {
  const int vmin = GENERATE(12, 13, 14, 15, 16);
  const int int_size = GENERATE(4, 8);
  HeaderSpec spec;
  spec.vmin = vmin;
  spec.int_size = int_size;
  spec.server = "10.23";
  spec.pg_dump = "18.6 (Debian 18.6-3)";
  spec.level = 5;
  spec.algorithm = 3;
  const std::string header = build_header(spec);
  INFO("archive 1." << vmin << ", intSize " << int_size);

  const ArchiveHeader h = read_memory(header + "rest of the TOC");
  CHECK(h.format == ArchiveFormat::custom);
  REQUIRE(h.version);
  CHECK(*h.version == ArchiveVersion{1, vmin, 0});
  CHECK(h.version->str() == "1." + std::to_string(vmin));
  CHECK(h.int_size == int_size);
  CHECK(h.off_size == 8);
  if (vmin >= 15) {
    CHECK(h.compression == Compression::zstd);
    CHECK_FALSE(h.compression_level);
  } else {
    CHECK(h.compression == Compression::gzip);
    CHECK(h.compression_level == 5);
  }
  CHECK(h.dump_time == "2025-03-01T14:05:09");
  CHECK(h.database == "qrydb");
  CHECK(h.server_version == "10.23");
  CHECK(h.pg_dump_version == "18.6 (Debian 18.6-3)");
  CHECK(h.server_major() == 10);
  CHECK(h.pg_dump_major() == 18);
  CHECK(h.header_file == "test.dump");
  CHECK(h.toc_offset == header.size());
}

TEST_CASE("truncation at every offset of a valid header is an error, never a crash", "[dump]") {
  const int vmin = GENERATE(12, 13, 14, 15, 16);
  const int int_size = GENERATE(4, 8);
  HeaderSpec spec;
  spec.vmin = vmin;
  spec.int_size = int_size;
  const std::string header = build_header(spec);
  for (std::size_t n = 0; n < header.size(); ++n) {
    INFO("archive 1." << vmin << ", intSize " << int_size << ", cut to " << n << " of " << header.size() << " bytes");
    const DumpError e = memory_error(header.substr(0, n));
    CHECK(e.code() == (n == 0 ? DumpErrc::empty_file : DumpErrc::truncated));
    if (n > 0) {
      REQUIRE(e.offset());
      CHECK(*e.offset() <= n);
      CHECK_THAT(e.what(), Catch::Contains("byte offset " + std::to_string(n)));
    }
    check_message_form(e);
  }
}

TEST_CASE("truncation inside a directory's toc.dat and a tar's toc.dat member is an error", "[dump]") {
  pgverify::testing::TempDir dir("dump-trunc");
  HeaderSpec spec;
  spec.format = 3;  // toc.dat always says tar
  const std::string toc = build_header(spec);
  const std::filesystem::path archive = dir.path() / "dir";
  std::filesystem::create_directories(archive);
  for (std::size_t n = 0; n < toc.size(); ++n) {
    INFO("toc.dat cut to " << n << " bytes");
    write_file(archive / "toc.dat", toc.substr(0, n));
    const DumpError e = expect_dump_error([&] { read_archive_header(archive); });
    CHECK(e.code() == (n == 0 ? DumpErrc::empty_file : DumpErrc::truncated));
    CHECK(e.path() == archive / "toc.dat");
    check_message_form(e);
  }
  write_file(archive / "toc.dat", toc);
  const ArchiveHeader h = read_archive_header(archive);
  CHECK(h.format == ArchiveFormat::directory);
  CHECK(h.header_file == archive / "toc.dat");

  // The tar archive cut anywhere before its toc.dat member ends.
  const std::string tar = tar_archive(toc);
  for (std::size_t n = 0; n < 512 + toc.size(); ++n) {
    INFO("tar cut to " << n << " bytes");
    const DumpError e = memory_error(tar.substr(0, n), "test.tar");
    if (n == 0)
      CHECK(e.code() == DumpErrc::empty_file);
    else if (n < 262)  // the ustar magic is not there yet
      CHECK(e.code() == DumpErrc::unrecognized_format);
    else
      CHECK(e.code() == DumpErrc::truncated);
    check_message_form(e);
  }
  const ArchiveHeader t = read_memory(tar, "test.tar");
  CHECK(t.format == ArchiveFormat::tar);
  CHECK(t.toc_offset == 512 + toc.size());
}

TEST_CASE("a truncated tar toc.dat member names the member, not the file", "[dump]") {
  HeaderSpec spec;
  spec.format = 3;
  const std::string toc = build_header(spec);
  // The member declares fewer bytes than the header needs; the file goes on.
  std::string tar = tar_header("toc.dat", 20) + toc;
  tar.append(2048, '\0');
  const DumpError e = memory_error(tar, "short.tar");
  CHECK(e.code() == DumpErrc::truncated);
  CHECK_THAT(e.what(), Catch::Contains("the toc.dat member ends at byte offset 532"));
}

TEST_CASE("every way a header can be wrong has its own precise error", "[dump]") {
  auto expect = [](const DumpError& e, DumpErrc code, std::optional<std::uint64_t> offset,
                        const std::string& fragment) {
    INFO(e.what());
    CHECK(e.code() == code);
    CHECK(e.offset() == offset);
    CHECK_THAT(e.what(), Catch::Contains(fragment));
    check_message_form(e);
  };

  SECTION("the file itself") {
    expect(memory_error(""), DumpErrc::empty_file, std::nullopt, "test.dump: the file is empty (0 bytes)");
    expect(memory_error("PGDMQ\x01\x10"), DumpErrc::unrecognized_format, 0,
           "not a pg_dump archive: it starts with \"PGDMQ\\x01\\x10\"");
    expect(memory_error("SELECT 1;\n"), DumpErrc::unrecognized_format, 0, "not a pg_dump archive");
    expect(memory_error("--\n-- PostgreSQL database cluster dump\n--\n\nSET x;\n"), DumpErrc::cluster_dump, 0,
           "a pg_dumpall cluster dump, not a pg_dump of one database");
    expect(expect_dump_error([] { read_archive_header("/nonexistent/pgverify.dump"); }), DumpErrc::io_error,
           std::nullopt, "/nonexistent/pgverify.dump: cannot open: No such file or directory");
  }

  SECTION("the version") {
    HeaderSpec spec;
    spec.vmin = 11;
    expect(header_error(spec), DumpErrc::unsupported_version, 5,
           "unsupported archive version 1.11: older than 1.12 (pg_dump 9.0)");
    spec.vmin = 17;
    expect(header_error(spec), DumpErrc::unsupported_version, 5,
           "unsupported archive version 1.17: newer than 1.16 (pg_dump 17 and 18)");
    spec.vmaj = 2;
    spec.vmin = 0;
    expect(header_error(spec), DumpErrc::unsupported_version, 5, "unsupported archive version 2.0");
    spec.vmaj = 0;
    spec.vmin = 200;
    expect(header_error(spec), DumpErrc::unsupported_version, 5, "unsupported archive version 0.200");
    // Any revision of a known minor is read, as pg_restore does (K_VERS_MAX).
    spec = HeaderSpec{};
    spec.vrev = 7;
    CHECK(read_memory(build_header(spec)).version == ArchiveVersion{1, 16, 7});
  }

  SECTION("sizes and format") {
    for (int size : {0, 2, 3, 9, 32, 255}) {
      HeaderSpec spec;
      spec.int_size = size;
      expect(header_error(spec), DumpErrc::bad_int_size, 8,
             "implausible integer size " + std::to_string(size) + " (pg_dump writes sizeof(int), 4");
    }
    for (int size : {0, 3, 9, 16}) {
      HeaderSpec spec;
      spec.off_size = size;
      expect(header_error(spec), DumpErrc::bad_offset_size, 9,
             "implausible file offset size " + std::to_string(size));
    }
    for (int code : {0, 2, 6, 255}) {
      HeaderSpec spec;
      spec.format = code;
      expect(header_error(spec), DumpErrc::unknown_format_code, 10,
             "unknown archive format code " + std::to_string(code));
    }
    HeaderSpec spec;
    spec.format = 3;
    expect(header_error(spec), DumpErrc::format_mismatch, 10,
           "format code 3 (tar) in a custom-format file, where pg_dump writes 1 (custom)");
    spec.format = 4;
    expect(header_error(spec), DumpErrc::format_mismatch, 10, "format code 4 (plain text) in a custom-format file");
    spec.format = 5;
    expect(header_error(spec), DumpErrc::format_mismatch, 10, "format code 5 (directory) in a custom-format file");
  }

  SECTION("compression") {
    HeaderSpec spec;
    spec.algorithm = 4;
    expect(header_error(spec), DumpErrc::unknown_compression, 11,
           "unknown compression algorithm code 4 (pg_dump writes 0 none, 1 gzip, 2 lz4, 3 zstd)");
    spec = HeaderSpec{};
    spec.vmin = 14;
    spec.level = 10;
    expect(header_error(spec), DumpErrc::bad_compression_level, 11, "implausible compression level 10");
    spec.level = -2;
    expect(header_error(spec), DumpErrc::bad_compression_level, 11, "implausible compression level -2");
    spec.level = 0;
    const ArchiveHeader none = read_memory(build_header(spec));
    CHECK(none.compression == Compression::none);
    CHECK(none.compression_level == 0);
    spec.level = -1;
    const ArchiveHeader deflt = read_memory(build_header(spec));
    CHECK(deflt.compression == Compression::gzip);
    CHECK(deflt.compression_level == -1);
  }

  SECTION("integers") {
    HeaderSpec spec;
    spec.vmin = 14;
    std::string bytes = build_header(spec);
    bytes[11] = 2;  // the compression level's sign byte
    expect(memory_error(bytes), DumpErrc::bad_integer, 11,
           "sign byte 0x02 of the compression level is neither 0 nor 1");
    spec = HeaderSpec{};
    spec.int_size = 8;
    bytes = build_header(spec);
    bytes[12 + 8] = 1;  // the top byte of the creation time's seconds
    expect(memory_error(bytes), DumpErrc::integer_out_of_range, 12,
           "the creation time (second) is 72057594037927945, beyond the 32-bit integers pg_dump writes");
  }

  SECTION("creation time") {
    struct Case {
      std::size_t field;
      long long value;
      const char* fragment;
    };
    for (const Case& c : {Case{0, 61, "the second field is 61"}, Case{1, -1, "the minute field is -1"},
                          Case{2, 24, "the hour field is 24"}, Case{3, 0, "the day of month field is 0"},
                          Case{4, 12, "the month field is 12 (expected 0 to 11, a struct tm month)"},
                          Case{5, 69, "the year field is 69"}, Case{6, 2, "the daylight saving flag field is 2"}}) {
      HeaderSpec spec;
      spec.time[c.field] = c.value;
      expect(header_error(spec), DumpErrc::bad_creation_time, 12 + 5 * c.field,
             std::string("implausible creation time: ") + c.fragment);
    }
  }

  SECTION("strings") {
    // 1.16, 4-byte ints: the database name's length is at 12 + 7 * 5.
    constexpr std::uint64_t db_at = 47;
    HeaderSpec spec;
    spec.database.reset();
    expect(header_error(spec), DumpErrc::missing_string, db_at,
           "the database name is null (pg_dump always records it)");
    spec = HeaderSpec{};
    spec.server.reset();
    expect(header_error(spec), DumpErrc::missing_string, db_at + 5 + 5,
           "the server version is null");
    spec = HeaderSpec{};
    spec.pg_dump = "banana";
    expect(header_error(spec), DumpErrc::bad_version_string, db_at + 10 + 5 + 30,
           "the pg_dump version \"banana\" is not a PostgreSQL version");

    std::string bytes = build_header(HeaderSpec{}).substr(0, db_at);
    expect(memory_error(Bytes().raw(bytes).integer(-2).raw("qrydb").data()), DumpErrc::bad_string_length, db_at,
           "the database name has length -2 (only -1, for null, may be negative)");
    expect(memory_error(Bytes().raw(bytes).integer(100000).raw("qrydb").data()), DumpErrc::bad_string_length,
           db_at, "the database name has an implausible length of 100000 bytes (at most 65536 expected)");
    // A huge length is refused before anything is allocated.
    expect(memory_error(Bytes().raw(bytes).integer(2147483647).data()), DumpErrc::bad_string_length, db_at,
           "implausible length of 2147483647 bytes");
    expect(memory_error(Bytes().raw(bytes).integer(1000).raw("qrydb").data()), DumpErrc::truncated, db_at,
           "truncated inside the database name: its length says 1000 bytes, the file ends at byte offset 57 after 5");
  }

  SECTION("directories") {
    pgverify::testing::TempDir dir("dump-dir-errors");
    expect(expect_dump_error([&] { read_archive_header(dir.path()); }), DumpErrc::no_toc, std::nullopt,
           "a directory without toc.dat, so not a pg_dump directory archive");
    write_file(dir.path() / "toc.dat.gz", gzip(build_header(HeaderSpec{})));
    expect(expect_dump_error([&] { read_archive_header(dir.path()); }), DumpErrc::compressed_toc, std::nullopt,
           "toc.dat.gz: the directory archive's toc.dat was compressed after pg_dump wrote it");
    write_file(dir.path() / "toc.dat", "PGDMX" + build_header(HeaderSpec{}).substr(5));
    expect(expect_dump_error([&] { read_archive_header(dir.path()); }), DumpErrc::bad_magic, 0,
           "no \"PGDMP\" magic string at the start of a directory archive's toc.dat (found \"PGDMX\")");
    HeaderSpec spec;
    spec.format = 1;
    write_file(dir.path() / "toc.dat", build_header(spec));
    expect(expect_dump_error([&] { read_archive_header(dir.path()); }), DumpErrc::format_mismatch, 10,
           "format code 1 (custom) in a directory archive's toc.dat, where pg_dump writes 3 (tar)");
    spec.format = 3;
    write_file(dir.path() / "toc.dat", build_header(spec));
    expect(expect_dump_error([&] { read_archive_header(dir.path() / "toc.dat"); }), DumpErrc::format_mismatch, 10,
           "format code 3 (tar) in a custom-format file, where pg_dump writes 1 (custom); this is a directory "
           "archive's toc.dat: name the directory instead");
  }

  SECTION("tar archives") {
    HeaderSpec spec;
    spec.format = 3;
    const std::string toc = build_header(spec);
    std::string tar = tar_archive(toc);
    tar[148] = '7';  // the checksum
    expect(memory_error(tar, "t.tar"), DumpErrc::bad_tar_header, 0, "tar header checksum mismatch: the header says");
    tar = tar_archive(toc);
    tar.replace(148, 8, "xyz     ");
    expect(memory_error(tar, "t.tar"), DumpErrc::bad_tar_header, 148,
           "tar header checksum field \"xyz     \" is not an octal number");
    tar = tar_header("toc.dat", toc.size(), std::string_view("ustarXX\0", 8)) + toc;
    expect(memory_error(tar, "t.tar"), DumpErrc::bad_tar_header, 257, "unknown tar magic \"ustarXX\\x00\"");
    tar = tar_header("restore.sql", toc.size()) + toc;
    expect(memory_error(tar, "t.tar"), DumpErrc::unexpected_tar_member, 0,
           "the first tar member is \"restore.sql\", but a pg_dump tar archive starts with toc.dat");
    tar = tar_header("toc.dat", toc.size()) + "PGDMQ" + toc.substr(5);
    expect(memory_error(tar, "t.tar"), DumpErrc::bad_magic, 512,
           "no \"PGDMP\" magic string at the start of a tar archive's toc.dat");
    spec.format = 5;
    tar = tar_archive(build_header(spec));
    expect(memory_error(tar, "t.tar"), DumpErrc::format_mismatch, 522,
           "format code 5 (directory) in a tar archive's toc.dat, where pg_dump writes 3 (tar)");
    // GNU tar's magic is read too.
    tar = tar_header("toc.dat", toc.size(), std::string_view("ustar  \0", 8)) + toc;
    CHECK(read_memory(tar, "t.tar").format == ArchiveFormat::tar);
  }

  SECTION("plain and compressed files") {
    expect(memory_error("--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 15.2\n\nSET x = 1;\n"),
           DumpErrc::missing_version_comment, 73,
           "the plain-text dump has no \"-- Dumped by pg_dump version\" line before its first command");
    expect(memory_error("--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 15.2\n"),
           DumpErrc::truncated, 72,
           "truncated inside the plain-text dump's opening comments: it ends before its \"-- Dumped by pg_dump "
           "version\" line");
    expect(memory_error("--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version devel\n"
                        "-- Dumped by pg_dump version 15.2\n"),
           DumpErrc::bad_version_string, 35, "the server version \"devel\" in the plain-text dump's header");
    expect(memory_error("--\n-- PostgreSQL data"), DumpErrc::truncated, 21,
           "truncated inside the plain-text dump's opening comment");
    expect(memory_error(gzip(build_header(HeaderSpec{})), "x.dump.gz"), DumpErrc::compressed_archive, 0,
           "a custom-format archive compressed as a whole with gzip, which pg_restore cannot read");
    expect(memory_error(zstd(tar_archive(build_header(HeaderSpec{}))), "x.tar.zst"), DumpErrc::compressed_archive, 0,
           "a tar-format archive compressed as a whole with zstd");
    expect(memory_error(gzip("hello, world\n"), "x.gz"), DumpErrc::unrecognized_format, 0,
           "gzip-compressed, but what it holds starts with \"hello, world\\x0a\", which is no pg_dump output");
    // A valid gzip header, then a deflate block of the reserved type 3.
    expect(memory_error(std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff garbage", 19), "x.gz"),
           DumpErrc::corrupt_compressed_stream, 0, "corrupt gzip data near this offset: invalid block type");
    const std::string gz = gzip(kPlain);
    expect(memory_error(gz.substr(0, gz.size() - 12), "x.sql.gz"), DumpErrc::truncated, gz.size() - 12,
           "truncated inside the gzip stream: the file ends before the stream's end marker");
    expect(memory_error(gzip("--\n-- PostgreSQL database dump\n--\n\nSET x = 1;\n"), "x.sql.gz"),
           DumpErrc::missing_version_comment, 35,
           "no \"-- Dumped from database version\" line before its first command (offset in the decompressed text)");
  }
}

TEST_CASE("error kinds have distinct stable names", "[dump]") {
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(DumpErrc::missing_version_comment); ++i)
    names.insert(to_string(static_cast<DumpErrc>(i)));
  CHECK(names.size() == static_cast<std::size_t>(DumpErrc::missing_version_comment) + 1);
  CHECK(names.count("unknown") == 0);
}

TEST_CASE("plain dumps give their server and pg_dump versions, compressed or not", "[dump]") {
  const ArchiveHeader h = read_memory(kPlain, "x.sql");
  CHECK(h.format == ArchiveFormat::plain);
  CHECK_FALSE(h.version);
  CHECK(h.compression == Compression::none);
  CHECK_FALSE(h.int_size);
  CHECK(h.server_version == "15.20 (Debian 15.20-0+deb12u1)");
  CHECK(h.pg_dump_version == "17.12 (Debian 17.12-0+deb13u1)");
  CHECK(h.server_major() == 15);
  CHECK(h.pg_dump_major() == 17);
  CHECK(h.database.empty());
  CHECK(h.dump_time.empty());

  CHECK(read_memory(gzip(kPlain), "x.sql.gz").compression == Compression::gzip);
  CHECK(read_memory(lz4(kPlain), "x.sql.lz4").compression == Compression::lz4);
  const ArchiveHeader z = read_memory(zstd(kPlain), "x.sql.zst");
  CHECK(z.compression == Compression::zstd);
  CHECK(z.pg_dump_version == h.pg_dump_version);

  // --verbose adds the start time; Windows line ends are tolerated.
  std::string verbose = kPlain;
  verbose.insert(verbose.find("\nSET"), "-- Started on 2025-03-01 14:05:09 CET\r\n");
  CHECK(read_memory(verbose).dump_time == "2025-03-01T14:05:09");

  // A big dump is decompressed only as far as its header needs.
  std::string big = kPlain;
  for (int i = 0; i < 20000; ++i) big += "INSERT INTO t VALUES (" + std::to_string(i) + ", 'some text');\n";
  CHECK(read_memory(gzip(big), "big.sql.gz").server_major() == 15);
  CHECK(read_memory(big, "big.sql").pg_dump_major() == 17);
}

TEST_CASE("archive versions per pg_dump and pg_restore major", "[dump]") {
  CHECK(archive_version_written_by_pg_dump(15) == ArchiveVersion{1, 14, 0});
  CHECK(archive_version_written_by_pg_dump(16) == ArchiveVersion{1, 15, 0});
  CHECK(archive_version_written_by_pg_dump(17) == ArchiveVersion{1, 16, 0});
  CHECK(archive_version_written_by_pg_dump(18) == ArchiveVersion{1, 16, 0});
  CHECK(archive_version_written_by_pg_dump(11) == ArchiveVersion{1, 13, 0});
  CHECK(archive_version_written_by_pg_dump(12) == ArchiveVersion{1, 14, 0});
  // The CVE-2018-1058 fix moved released majors from 1.12 to 1.13 in a minor release.
  CHECK(archive_version_written_by_pg_dump(10, 2) == ArchiveVersion{1, 12, 0});
  CHECK(archive_version_written_by_pg_dump(10, 3) == ArchiveVersion{1, 13, 0});
  CHECK(archive_version_written_by_pg_dump(10) == ArchiveVersion{1, 13, 0});
  CHECK(archive_version_written_by_pg_dump(906, 7) == ArchiveVersion{1, 12, 0});
  CHECK(archive_version_written_by_pg_dump(906, 8) == ArchiveVersion{1, 13, 0});
  CHECK(archive_version_written_by_pg_dump(902) == ArchiveVersion{1, 12, 0});
  CHECK_FALSE(archive_version_written_by_pg_dump(19));
  CHECK_FALSE(archive_version_written_by_pg_dump(804));

  const auto pg15 = max_archive_version_for_pg_restore(15);
  REQUIRE(pg15);
  CHECK(pg15->str() == "1.14");
  CHECK(ArchiveVersion{1, 14, 0} <= *pg15);
  CHECK(ArchiveVersion{1, 14, 9} <= *pg15);  // any revision of its own minor
  CHECK(*pg15 < ArchiveVersion{1, 15, 0});
  CHECK(*pg15 < ArchiveVersion{1, 16, 0});  // "unsupported version (1.16) in file header"
  CHECK(max_archive_version_for_pg_restore(16)->str() == "1.15");
  CHECK(ArchiveVersion{1, 16, 0} <= *max_archive_version_for_pg_restore(17));
  CHECK(ArchiveVersion{1, 16, 0} <= *max_archive_version_for_pg_restore(18));
  CHECK(*max_archive_version_for_pg_restore(906, 7) < ArchiveVersion{1, 13, 0});
  CHECK_FALSE(max_archive_version_for_pg_restore(19));
  // Every pg_dump's archive is readable by its own pg_restore and every later one.
  const std::vector<int> majors{900, 901, 902, 903, 904, 905, 906, 10, 11, 12, 13, 14, 15, 16, 17, 18};
  for (std::size_t dumper = 0; dumper < majors.size(); ++dumper)
    for (std::size_t restorer = dumper; restorer < majors.size(); ++restorer)
      CHECK(*archive_version_written_by_pg_dump(majors[dumper]) <=
            *max_archive_version_for_pg_restore(majors[restorer]));
}

TEST_CASE("the cursor reads pg_dump's integers, strings and offsets within its range", "[dump]") {
  const std::string bytes = Bytes()
                                .integer(-1234567)
                                .str(std::string("abc"))
                                .str(std::nullopt)
                                .byte(2)
                                .raw(std::string("\x10\x20\0\0\0\0\0\0", 8))
                                .byte(9)
                                .data();
  MemorySource source("c.bin", bytes);
  ArchiveCursor cursor(source);
  CHECK(cursor.read_int("an int") == -1234567);
  CHECK(cursor.read_string("a string", 10) == "abc");
  CHECK_FALSE(cursor.read_string("a null string", 10));
  const DataOffset offset = cursor.read_offset("a data offset");
  CHECK(offset.state == DataOffsetState::set);
  CHECK(offset.value == 0x2010);
  CHECK(cursor.remaining() == 1);
  const DumpError bad_flag = expect_dump_error([&] { cursor.read_offset("the next offset"); });
  CHECK(bad_flag.code() == DumpErrc::truncated);
  CHECK(bad_flag.offset() == bytes.size() - 1);

  // A window ends where its region ends, whatever follows in the file.
  ArchiveCursor window(source, 0, 3, "the member");
  const DumpError e = expect_dump_error([&] { window.read_int("an int"); });
  CHECK(e.code() == DumpErrc::truncated);
  CHECK_THAT(e.what(), Catch::Contains("truncated inside an int: needs 5 bytes, the member ends at byte offset 3"));
}

TEST_CASE("decompression stops at its output cap whatever the input", "[dump]") {
  // 16 MiB of zeros compress to almost nothing; only the cap is ever produced.
  const std::string bomb = gzip(std::string(16u << 20, '\0'));
  MemorySource source("bomb.gz", bomb);
  const DecompressedPrefix prefix = decompress_prefix(source, StreamCompression::gzip, 4096);
  CHECK(prefix.bytes.size() == 4096);
  CHECK_FALSE(prefix.whole_stream);
  CHECK(memory_error(bomb, "bomb.gz").code() == DumpErrc::unrecognized_format);
}

TEST_CASE("a header with any byte changed reads or fails with a DumpError, nothing else", "[dump]") {
  const int int_size = GENERATE(4, 8);
  const int vmin = GENERATE(14, 16);
  HeaderSpec spec;
  spec.int_size = int_size;
  spec.vmin = vmin;
  const std::string header = build_header(spec);
  const std::string tar = tar_archive([&] {
    HeaderSpec t = spec;
    t.format = 3;
    return build_header(t);
  }());
  auto survives = [](const std::string& bytes, const std::string& label) {
    try {
      read_memory(bytes, label);
    } catch (const DumpError& e) {
      check_message_form(e);
    }
  };
  for (std::size_t i = 0; i < header.size(); ++i)
    for (int value : {0x00, 0x01, 0x02, 0x7f, 0x80, 0xfe, 0xff}) {
      std::string mutated = header;
      mutated[i] = static_cast<char>(value);
      INFO("byte " << i << " set to " << value);
      CHECK_NOTHROW(survives(mutated, "m.dump"));
      std::string mutated_tar = tar;
      mutated_tar[512 + i] = static_cast<char>(value);
      CHECK_NOTHROW(survives(mutated_tar, "m.tar"));
    }

  std::mt19937 random(20250301);
  std::uniform_int_distribution<int> any_byte(0, 255);
  for (int round = 0; round < 500; ++round) {
    std::string junk = header.substr(0, static_cast<std::size_t>(round % 12));
    const int length = round % 97;
    for (int i = 0; i < length; ++i) junk += static_cast<char>(any_byte(random));
    INFO("round " << round);
    CHECK_NOTHROW(survives(junk, "junk.dump"));
    CHECK_NOTHROW(survives("\x1f\x8b" + junk, "junk.gz"));
    CHECK_NOTHROW(survives(std::string("\x28\xb5\x2f\xfd", 4) + junk, "junk.zst"));
    CHECK_NOTHROW(survives(std::string("\x04\x22\x4d\x18", 4) + junk, "junk.lz4"));
  }
}
