#include "cli/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace pgverify::cli {

namespace {

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci && *ci && std::string(ci) != "false" && std::string(ci) != "0";
}

}  // namespace

std::string format_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return buffer;
}

ProgressLine::ProgressLine()
    : m_enabled(isatty(STDERR_FILENO) != 0 && !in_ci()), m_start(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(std::size_t done, std::size_t total, const std::string& unit, std::uint64_t bytes,
                          std::uint64_t bytes_estimated) {
  if (!m_enabled) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
  std::string eta = "--:--";
  // On-disk size only approximates COPY output; the estimate is a guide, capped at done.
  if (bytes > 0 && bytes_estimated > bytes && elapsed > 1) {
    const double left = elapsed * static_cast<double>(bytes_estimated - bytes) / static_cast<double>(bytes);
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%d:%02d", static_cast<int>(left) / 60, static_cast<int>(left) % 60);
    eta = buffer;
  }
  std::fprintf(stderr, "\r\033[K%zu/%zu %s, %s read of ~%s, ETA %s", done, total, unit.c_str(),
               format_bytes(bytes).c_str(), format_bytes(bytes_estimated).c_str(), eta.c_str());
  std::fflush(stderr);
  m_drawn = true;
}

void ProgressLine::finish() {
  // The next stage drawn on this line takes its ETA from its own start.
  m_start = std::chrono::steady_clock::now();
  if (!m_drawn) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  m_drawn = false;
}

}  // namespace pgverify::cli
