#include "platform/permit.hpp"

namespace pgverify::platform {

namespace {

void same(std::string_view what, std::string_view permitted, std::string_view observed) {
  if (permitted.empty() || permitted != observed)
    throw PermitMismatch("the permit does not cover this: its " + std::string(what) + " is '" +
                         std::string(permitted) + "', here it is '" + std::string(observed) + "'");
}

}  // namespace

void Permit::require(std::string_view step, std::string_view tenant, std::string_view run_id,
                     std::string_view observed_dump_sha256, std::string_view observed_volume_id) const {
  same("step", m_binding.step, step);
  same("tenant", m_binding.tenant, tenant);
  same("run", m_binding.run_id, run_id);
  same("dump SHA-256 (the dump changed since its gate passed)", m_binding.dump_sha256, observed_dump_sha256);
  same("volume identity (the volume changed since its gate passed)", m_binding.volume_id, observed_volume_id);
}

}  // namespace pgverify::platform
