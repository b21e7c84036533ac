#include <catch2/catch.hpp>

#include <stdexcept>

#include "core/runner.hpp"
#include "support/fakes.hpp"

using namespace pgverify;

namespace {

class ScriptedCheck final : public Check {
 public:
  ScriptedCheck(std::string_view id, std::vector<Phase> phases, Status status, bool throws = false)
      : m_info{id, std::move(phases), "s", "r", "m", "o", "a", false},
        m_status(status),
        m_throws(throws) {}
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
