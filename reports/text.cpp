#include "reports/text.hpp"

#include <cstdint>
#include <cstdio>

namespace pgverify::reports::text {

std::string human_duration(std::chrono::milliseconds duration) {
  const std::int64_t ms = duration.count() < 0 ? 0 : static_cast<std::int64_t>(duration.count());
  char buffer[48];
  if (ms < 1000) {
    std::snprintf(buffer, sizeof buffer, "%lld ms", static_cast<long long>(ms));
  } else if (ms < 60'000) {
    // Truncate rather than round so 59999 ms never reads "60.0 s".
    std::snprintf(buffer, sizeof buffer, "%lld.%lld s", static_cast<long long>(ms / 1000),
                  static_cast<long long>(ms % 1000 / 100));
  } else {
    const std::int64_t total_seconds = ms / 1000;
    std::snprintf(buffer, sizeof buffer, "%lld min %02lld s",
                  static_cast<long long>(total_seconds / 60),
                  static_cast<long long>(total_seconds % 60));
  }
  return buffer;
}

std::string seconds(std::chrono::milliseconds duration) {
  const std::int64_t ms = duration.count() < 0 ? 0 : static_cast<std::int64_t>(duration.count());
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%lld.%03lld", static_cast<long long>(ms / 1000),
                static_cast<long long>(ms % 1000));
  return buffer;
}

std::string upper(Status status) {
  std::string name(to_string(status));
  for (char& c : name) c = static_cast<char>(c - 'a' + 'A');
  return name;
}

StatusCounts count_statuses(const RunReport& report) {
  StatusCounts counts;
  for (const auto& check : report.checks) {
    switch (check.status) {
      case Status::pass: ++counts.pass; break;
      case Status::warn: ++counts.warn; break;
      case Status::skip: ++counts.skip; break;
      case Status::fail: ++counts.fail; break;
      case Status::error: ++counts.error; break;
    }
  }
  return counts;
}

std::string describe_counts(const StatusCounts& counts) {
  const std::size_t total = counts.total();
  return std::to_string(total) + (total == 1 ? " check: " : " checks: ") +
         std::to_string(counts.pass) + " pass, " + std::to_string(counts.warn) + " warn, " +
         std::to_string(counts.skip) + " skip, " + std::to_string(counts.fail) + " fail, " +
         std::to_string(counts.error) + " error";
}

std::chrono::milliseconds total_duration(const RunReport& report) {
  std::chrono::milliseconds total{0};
  for (const auto& check : report.checks)
    if (check.duration.count() > 0) total += check.duration;
  return total;
}

}  // namespace pgverify::reports::text
