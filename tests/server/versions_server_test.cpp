// A check's versions against real servers: the runner learns each major from
// the server itself (no target_major configured) and skips a check for
// PostgreSQL 18 targets on a PG17 target, with the reason, and runs it on PG18.

#include <catch2/catch.hpp>

#include "checks/registry.hpp"
#include "core/runner.hpp"
#include "pg/run_connector.hpp"
#include "support/servers.hpp"

using namespace pgverify;

TEST_CASE("a check for targets on PostgreSQL 18 and later skips a real PG17 target and runs on PG18",
          "[server][versions]") {
  const auto& pg17 = testing::real_server(17);
  const auto& pg18 = testing::real_server(18);
  const Check* check = find_check("schema.fk-collations");
  REQUIRE(check);
  REQUIRE(check->info().target.min == 18);
  auto run_on = [&](const testing::RealServer& target) {
    TenantConfig tenant;
    tenant.name = "demo";
    tenant.source_dsn = pg17.dsn;
    tenant.target_dsn = target.dsn;
    pg::LibpqConnector libpq;
    pg::RunConnector connector(libpq);
    exec::SystemToolRunner tools;
    Context context{Phase::pre, tenant, connector, tools};
    return run_checks({check}, context).at(0);
  };
  auto on_17 = run_on(pg17);
  CHECK(on_17.status == Status::skip);
  CHECK_THAT(on_17.summary, Catch::StartsWith("applies to targets on PostgreSQL 18 and later; the target is 17 (") &&
                                Catch::EndsWith("/postgres)"));
  auto on_18 = run_on(pg18);
  INFO(on_18.summary);
  CHECK(on_18.status == Status::pass);
  CHECK(on_18.summary == "no foreign key mixes a nondeterministic collation with another");
}
