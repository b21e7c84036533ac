// `pgverify dump verify --json`: the bytes scripts compare, pinned by golden files.
#include <catch2/catch.hpp>

#include <sstream>

#include "cli/dump_command.hpp"
#include "evidence/dump_digest.hpp"
#include "support/golden.hpp"

using namespace pgverify;
using namespace std::chrono_literals;

namespace {

DumpTable table(std::string name, std::uint64_t rows, hash::uint128 sum) {
  DumpTable t;
  t.name = std::move(name);
  t.digest.rows = rows;
  t.digest.sum = sum;
  return t;
}

// A custom archive's header as a hostile dump may fill it, tables with and
// without COPY data, and large objects.
DumpDigest sample_digest() {
  DumpDigest digest;
  dump::ArchiveHeader& header = digest.toc.header;
  header.format = dump::ArchiveFormat::custom;
  header.version = dump::ArchiveVersion{1, 16, 0};
  header.compression = dump::Compression::zstd;
  header.pg_dump_version = "17.12 (Debian 17.12-0+deb13u1)";
  header.server_version = "17.12 \"quoted\"";
  header.database = "db\nwith a line break and \x01 and ünï";
  header.dump_time = "2026-11-24T18:31:22";
  digest.tables.push_back(table("public.\"Odd \"\"name\"\"\"", 9223372036854775807ull, 1));
  DumpTable inserts = table("public.inserted", 0, 0);
  inserts.as_statements = true;
  digest.tables.push_back(inserts);
  digest.tables.push_back(table("public.café_表", 2, (static_cast<hash::uint128>(0xffull) << 120) | 3));
  digest.large_objects.push_back({16385, "", 4096, 11, ""});
  return digest;
}

}  // namespace

TEST_CASE("dump verify --json matches its golden files", "[cli][golden]") {
  SECTION("a custom archive") {
    testing::check_golden("cli/dump-verify.json", cli::dump_verify_json(sample_digest(), std::nullopt) + "\n");
  }
  SECTION("with the comparison against a source") {
    CheckResult matched{"dump.matches-source", Status::fail, "1 table differs: public.\"Odd \"\"name\"\"\"", 1534ms,
                        {{"public.\"Odd \"\"name\"\"\"", "9223372036854775807 rows", "9 rows",
                          "rows differ\tafter a tab; ESC \x1b[31m", "Take the dump again."},
                         {"", "", "", "one table could not be compared", ""}}};
    testing::check_golden("cli/dump-verify-against.json", cli::dump_verify_json(sample_digest(), matched) + "\n");
  }
  SECTION("a plain dump that holds nothing") {
    DumpDigest plain;
    plain.toc.header.format = dump::ArchiveFormat::plain;
    testing::check_golden("cli/dump-verify-plain.json", cli::dump_verify_json(plain, std::nullopt) + "\n");
  }
}

TEST_CASE("dump verify prints its table listing as its golden file shows", "[cli][golden]") {
  std::ostringstream out;
  cli::print_listing(out, cli::dump_listing(sample_digest()));
  testing::check_golden("cli/dump-verify.txt", out.str());
}
