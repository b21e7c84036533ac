#include "checks/checks.hpp"

#include "http/health_probe.hpp"

namespace pgverify::checks {

namespace {

std::string hint_for(const http::Attempt& attempt) {
  switch (attempt.failure) {
    case http::Failure::http_status:
      if (attempt.status >= 500)
        return "The restore did not complete or the service cannot see the database: read the "
               "backend's log for the PostgreSQL error, check its DSN and that pg_restore finished "
               "without errors.";
      return "The URL does not name the readiness endpoint: check [tenants.X.app].health_url.";
    case http::Failure::refused:
      return "Nothing listens there yet: check that the deployments were scaled back up and their "
             "pods are running.";
    case http::Failure::dns:
      return "Check the host name in [tenants.X.app].health_url and that this machine can resolve it.";
    case http::Failure::timeout:
      return "The service accepts connections but does not answer in time: it may still be starting "
             "(raise health_deadline) or be stuck waiting for the database.";
    case http::Failure::tls:
      return "Install the certificate's CA on this machine; set insecure_tls = true only for a "
             "certificate you know to be self-signed.";
    case http::Failure::headers_too_large:
      return "Something on the way sends oversized headers (a proxy or ingress, or the application's "
             "cookies): look at what the URL answers with `curl -sI`.";
    default: return "Check the URL and the network path to the service.";
  }
}

}  // namespace

const CheckInfo& AppHealth::info() const {
  static const CheckInfo info{
      .id = "app.health",
      .phases = {Phase::post},
      .summary = "the health URL answers 200 within retries; on 503 the body is shown",
      .rationale =
          "Every row can be back and the product still down: the backend cannot reach the new "
          "server, was not scaled up, or fails at startup against the new major. The runbook's "
          "last step is `curl -k https://HOST/health/ready` answering 200; a 503 carrying a "
          "PostgreSQL error means the restore did not complete or the service cannot see the "
          "database. pgverify asks until a deadline, since a restarting backend needs a while.",
      .remediation =
          "Read the answer shown: for a 503, the backend's log names the PostgreSQL error; for a "
          "refused connection, scale the deployments up and wait for their pods; for a TLS error, "
          "install the CA rather than skip verification.",
      .options = "[tenants.X.app] health_url, insecure_tls, health_deadline, health_connect_timeout, "
                 "health_request_timeout",
      .applies_to = "http and https URLs; TLS verified unless insecure_tls = true; redirects are not followed",
  };
  return info;
}

CheckResult AppHealth::run(Context& context) const {
  const AppConfig& app = context.tenant.app;
  if (app.health_url.empty())
    return make_result(Status::skip,
                       "no health URL configured (tenants." + context.tenant.name + ".app.health_url)");
  http::HealthOptions options;
  options.url = app.health_url;
  options.insecure_tls = app.insecure_tls;
  options.connect_timeout = app.health_connect_timeout;
  options.request_timeout = app.health_request_timeout;
  options.deadline = app.health_deadline;
  const http::HealthOutcome outcome = http::probe_health(options);

  const std::string tries = std::to_string(outcome.attempts) + (outcome.attempts == 1 ? " attempt" : " attempts");
  const std::string url = http::mask_url(app.health_url);
  if (outcome.ready)
    return make_result(Status::pass, url + " answered 200 (" + tries + ", " +
                                         std::to_string(outcome.elapsed.count()) + " ms)" +
                                         (app.insecure_tls ? "; TLS not verified (insecure_tls)" : ""));
  const http::Attempt& last = outcome.last;
  Finding finding;
  finding.object = url;
  finding.expected = "200";
  finding.actual = last.failure == http::Failure::http_status ? std::to_string(last.status)
                                                              : std::string(to_string(last.failure));
  finding.message = last.message;
  finding.hint = hint_for(last);
  return make_result(Status::fail, last.message + " (" + tries + " in " + std::to_string(outcome.elapsed.count()) + " ms)",
                     {std::move(finding)});
}

}  // namespace pgverify::checks
