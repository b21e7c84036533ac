#include <catch2/catch.hpp>

#include <sstream>

#include "checks/checks.hpp"
#include "core/runner.hpp"
#include "reports/reporter.hpp"
#include "support/check_fixture.hpp"
#include "support/http_server.hpp"

using namespace pgverify;
using namespace std::chrono_literals;

namespace {

void quick(TenantConfig& tenant, const std::string& url) {
  tenant.app.health_url = url;
  tenant.app.health_connect_timeout = 500ms;
  tenant.app.health_request_timeout = 500ms;
  tenant.app.health_deadline = 1000ms;
}

}  // namespace

TEST_CASE("app.health passes on 200", "[checks][app.health]") {
  testing::HttpServer server({200, "ready"});
  testing::CheckFixture f;
  quick(f.tenant, server.url());
  auto result = f.run(checks::AppHealth(), Phase::post);
  CHECK(result.status == Status::pass);
  CHECK_THAT(result.summary, Catch::StartsWith(server.url() + " answered 200 (1 attempt, "));
}

TEST_CASE("app.health fails on 503 with the body and the runbook's hint", "[checks][app.health]") {
  testing::HttpServer server({503, "psycopg.OperationalError: connection to server failed"});
  testing::CheckFixture f;
  quick(f.tenant, server.url());
  auto result = f.run(checks::AppHealth(), Phase::post);
  CHECK(result.status == Status::fail);
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].expected == "200");
  CHECK(result.findings[0].actual == "503");
  CHECK_THAT(result.findings[0].message, Catch::Contains("answered 503: psycopg.OperationalError"));
  CHECK_THAT(result.findings[0].hint, Catch::Contains("restore did not complete or the service cannot see the database"));
}

TEST_CASE("app.health fails on TLS it cannot verify, and says so when told not to verify", "[checks][app.health]") {
  testing::HttpServer server({200, "ready"}, /*tls=*/true);
  testing::CheckFixture f;
  quick(f.tenant, server.url());
  auto result = f.run(checks::AppHealth(), Phase::post);
  CHECK(result.status == Status::fail);
  CHECK(result.findings.at(0).actual == "tls");
  CHECK_THAT(result.findings.at(0).hint, Catch::Contains("insecure_tls = true"));
  f.tenant.app.insecure_tls = true;
  result = f.run(checks::AppHealth(), Phase::post);
  CHECK(result.status == Status::pass);
  CHECK_THAT(result.summary, Catch::EndsWith("; TLS not verified (insecure_tls)"));
}

TEST_CASE("app.health fails when nothing listens, and never shows the URL's password", "[checks][app.health]") {
  testing::CheckFixture f;
  quick(f.tenant, "http://probe:s3cret@127.0.0.1:" + std::to_string(testing::unused_port()) + "/health/ready");
  auto result = f.run(checks::AppHealth(), Phase::post);
  CHECK(result.status == Status::fail);
  CHECK(result.findings.at(0).actual == "refused");
  CHECK(result.summary.find("s3cret") == std::string::npos);
  CHECK(result.findings.at(0).object.find("s3cret") == std::string::npos);
  CHECK(result.findings.at(0).message.find("s3cret") == std::string::npos);
}

TEST_CASE("app.health is skipped without a health URL", "[checks][app.health]") {
  testing::CheckFixture f;
  auto result = f.run(checks::AppHealth(), Phase::post);
  CHECK(result.status == Status::skip);
  CHECK(result.summary == "no health URL configured (tenants.demo.app.health_url)");
}

TEST_CASE("app.health never shows the URL's password, query or fragment values in any report", "[checks][app.health]") {
  const std::vector<std::string> secrets = {"pAssw0rdX", "t0kenX", "s1gnatureX", "fr4gmentX"};
  const auto with_secrets = [](std::string url) {
    url.insert(url.find("://") + 3, "probe:pAssw0rdX@");
    return url + "?token=t0kenX&sig=s1gnatureX#access_token=fr4gmentX";
  };
  testing::HttpServer ready({200, "ready"});
  testing::HttpServer echoing({503, "token t0kenX rejected; sig s1gnatureX"});
  const std::string urls[] = {
      with_secrets(ready.url()),
      with_secrets(echoing.url()),
      with_secrets("http://127.0.0.1:" + std::to_string(testing::unused_port()) + "/health/ready"),
      "http:///health/ready?token=t0kenX",  // refused as a URL: the check errors
  };
  for (const auto& url : urls) {
    INFO(url);
    testing::CheckFixture f;
    quick(f.tenant, url);
    checks::AppHealth check;
    Context context{Phase::post, f.tenant, f.connector, f.tools, std::nullopt, nullptr};
    RunReport report;
    report.tenant = "demo";
    report.phase = Phase::post;
    report.checks = run_checks({&check}, context);
    for (auto format : {reports::Format::console, reports::Format::json, reports::Format::junit, reports::Format::markdown}) {
      INFO(reports::to_string(format));
      std::ostringstream out;
      reports::render(report, format, out);
      // The URL is there, masked (JUnit leaves a passing check's summary out; Markdown escapes *).
      if (format == reports::Format::console || format == reports::Format::json) CHECK_THAT(out.str(), Catch::Contains("***"));
      for (const auto& secret : secrets) CHECK(out.str().find(secret) == std::string::npos);
    }
  }
}
