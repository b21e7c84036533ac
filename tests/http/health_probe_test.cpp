#include <catch2/catch.hpp>

#include "http/health_probe.hpp"
#include "support/http_server.hpp"

using namespace pgverify;
using namespace std::chrono_literals;
using testing::HttpAnswer;
using testing::HttpServer;

namespace {

http::HealthOptions quick(const std::string& url) {
  http::HealthOptions options;
  options.url = url;
  options.connect_timeout = 500ms;
  options.request_timeout = 500ms;
  options.deadline = 1500ms;
  options.first_backoff = 50ms;
  options.max_backoff = 200ms;
  return options;
}

}  // namespace

TEST_CASE("a 200 is ready at the first attempt", "[http]") {
  HttpServer server({200, "{\"status\":\"ready\"}"});
  auto outcome = http::probe_health(quick(server.url()));
  CHECK(outcome.ready);
  CHECK(outcome.attempts == 1);
  CHECK(outcome.last.status == 200);
  CHECK(outcome.last.message == server.url() + " answered 200");
}

TEST_CASE("a backend that answers 503 while starting is waited for", "[http]") {
  HttpServer server({.status = 200, .body = "ok", .fail_first = 2});
  auto outcome = http::probe_health(quick(server.url()));
  CHECK(outcome.ready);
  CHECK(outcome.attempts == 3);
  CHECK(server.requests() == 3);
}

TEST_CASE("a 503 that lasts fails with the start of its body, on one line", "[http]") {
  HttpServer server({503, "{\"detail\": \"database unavailable\",\n \"error\": \"connection refused\"}"});
  auto outcome = http::probe_health(quick(server.url()));
  CHECK_FALSE(outcome.ready);
  CHECK(outcome.attempts > 1);
  CHECK(outcome.last.failure == http::Failure::http_status);
  CHECK(outcome.last.status == 503);
  CHECK(outcome.last.body_start == "{\"detail\": \"database unavailable\",  \"error\": \"connection refused\"}");
  CHECK(outcome.last.message == server.url() + " answered 503: " + outcome.last.body_start);
}

TEST_CASE("a 404 is not retried: the URL is wrong", "[http]") {
  HttpServer server({404, "no such route"});
  auto outcome = http::probe_health(quick(server.url()));
  CHECK_FALSE(outcome.ready);
  CHECK(outcome.attempts == 1);
  CHECK(outcome.last.status == 404);
}

TEST_CASE("a server slower than the deadline times out", "[http]") {
  HttpServer server({.status = 200, .body = "late", .delay = 3000ms});
  auto outcome = http::probe_health(quick(server.url()));
  CHECK_FALSE(outcome.ready);
  CHECK(outcome.last.failure == http::Failure::timeout);
  CHECK_THAT(outcome.last.message, Catch::Contains("gave no answer within"));
  CHECK(outcome.elapsed < 3000ms);
}

TEST_CASE("nothing listening is 'refused', retried until the deadline", "[http]") {
  const std::string url = "http://127.0.0.1:" + std::to_string(testing::unused_port()) + "/health/ready";
  auto outcome = http::probe_health(quick(url));
  CHECK_FALSE(outcome.ready);
  CHECK(outcome.last.failure == http::Failure::refused);
  CHECK(outcome.attempts > 1);
  CHECK(outcome.last.message.rfind("nothing answers at " + url, 0) == 0);
}

TEST_CASE("a host name that does not resolve is 'dns'", "[http]") {
  auto options = quick("http://no-such-host.invalid/health/ready");
  options.deadline = 300ms;
  auto outcome = http::probe_health(options);
  CHECK_FALSE(outcome.ready);
  CHECK(outcome.last.failure == http::Failure::dns);
  CHECK_THAT(outcome.last.message, Catch::Contains("does not resolve"));
}

TEST_CASE("a self-signed certificate fails unless insecure_tls is asked for", "[http]") {
  HttpServer server({200, "ok"}, /*tls=*/true);
  auto options = quick(server.url());
  auto verified = http::probe_health(options);
  CHECK_FALSE(verified.ready);
  CHECK(verified.last.failure == http::Failure::tls);
  CHECK(verified.attempts == 1);  // waiting does not fix a certificate
  CHECK_THAT(verified.last.message, Catch::StartsWith("TLS with " + server.url() + " failed: "));
  options.insecure_tls = true;
  CHECK(http::probe_health(options).ready);
}

TEST_CASE("response headers larger than libcurl takes are said to be that, not 'Out of memory'", "[http]") {
  // One header line over CURL_MAX_HTTP_HEADER (100 KiB): libcurl's own word is "Out of memory".
  HttpServer one_line({.status = 200, .body = "ok", .headers = "X-Padding: " + std::string(150 * 1024, 'a') + "\r\n"});
  auto outcome = http::probe_health(quick(one_line.url()));
  CHECK_FALSE(outcome.ready);
  CHECK(outcome.last.failure == http::Failure::headers_too_large);
  CHECK(outcome.attempts == 1);  // the same server sends the same headers again
  CHECK(outcome.last.message ==
        one_line.url() + " answered with response headers larger than libcurl accepts (a header line over 102400 bytes)");

  // Many lines, over 300 KiB together.
  std::string many;
  for (int i = 0; i < 400; ++i) many += "X-Padding-" + std::to_string(i) + ": " + std::string(1000, 'b') + "\r\n";
  HttpServer all_lines({.status = 200, .body = "ok", .headers = many});
  outcome = http::probe_health(quick(all_lines.url()));
  CHECK(outcome.last.failure == http::Failure::headers_too_large);
  CHECK(outcome.attempts == 1);
  CHECK(outcome.last.message ==
        all_lines.url() + " answered with response headers larger than libcurl accepts (over 307200 bytes)");
  CHECK(to_string(outcome.last.failure) == "headers-too-large");
}

TEST_CASE("a body that echoes the URL's token is shown with the token masked", "[http]") {
  HttpServer server({403, "invalid token t0kenSECRET for /health/ready"});
  auto outcome = http::probe_health(quick(server.url("/health/ready?token=t0kenSECRET")));
  CHECK(outcome.last.status == 403);
  CHECK(outcome.last.body_start == "invalid token *** for /health/ready");
  CHECK(outcome.last.message.find("t0kenSECRET") == std::string::npos);
  CHECK_THAT(outcome.last.message, Catch::StartsWith(server.url("/health/ready?token=***") + " answered 403"));
}
