#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/check.hpp"

namespace pgverify::checks {

// A running kubectl port-forward: its pid and the local ports it listens on
// (empty when it lets kubectl choose, ":REMOTE").
struct PortForward {
  int pid = 0;
  std::vector<std::string> local_ports;
};

// Parses one process's argv; nullopt when it is not `kubectl port-forward`.
std::optional<PortForward> parse_port_forward(int pid, const std::vector<std::string>& argv);

// Every kubectl port-forward running on this machine, from /proc.
std::vector<PortForward> running_port_forwards();

class SourcePortForward final : public Check {
 public:
  // The runbook: port-forward drops transfers over about 1 GB.
  static constexpr std::uint64_t kRiskyBytes = 1024ull * 1024 * 1024;

  explicit SourcePortForward(std::function<std::vector<PortForward>()> scan = running_port_forwards,
                             std::uint64_t risky_bytes = kRiskyBytes)
      : m_scan(std::move(scan)), m_risky_bytes(risky_bytes) {}
  const CheckInfo& info() const override;
  CheckResult run(Context& context) const override;

 private:
  std::function<std::vector<PortForward>()> m_scan;
  std::uint64_t m_risky_bytes;
};

}  // namespace pgverify::checks
