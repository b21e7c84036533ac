#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace pgverify::cli {

// One self-overwriting status line on stderr for long work (tables, bytes,
// ETA) — only when stderr is a terminal and not in CI, so logs stay clean.
class ProgressLine {
 public:
  ProgressLine();
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool enabled() const { return m_enabled; }
  void update(std::size_t done, std::size_t total, const std::string& unit, std::uint64_t bytes,
              std::uint64_t bytes_estimated);
  // Clears the line; the next update starts a new stage (its ETA from now).
  void finish();

 private:
  bool m_enabled;
  bool m_drawn = false;
  std::chrono::steady_clock::time_point m_start;
};

std::string format_bytes(std::uint64_t bytes);

}  // namespace pgverify::cli
