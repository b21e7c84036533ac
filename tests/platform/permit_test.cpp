// The permit a destructive platform operation takes: nothing but the gate
// evaluator can make one (proved at compile time), and it is bound to what
// the gate saw.

#include <type_traits>

#include "platform/permit.hpp"
#include "upgrade/gates.hpp"

using namespace pgverify;
using platform::Permit;
using platform::PermitBinding;

static_assert(!std::is_default_constructible_v<Permit>);
static_assert(!std::is_constructible_v<Permit, PermitBinding>);
static_assert(!std::is_constructible_v<Permit, const PermitBinding&>);
static_assert(!std::is_copy_constructible_v<Permit>);
static_assert(!std::is_move_constructible_v<Permit>);
static_assert(!std::is_copy_assignable_v<Permit>);
static_assert(!std::is_move_assignable_v<Permit>);
static_assert(!std::is_aggregate_v<Permit>);

namespace {

CheckResult result(const std::string& id, Status status) {
  CheckResult r;
  r.id = id;
  r.status = status;
  r.summary = id + " said so";
  return r;
}

PermitBinding binding() { return {"", "t", "run-1", std::string(64, 'a'), "1:2:3"}; }

}  // namespace

TEST_CASE("a gate passes only when nothing failed and every check it needs ran", "[permit]") {
  using upgrade::GateEvaluator;
  CHECK(GateEvaluator::judge({result("a", Status::pass), result("b", Status::warn), result("c", Status::skip)}, {}).passed);
  CHECK_FALSE(GateEvaluator::judge({result("a", Status::pass), result("b", Status::fail)}, {}).passed);
  CHECK_FALSE(GateEvaluator::judge({result("a", Status::error)}, {}).passed);
  CHECK_FALSE(GateEvaluator::judge({result("a", Status::pass)}, {"b"}).passed);
  const auto skipped = GateEvaluator::judge({result("b", Status::skip)}, {"b"});
  CHECK_FALSE(skipped.passed);
  REQUIRE(skipped.failures.size() == 1);
  CHECK(skipped.failures[0].object == "b");
}

TEST_CASE("the dump gate gives a permit bound to the tenant, run, dump and volume, and only then", "[permit]") {
  using upgrade::GateEvaluator;
  const std::vector<CheckResult> good{result("dump.readable", Status::pass), result("dump.matches-source", Status::pass)};
  upgrade::GateVerdict verdict;
  SECTION("a failed or missing dump check") {
    CHECK(GateEvaluator::permit_delete({result("dump.readable", Status::fail), result("dump.matches-source", Status::pass)},
                                       std::string(64, 'a'), binding(), verdict) == nullptr);
    CHECK(GateEvaluator::permit_delete({result("dump.readable", Status::pass)}, std::string(64, 'a'), binding(), verdict) ==
          nullptr);
    CHECK_FALSE(verdict.passed);
  }
  SECTION("another dump than the one step.dump wrote") {
    CHECK(GateEvaluator::permit_delete(good, std::string(64, 'b'), binding(), verdict) == nullptr);
    CHECK(GateEvaluator::permit_delete(good, "", binding(), verdict) == nullptr);
  }
  SECTION("bound to nothing") {
    for (auto field : {&PermitBinding::tenant, &PermitBinding::run_id, &PermitBinding::volume_id}) {
      PermitBinding b = binding();
      b.*field = "";
      CHECK(GateEvaluator::permit_delete(good, std::string(64, 'a'), b, verdict) == nullptr);
    }
  }
  SECTION("a passed gate") {
    auto permit = GateEvaluator::permit_delete(good, std::string(64, 'a'), binding(), verdict);
    REQUIRE(permit != nullptr);
    CHECK(verdict.passed);
    CHECK(permit->binding().step == "step.delete-volume");
    CHECK_NOTHROW(permit->require("step.delete-volume", "t", "run-1", std::string(64, 'a'), "1:2:3"));
    CHECK_THROWS_AS(permit->require("step.other", "t", "run-1", std::string(64, 'a'), "1:2:3"), platform::PermitMismatch);
    CHECK_THROWS_AS(permit->require("step.delete-volume", "u", "run-1", std::string(64, 'a'), "1:2:3"),
                    platform::PermitMismatch);
    CHECK_THROWS_AS(permit->require("step.delete-volume", "t", "run-2", std::string(64, 'a'), "1:2:3"),
                    platform::PermitMismatch);
    CHECK_THROWS_WITH(permit->require("step.delete-volume", "t", "run-1", std::string(64, 'c'), "1:2:3"),
                      Catch::Contains("dump changed"));
    CHECK_THROWS_WITH(permit->require("step.delete-volume", "t", "run-1", std::string(64, 'a'), "1:2:4"),
                      Catch::Contains("volume changed"));
  }
}
