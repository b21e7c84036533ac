// http/: asking an application whether it is ready (GET of its health URL with
// libcurl), patiently: a backend that restarts after the restore needs a while
// before it answers. The folder depends on text/ only (libcurl).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "http/url.hpp"

namespace pgverify::http {

// Why one attempt did not get a 200.
enum class Failure {
  none,          // 200
  http_status,   // answered, but not 200
  refused,       // nothing listens there
  dns,           // the host name does not resolve
  timeout,       // no connection, or no whole answer, in time
  tls,           // certificate not trusted, wrong host name, handshake failed
  headers_too_large,  // response headers larger than libcurl accepts
  other,         // any other transport error
};
std::string_view to_string(Failure failure);

struct Attempt {
  int number = 0;
  Failure failure = Failure::none;
  long status = 0;            // the HTTP status when one came
  std::string message;        // one line, saying what happened; the URL's secrets masked
  std::string body_start;     // the first bytes of the body, one line, at most 300 characters,
                              // the URL's secrets masked (a server may echo them)
  bool transient = false;     // an `other` failure that waiting may cure (connection dropped)
};

struct HealthOptions {
  std::string url;
  bool insecure_tls = false;  // the only way to skip TLS verification
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{10000};  // one attempt, whole
  std::chrono::milliseconds deadline{120000};         // all attempts together
  std::chrono::milliseconds first_backoff{500};       // doubles after each attempt, up to max_backoff
  std::chrono::milliseconds max_backoff{10000};
  std::function<void(const Attempt&)> on_attempt;     // after each attempt
};

struct HealthOutcome {
  bool ready = false;
  Attempt last;                    // the 200, or the last failure
  int attempts = 0;
  std::chrono::milliseconds elapsed{0};
};

// GETs the URL until it answers 200, the deadline passes, or a failure that
// waiting cannot cure happens (a TLS error; headers too large; a 4xx other
// than 408 and 429: the URL is wrong). Refused connections, DNS failures, timeouts and 5xx answers
// are retried with backoff. Redirects are not followed: a health endpoint
// that redirects is misconfigured. Throws BadUrl for an unusable URL.
// Dropped connections (nothing received, a reset) count as retryable too.
HealthOutcome probe_health(const HealthOptions& options);

}  // namespace pgverify::http
