// platform/permit: the value a destructive platform operation takes. Only the
// gate evaluator (upgrade/gates) can make one, from the results of a gate that
// passed; nothing else can construct, copy or move it (tests/platform/
// permit_test.cpp proves it at compile time). It is bound to what the gate
// saw: the tenant, the run, the dump's SHA-256 and the volume's identity, and
// the platform checks all four again right before it acts (require()).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace pgverify::upgrade {
class GateEvaluator;
}

namespace pgverify::platform {

// What a permit allows: one destructive step of one run of one tenant, on the
// volume and with the dump the gate checked.
struct PermitBinding {
  std::string step;         // "step.delete-volume"
  std::string tenant;
  std::string run_id;
  std::string dump_sha256;  // of the dump the gate read to its end
  std::string volume_id;    // of the volume the gate's source was on
};

// The permit does not cover what the platform is about to do: the step, the
// tenant or the run differ, or the dump or the volume changed since the gate.
class PermitMismatch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Permit {
 public:
  Permit(const Permit&) = delete;
  Permit& operator=(const Permit&) = delete;
  Permit(Permit&&) = delete;
  Permit& operator=(Permit&&) = delete;
  ~Permit() = default;

  const PermitBinding& binding() const { return m_binding; }

  // Throws PermitMismatch, naming what differs, unless the permit is for this
  // step of this tenant and run, and the dump's SHA-256 and the volume's
  // identity observed just now are the ones the gate saw.
  void require(std::string_view step, std::string_view tenant, std::string_view run_id,
               std::string_view observed_dump_sha256, std::string_view observed_volume_id) const;

 private:
  friend class pgverify::upgrade::GateEvaluator;
  explicit Permit(PermitBinding binding) : m_binding(std::move(binding)) {}

  const PermitBinding m_binding;
};

}  // namespace pgverify::platform
