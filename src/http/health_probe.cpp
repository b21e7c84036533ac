#include "http/health_probe.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <thread>

namespace pgverify::http {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The body is only ever shown in part; more is not kept.
constexpr std::size_t kBodyKept = 4096;
constexpr std::size_t kBodyShown = 300;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string one_line(std::string_view text, std::size_t max_chars) {
  std::string out;
  for (char c : text) {
    if (out.size() >= max_chars) {
      out += "...";
      break;
    }
    const auto byte = static_cast<unsigned char>(c);
    out += (byte < 0x20 || byte == 0x7f) ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::size_t keep_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const std::size_t bytes = size * count;
  if (body->size() < kBodyKept) body->append(data, std::min(bytes, kBodyKept - body->size()));
  return bytes;  // the rest is read and dropped, so the server is not cut off mid-answer
}

// libcurl refuses a response whose header line exceeds CURL_MAX_HTTP_HEADER
// (as "Out of memory") or whose headers exceed 300 KiB in all
// (MAX_HTTP_RESP_HEADER_SIZE, lib/http.h, not public).
constexpr long kMaxHeaderLine = CURL_MAX_HTTP_HEADER;
constexpr long kMaxHeadersTotal = 300 * 1024;

// Whether the blank line ending the response headers came.
std::size_t note_header_end(char* data, std::size_t size, std::size_t count, void* user) {
  const std::string_view line(data, size * count);
  if (line == "\r\n" || line == "\n") *static_cast<bool*>(user) = true;
  return size * count;
}

Attempt attempt_once(const HealthOptions& options, const std::string& shown_url, int number,
                     milliseconds time_left) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  Attempt attempt;
  attempt.number = number;
  if (!curl) {
    attempt.failure = Failure::other;
    attempt.message = "libcurl could not start a request";
    return attempt;
  }
  std::string body;
  char error[CURL_ERROR_SIZE] = {};
  const milliseconds total = std::min(options.request_timeout, std::max(time_left, milliseconds(1)));
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(options.connect_timeout, total).count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()));
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, options.insecure_tls ? 0L : 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, options.insecure_tls ? 0L : 2L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "pgverify/" PGVERIFY_VERSION);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  bool headers_ended = false;
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, note_header_end);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &headers_ended);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);

  const CURLcode code = curl_easy_perform(c);
  if (code == CURLE_OK) {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &attempt.status);
    attempt.body_start = one_line(mask_url_secrets(body, options.url), kBodyShown);
    if (attempt.status == 200) {
      attempt.message = shown_url + " answered 200";
      return attempt;
    }
    attempt.failure = Failure::http_status;
    attempt.message = shown_url + " answered " + std::to_string(attempt.status) +
                      (attempt.body_start.empty() ? " with an empty body" : ": " + attempt.body_start);
    return attempt;
  }

  // libcurl's own words say which name, address or certificate; they may
  // quote the URL, so its secrets are masked.
  const std::string detail = one_line(mask_url_secrets(error[0] ? error : curl_easy_strerror(code), options.url), 200);
  long header_bytes = 0;
  curl_easy_getinfo(c, CURLINFO_HEADER_SIZE, &header_bytes);
  if (!headers_ended && (code == CURLE_OUT_OF_MEMORY || header_bytes >= kMaxHeadersTotal)) {
    attempt.failure = Failure::headers_too_large;
    attempt.message = shown_url + " answered with response headers larger than libcurl accepts (" +
                      (code == CURLE_OUT_OF_MEMORY ? "a header line over " + std::to_string(kMaxHeaderLine)
                                                   : "over " + std::to_string(kMaxHeadersTotal)) +
                      " bytes)";
    return attempt;
  }
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      attempt.failure = Failure::refused;
      attempt.message = "nothing answers at " + shown_url + " (" + detail + ")";
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
      attempt.failure = Failure::dns;
      attempt.message = "the host name of " + shown_url + " does not resolve (" + detail + ")";
      break;
    case CURLE_OPERATION_TIMEDOUT:
      attempt.failure = Failure::timeout;
      attempt.message = shown_url + " gave no answer within " + std::to_string(total.count()) + " ms (" + detail + ")";
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
      attempt.failure = Failure::tls;
      attempt.message = "TLS with " + shown_url + " failed: " + detail;
      break;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
      // What an ingress or a port-forward gives while the backend behind it restarts.
      attempt.failure = Failure::other;
      attempt.transient = true;
      attempt.message = shown_url + " dropped the connection (" + detail + ")";
      break;
    default:
      attempt.failure = Failure::other;
      attempt.message = shown_url + ": " + detail;
  }
  return attempt;
}

bool worth_retrying(const Attempt& attempt) {
  switch (attempt.failure) {
    case Failure::tls:
    case Failure::headers_too_large: return false;
    case Failure::other: return attempt.transient;
    case Failure::http_status:
      return attempt.status >= 500 || attempt.status == 408 || attempt.status == 429;
    default: return true;
  }
}

}  // namespace

std::string_view to_string(Failure failure) {
  switch (failure) {
    case Failure::none: return "none";
    case Failure::http_status: return "http-status";
    case Failure::refused: return "refused";
    case Failure::dns: return "dns";
    case Failure::timeout: return "timeout";
    case Failure::tls: return "tls";
    case Failure::headers_too_large: return "headers-too-large";
    case Failure::other: return "other";
  }
  return "other";
}

HealthOutcome probe_health(const HealthOptions& options) {
  validate_health_url(options.url);
  global_init();
  const std::string shown_url = mask_url(options.url);
  const auto start = Clock::now();
  const auto deadline = start + options.deadline;
  milliseconds backoff = options.first_backoff;

  HealthOutcome outcome;
  for (;;) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    outcome.last = attempt_once(options, shown_url, ++outcome.attempts, left);
    if (options.on_attempt) options.on_attempt(outcome.last);
    outcome.ready = outcome.last.failure == Failure::none;
    if (outcome.ready || !worth_retrying(outcome.last)) break;
    const auto now = Clock::now();
    if (now + backoff >= deadline) break;
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, options.max_backoff);
  }
  outcome.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  return outcome;
}

}  // namespace pgverify::http
