// A tar archive's member index: one walk over the headers, shared by readers
// that read the tables apart (digest_dump --jobs), each header read once
// however many tables there are and in whatever order they are asked for.

#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <thread>

#include "evidence/dump_digest.hpp"
#include "dump/archive_data.hpp"
#include "dump/tar_member.hpp"
#include "dump_test_support.hpp"
#include "support/servers.hpp"

using namespace pgverify::dump;
using namespace pgverify::dump::testing;
namespace fs = std::filesystem;

namespace {

// Counts the reads at each offset of the bytes it serves.
class CountingSource final : public ByteSource {
 public:
  explicit CountingSource(const std::string& bytes) : m_inner("counted.tar", bytes) {}
  const fs::path& path() const override { return m_inner.path(); }
  std::uint64_t size() const override { return m_inner.size(); }
  std::size_t read_at(std::uint64_t offset, std::span<std::uint8_t> out) const override {
    std::lock_guard lock(m_mutex);
    ++m_reads[offset];
    return m_inner.read_at(offset, out);
  }
  std::map<std::uint64_t, int> reads() const {
    std::lock_guard lock(m_mutex);
    return m_reads;
  }

 private:
  MemorySource m_inner;
  mutable std::mutex m_mutex;
  mutable std::map<std::uint64_t, int> m_reads;
};

class RowCounter final : public RowSink {
 public:
  void begin_table(const TocEntry& entry) override { tables[entry.plain_name()] = 0; m_current = entry.plain_name(); }
  void row(std::string_view) override { ++tables[m_current]; }
  void end_table(const TocEntry&) override {}
  std::map<std::string, std::size_t> tables;

 private:
  std::string m_current;
};

constexpr int kTables = 60;

// A tar archive of kTables tables, table i with i + 1 rows.
std::string many_tables_tar() {
  HeaderSpec h;
  h.format = 3;
  h.algorithm = 0;
  std::vector<EntrySpec> entries;
  std::vector<std::pair<std::string, std::string>> members;
  for (int i = 0; i < kTables; ++i) {
    entries.push_back(table_data(100 + i, "t" + std::to_string(i)));
    std::string rows;
    for (int r = 0; r <= i; ++r) rows += std::to_string(r) + "\tx\n";
    members.emplace_back(std::to_string(100 + i) + ".dat", rows + "\\.\n\n");
  }
  return tar_archive_with(build_header(h) + build_toc(h, entries), members);
}

}  // namespace

TEST_CASE("readers of a tar archive's tables apart share one walk over its headers", "[dump]") {
  pgverify::testing::TempDir dir("tar-members");
  const fs::path path = dir.path() / "many.tar";
  const std::string bytes = many_tables_tar();
  write_file(path, bytes);
  const ArchiveToc toc = read_archive_toc(path);
  const auto tables = toc.tables_with_data();
  REQUIRE(tables.size() == kTables);

  CountingSource counted(bytes);
  TarMembers members(counted);
  // The last table first, as digest_dump's largest-first order may ask: the
  // walk goes to it once, and every other lookup is then answered from memory.
  std::vector<RowCounter> sinks(4);
  std::vector<std::thread> readers;
  for (std::size_t r = 0; r < sinks.size(); ++r)
    readers.emplace_back([&, r] {
      for (std::size_t i = r; i < tables.size(); i += sinks.size()) {
        DataReadOptions options;
        options.tar_members = &members;
        read_entry_data(toc, *tables[tables.size() - 1 - i], sinks[r], options);
      }
    });
  for (auto& reader : readers) reader.join();

  std::map<std::string, std::size_t> rows;
  for (const auto& sink : sinks) rows.insert(sink.tables.begin(), sink.tables.end());
  REQUIRE(rows.size() == kTables);
  for (int i = 0; i < kTables; ++i) CHECK(rows["public.t" + std::to_string(i)] == static_cast<std::size_t>(i + 1));

  // toc.dat and every table's header, each read once; the walk stopped at the last table's member.
  const auto reads = counted.reads();
  CHECK(reads.size() == kTables + 1);
  for (const auto& [offset, count] : reads) {
    INFO("header at " << offset);
    CHECK(count == 1);
  }
}

TEST_CASE("one TarMembers per lookup walks from the start every time, as --jobs on a tar archive did", "[dump]") {
  const std::string bytes = many_tables_tar();
  CountingSource counted(bytes);
  for (int i = 0; i < kTables; ++i) REQUIRE(TarMembers(counted).find(std::to_string(100 + i) + ".dat"));
  std::size_t reads = 0;
  for (const auto& [offset, count] : counted.reads()) reads += static_cast<std::size_t>(count);
  // Table i costs i + 2 header reads: quadratic in the tables.
  CHECK(reads == static_cast<std::size_t>(kTables * (kTables + 3) / 2));
}

TEST_CASE("digest_dump --jobs on a tar archive hashes as one job does", "[dump]") {
  pgverify::testing::TempDir dir("tar-jobs");
  const fs::path path = dir.path() / "many.tar";
  write_file(path, many_tables_tar());
  pgverify::DumpDigestOptions one, four;
  four.jobs = 4;
  const auto serial = pgverify::digest_dump(path, one);
  const auto parallel = pgverify::digest_dump(path, four);
  CHECK(parallel.jobs_used == 4);
  REQUIRE(serial.tables.size() == kTables);
  REQUIRE(parallel.tables.size() == kTables);
  for (std::size_t i = 0; i < serial.tables.size(); ++i) {
    CHECK(parallel.tables[i].name == serial.tables[i].name);
    CHECK(parallel.tables[i].digest == serial.tables[i].digest);
  }
}

TEST_CASE("a progress callback that throws ends digest_dump with its exception, with or without --jobs", "[dump]") {
  pgverify::testing::TempDir dir("tar-progress");
  const fs::path path = dir.path() / "many.tar";
  write_file(path, many_tables_tar());
  for (int jobs : {1, 3}) {
    INFO("jobs " << jobs);
    pgverify::DumpDigestOptions options;
    options.jobs = jobs;
    options.on_progress = [](const ReadProgress&) { throw std::runtime_error("progress line broke"); };
    CHECK_THROWS_WITH(pgverify::digest_dump(path, options), "progress line broke");
  }
}
