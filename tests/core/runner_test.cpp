#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>

#include "core/runner.hpp"
#include "support/fakes.hpp"

using namespace pgverify;

namespace {

class ScriptedCheck final : public Check {
 public:
  ScriptedCheck(std::string_view id, std::vector<Phase> phases, Status status, bool throws = false)
      : m_info{id, std::move(phases), "s", "r", "m", "o", "a", false, {}, {}},
        m_status(status),
        m_throws(throws) {}
  ScriptedCheck& applies_to(VersionRange source, VersionRange target) {
    m_info.source = source;
    m_info.target = target;
    return *this;
  }
  const CheckInfo& info() const override { return m_info; }
  CheckResult run(Context&) const override {
    ++runs;
    if (m_throws) throw std::runtime_error("boom");
    return make_result(m_status, "scripted");
  }
  mutable int runs = 0;

 private:
  CheckInfo m_info;
  Status m_status;
  bool m_throws;
};

std::vector<std::unique_ptr<Check>> registry() {
  std::vector<std::unique_ptr<Check>> all;
  all.push_back(std::make_unique<ScriptedCheck>("a.one", std::vector{Phase::pre}, Status::pass));
  all.push_back(std::make_unique<ScriptedCheck>("b.two", std::vector{Phase::pre, Phase::post}, Status::fail));
  all.push_back(std::make_unique<ScriptedCheck>("c.three", std::vector{Phase::post}, Status::pass, true));
  all.push_back(std::make_unique<ScriptedCheck>("d.four", std::vector{Phase::pre}, Status::warn));
  return all;
}

std::vector<std::string> ids(const std::vector<const Check*>& checks) {
  std::vector<std::string> out;
  for (const Check* c : checks) out.emplace_back(c->info().id);
  return out;
}

}  // namespace

TEST_CASE("selection keeps the phase's checks, narrowed by --only and --skip", "[runner]") {
  auto all = registry();
  CHECK(ids(select_checks(all, Phase::pre, {}, {})) == std::vector<std::string>{"a.one", "b.two", "d.four"});
  CHECK(ids(select_checks(all, Phase::post, {}, {})) == std::vector<std::string>{"b.two", "c.three"});
  CHECK(ids(select_checks(all, Phase::pre, {"d.four, a.one"}, {})) == std::vector<std::string>{"a.one", "d.four"});
  CHECK(ids(select_checks(all, Phase::pre, {"a.one", "b.two"}, {"b.two"})) == std::vector<std::string>{"a.one"});
  CHECK(ids(select_checks(all, Phase::pre, {}, {"a.one,d.four"})) == std::vector<std::string>{"b.two"});
}

TEST_CASE("selection rejects unknown ids and checks of another phase", "[runner]") {
  auto all = registry();
  CHECK_THROWS_WITH(select_checks(all, Phase::pre, {"a.on"}, {}),
                    "--only: unknown check id 'a.on' (run 'pgverify checks' for the list)");
  CHECK_THROWS_WITH(select_checks(all, Phase::pre, {}, {"zz"}),
                    "--skip: unknown check id 'zz' (run 'pgverify checks' for the list)");
  CHECK_THROWS_WITH(select_checks(all, Phase::pre, {"c.three"}, {}),
                    "--only: check 'c.three' does not run in pre");
}

TEST_CASE("the runner runs every check, turns exceptions into error and aggregates", "[runner]") {
  auto all = registry();
  TenantConfig tenant;
  testing::FakeConnector connector;
  testing::FakeTools tools;
  Context context{Phase::post, tenant, connector, tools, std::nullopt, nullptr};
  auto results = run_checks(select_checks(all, Phase::post, {}, {}), context);
  REQUIRE(results.size() == 2);
  CHECK(results[0].id == "b.two");
  CHECK(results[0].status == Status::fail);
  CHECK(results[1].id == "c.three");
  CHECK(results[1].status == Status::error);
  CHECK(results[1].summary == "could not run: boom");
  CHECK(exit_code_for(results) == ExitCode::check_error);
}

TEST_CASE("version ranges order 9.6 before 10 and read as the catalog shows them", "[runner][versions]") {
  CHECK(VersionRange{}.any());
  CHECK(VersionRange{}.contains(906));
  CHECK(VersionRange{.min = 18}.contains(18));
  CHECK_FALSE(VersionRange{.min = 18}.contains(17));
  CHECK_FALSE(VersionRange{.min = 10}.contains(906));
  CHECK(VersionRange{.max = 10}.contains(906));
  CHECK(VersionRange{.min = 906, .max = 12}.contains(10));
  CHECK_FALSE(VersionRange{.min = 12, .max = 16}.contains(17));
  CHECK(describe_range({.min = 18}, "targets") == "targets on PostgreSQL 18 and later");
  CHECK(describe_range({.min = 12, .max = 16}, "sources") == "sources on PostgreSQL 12 to 16");
  CHECK(describe_range({.max = 906}, "sources") == "sources up to PostgreSQL 9.6");
  CHECK(describe_range({.min = 17, .max = 17}, "targets") == "targets on PostgreSQL 17");
  CHECK(abbreviate_range({.min = 18}, "target") == "target >= 18");
  CHECK(abbreviate_range({.min = 12, .max = 16}, "source") == "source 12-16");
  CHECK(abbreviate_range({.max = 16}, "source") == "source <= 16");
}

TEST_CASE("the runner skips a check outside its versions, saying why, and runs it inside them", "[runner][versions]") {
  TenantConfig tenant;
  tenant.name = "demo";
  testing::FakeConnector connector;
  testing::FakeTools tools;
  auto source = std::make_shared<testing::FakeServer>();
  auto target = std::make_shared<testing::FakeServer>();
  source->version_num = 110022;
  source->description = "source:5432/db";
  target->version_num = 170012;
  target->description = "target:5432/db";
  connector.add("host=source", source);
  connector.add("host=target", target);
  ScriptedCheck check("a.one", {Phase::pre}, Status::pass);
  auto run = [&](std::vector<const Check*> checks, const Manifest* baseline = nullptr) {
    Context context{Phase::pre, tenant, connector, tools, std::nullopt, baseline};
    return run_checks(checks, context);
  };

  SECTION("a configured target_major below the range: skipped, no server asked") {
    tenant.target_major = 17;
    tenant.target_dsn = "host=target";
    auto result = run({&check.applies_to({}, {.min = 18})}).at(0);
    CHECK(result.status == Status::skip);
    CHECK(result.id == "a.one");
    CHECK(result.summary == "applies to targets on PostgreSQL 18 and later; the target is 17 (target_major)");
    CHECK(check.runs == 0);
    CHECK(connector.connections == 0);
  }
  SECTION("the target server's major, asked once for every check of the run") {
    tenant.target_dsn = "host=target";
    ScriptedCheck other("b.two", {Phase::pre}, Status::pass);
    other.applies_to({}, {.min = 18});
    auto results = run({&check.applies_to({}, {.min = 18}), &other});
    REQUIRE(results.size() == 2);
    for (const auto& result : results) {
      CHECK(result.status == Status::skip);
      CHECK(result.summary == "applies to targets on PostgreSQL 18 and later; the target is 17 (target:5432/db)");
    }
    CHECK(check.runs + other.runs == 0);
    CHECK(connector.connections == 1);
  }
  SECTION("inside its range it runs") {
    tenant.target_major = 18;
    CHECK(run({&check.applies_to({}, {.min = 18})}).at(0).status == Status::pass);
    CHECK(check.runs == 1);
  }
  SECTION("a source above the range, and 9.6 below 10") {
    tenant.source_dsn = "host=source";
    auto above = run({&check.applies_to({.max = 10}, {})}).at(0);
    CHECK(above.status == Status::skip);
    CHECK(above.summary == "applies to sources up to PostgreSQL 10; the source is 11 (source:5432/db)");
    source->version_num = 90624;
    ScriptedCheck old_source("b.two", {Phase::pre}, Status::pass);
    auto below = run({&old_source.applies_to({.min = 10}, {})}).at(0);
    // The major was learned once for the run: a new run asks again.
    CHECK(below.summary == "applies to sources on PostgreSQL 10 and later; the source is 9.6 (source:5432/db)");
    CHECK(check.runs + old_source.runs == 0);
  }
  SECTION("post: the source's major as the baseline recorded it, without asking the source") {
    tenant.source_dsn = "host=source";
    Manifest baseline;
    baseline.server_version_num = 160004;
    auto result = run({&check.applies_to({.max = 15}, {})}, &baseline).at(0);
    CHECK(result.summary == "applies to sources up to PostgreSQL 15; the source is 16 (the baseline)");
    CHECK(connector.connections == 0);
  }
  SECTION("a major that cannot be learned: the check runs and reports the problem itself") {
    tenant.target_dsn = "host=gone";
    check.applies_to({.min = 12}, {.min = 18});
    CHECK(run({&check}).at(0).status == Status::pass);
    CHECK(check.runs == 1);
    CHECK(connector.attempts["host=gone"] == 1);
  }
  SECTION("a check for every major asks no server") {
    tenant.source_dsn = "host=source";
    tenant.target_dsn = "host=target";
    CHECK(run({&check}).at(0).status == Status::pass);
    CHECK(connector.connections == 0);
  }
}

TEST_CASE("exit codes: error outranks fail; warn and skip pass", "[runner]") {
  auto result = [](Status s) { return make_result(s, ""); };
  CHECK(exit_code_for({}) == ExitCode::ok);
  CHECK(exit_code_for({result(Status::pass), result(Status::warn), result(Status::skip)}) == ExitCode::ok);
  CHECK(exit_code_for({result(Status::fail), result(Status::pass)}) == ExitCode::check_failed);
  CHECK(exit_code_for({result(Status::fail), result(Status::error)}) == ExitCode::check_error);
  CHECK(to_int(ExitCode::gate_refused) == 4);
  CHECK(to_int(ExitCode::usage) == 2);
}

TEST_CASE("the exit code and the reports' status come from one rule", "[runner]") {
  const std::vector<Status> all{Status::pass, Status::warn, Status::skip, Status::fail, Status::error};
  for (Status a : all)
    for (Status b : all) {
      RunReport report;
      report.checks = {make_result(a, ""), make_result(b, "")};
      const Status overall = report.overall();
      INFO(to_string(a) << " + " << to_string(b));
      CHECK(overall == overall_status(report.checks));
      const ExitCode expected = overall == Status::error  ? ExitCode::check_error
                                : overall == Status::fail ? ExitCode::check_failed
                                                          : ExitCode::ok;
      CHECK(exit_code_for(report.checks) == expected);
    }
}
