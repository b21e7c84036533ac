// upgrade --status reads the journal of the tenant it is asked about, not
// another tenant's left in the --out directory given.

#include <catch2/catch.hpp>

#include "support/servers.hpp"
#include "upgrade/executor.hpp"
#include "upgrade/journal.hpp"

using namespace pgverify;

TEST_CASE("upgrade --status shows a tenant's own journal and refuses another tenant's", "[upgrade]") {
  testing::TempDir dir("status");
  {
    auto journal = upgrade::Journal::open(upgrade::journal_path(dir.path()));
    journal.append(upgrade::kPlanStep, "plan", {{"tenant", "alpha"}, {"run_id", "20261203T000000Z-abcd"}});
    journal.append("step.preflight", "intent", nlohmann::ordered_json::object());
  }
  TenantConfig alpha;
  alpha.name = "alpha";
  const std::string status = upgrade::upgrade_status(alpha, dir.path());
  CHECK(status.find("upgrade of alpha, run 20261203T000000Z-abcd") != std::string::npos);
  TenantConfig beta;
  beta.name = "beta";
  try {
    upgrade::upgrade_status(beta, dir.path());
    FAIL("another tenant's journal was shown");
  } catch (const upgrade::UpgradeInputError& error) {
    CHECK_THAT(error.what(), Catch::Contains("is of tenant 'alpha', not 'beta'"));
  }
}
