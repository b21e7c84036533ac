// libFuzzer target for the pg_dump archive reader (src/dump/): any bytes, read
// as a file, must end in a DumpError or in rows and large objects, never in a
// crash, a hang or unbounded memory. Built and run by scripts/fuzz.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "dump/archive_data.hpp"
#include "dump/archive_toc.hpp"
#include "dump/dump_error.hpp"

namespace {

class CountingSink final : public pgverify::dump::RowSink {
 public:
  void begin_table(const pgverify::dump::TocEntry&) override {}
  void row(std::string_view row) override { bytes += row.size(); }
  void end_table(const pgverify::dump::TocEntry&) override {}
  void begin_large_object(const pgverify::dump::TocEntry&, std::uint32_t) override { ++objects; }
  void large_object_data(std::string_view data) override { bytes += data.size(); }
  std::uint64_t bytes = 0;
  std::uint64_t objects = 0;
};

std::string input_path() {
  // One file per fuzzing process, on tmpfs when there is one.
  const char* dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  return std::string(dir) + "/pgverify-fuzz-" + std::to_string(getpid()) + ".dump";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = input_path();
  if (FILE* file = std::fopen(path.c_str(), "wb")) {
    if (size) std::fwrite(data, 1, size, file);
    std::fclose(file);
  } else {
    return 0;
  }
  try {
    const auto toc = pgverify::dump::read_archive_toc(path);
    CountingSink sink;
    pgverify::dump::read_table_data(toc, sink);
  } catch (const pgverify::dump::DumpError&) {
    // The expected way for garbage to end.
  }
  return 0;
}
