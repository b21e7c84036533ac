// Golden files pin an output byte for byte: tests/golden/NAME. With
// PGVERIFY_UPDATE_GOLDEN=1 a test rewrites its file instead; review the diff,
// and regenerate only a golden that is new or an output that changed on purpose.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace pgverify::testing {

inline std::filesystem::path golden_path(const std::string& name) {
  return std::filesystem::path(PGVERIFY_SOURCE_DIR) / "tests" / "golden" / name;
}

// Compares with tests/golden/NAME; on a mismatch names the first differing
// line rather than printing both files.
inline void check_golden(const std::string& name, const std::string& actual) {
  const std::filesystem::path path = golden_path(name);
  const char* update = std::getenv("PGVERIFY_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << actual;
    WARN("golden file rewritten: " << path.string());
    return;
  }
  INFO("golden file " << path.string() << " (rerun with PGVERIFY_UPDATE_GOLDEN=1 to regenerate it)");
  REQUIRE(std::filesystem::exists(path));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string expected = buffer.str();
  if (expected == actual) {
    SUCCEED();
    return;
  }
  std::istringstream expected_lines(expected);
  std::istringstream actual_lines(actual);
  std::string expected_line;
  std::string actual_line;
  for (int line = 1;; ++line) {
    const bool more_expected = static_cast<bool>(std::getline(expected_lines, expected_line));
    const bool more_actual = static_cast<bool>(std::getline(actual_lines, actual_line));
    if (!more_expected && !more_actual) break;
    if (more_expected != more_actual || expected_line != actual_line) {
      FAIL("first difference at line " << line << "\nexpected: " << expected_line << "\nactual:   " << actual_line);
    }
  }
  FAIL("outputs differ only in the final newline");
}

}  // namespace pgverify::testing
