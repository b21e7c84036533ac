#pragma once

#include <memory>
#include <optional>

#include "config/config.hpp"
#include "core/check.hpp"
#include "core/runner.hpp"
#include "evidence/manifest.hpp"
#include "support/fakes.hpp"

namespace pgverify::testing {

// A tenant whose source and target are fake servers (PG17 and PG18 by default)
// and whose client programs answer from a script.
struct CheckFixture {
  TenantConfig tenant;
  FakeConnector connector;
  FakeTools tools;
  std::shared_ptr<FakeServer> source = std::make_shared<FakeServer>();
  std::shared_ptr<FakeServer> target = std::make_shared<FakeServer>();
  std::optional<std::filesystem::path> dump_path;
  std::optional<Manifest> baseline;
  std::filesystem::path baseline_path;
  bool strict = false;

  CheckFixture() {
    tenant.name = "demo";
    tenant.source_dsn = "host=source";
    tenant.target_dsn = "host=target";
    source->version_num = 170012;
    source->description = "source:5432/qrydb";
    target->version_num = 180001;
    target->description = "target:5432/qrydb";
    connector.add(tenant.source_dsn, source);
    connector.add(tenant.target_dsn, target);
  }

  CheckResult run(const Check& check, Phase phase = Phase::pre) {
    Context context{phase, tenant, connector, tools, dump_path, baseline ? &*baseline : nullptr, baseline_path};
    context.strict = strict;
    // As the runner does: outside its versions a check is skipped, not run.
    if (auto skipped = outside_versions(check.info(), context.evidence)) return *skipped;
    return check.run(context);
  }
};

}  // namespace pgverify::testing
