#include "http/url.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <vector>

#include "text/masking.hpp"

namespace pgverify::http {

namespace {

constexpr std::string_view kMasked = "***";

struct UrlHandle {
  CURLU* handle = curl_url();
  ~UrlHandle() { curl_url_cleanup(handle); }
  UrlHandle() = default;
  UrlHandle(const UrlHandle&) = delete;
  UrlHandle& operator=(const UrlHandle&) = delete;

  // CURLU_NON_SUPPORT_SCHEME: an ftp:// or nonsense:// URL is still taken apart,
  // so that it can be shown masked and refused for its scheme.
  CURLUcode set(const std::string& url) const {
    return handle ? curl_url_set(handle, CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME)
                  : CURLUE_OUT_OF_MEMORY;
  }

  std::string get(CURLUPart part, unsigned int flags = 0) const {
    char* value = nullptr;
    if (curl_url_get(handle, part, &value, flags) != CURLUE_OK || !value) return "";
    std::string out(value);
    curl_free(value);
    return out;
  }
};

// "token=abc&x=1&flag" -> "token=***&x=***&***"; each value goes to `secrets`.
std::string mask_pairs(std::string_view pairs, std::vector<std::string>& secrets) {
  std::string out;
  for (std::size_t start = 0; start <= pairs.size();) {
    const std::size_t end = std::min(pairs.find('&', start), pairs.size());
    const std::string_view pair = pairs.substr(start, end - start);
    if (start > 0) out += '&';
    const std::size_t equals = pair.find('=');
    const std::string_view value = equals == std::string_view::npos ? pair : pair.substr(equals + 1);
    out += pair.substr(0, pair.size() - value.size());
    if (!value.empty()) {
      out += kMasked;
      secrets.emplace_back(value);
    }
    start = end + 1;
  }
  return out;
}

struct MaskedUrl {
  std::string shown;
  std::vector<std::string> secrets;  // as written in the URL
};

// The URL as written, its secrets masked by position: the userinfo ends at the
// authority's last '@' (a password may hold '@'), the query starts at the
// first '?' or '#' after the authority, the fragment at the first '#'. Text
// libcurl refuses gets the same treatment, and a URL libcurl reads is not
// shown as libcurl re-spells it (http:///ok as http://ok/: the very mistake
// a message about it must show).
MaskedUrl mask_as_written(const std::string& url) {
  MaskedUrl masked;
  const auto scheme = url.find("://");
  const std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const std::size_t authority_end = std::min(url.find_first_of("/?#", start), url.size());
  const auto at = authority_end == 0 ? std::string::npos : url.rfind('@', authority_end - 1);
  std::size_t rest = 0;
  if (at != std::string::npos && at >= start) {
    const std::string userinfo = url.substr(start, at - start);
    const auto colon = userinfo.find(':');
    // A user name without a password is the secret itself (https://TOKEN@host/).
    const std::size_t secret_from = colon == std::string::npos ? 0 : colon + 1;
    masked.shown = url.substr(0, start + secret_from) + std::string(kMasked);
    masked.secrets.push_back(userinfo.substr(secret_from));
    rest = at;
  }
  const std::size_t query = std::min(url.find_first_of("?#", authority_end), url.size());
  masked.shown += url.substr(rest, query - rest);
  for (std::size_t from = query; from < url.size();) {
    const std::size_t next = url[from] == '?' ? std::min(url.find('#', from + 1), url.size()) : url.size();
    masked.shown += url[from];
    masked.shown += mask_pairs(std::string_view(url).substr(from + 1, next - from - 1), masked.secrets);
    from = next;
  }
  return masked;
}

// The secrets of the URL as libcurl reads it, should its reading differ from
// the split above: the password (or lone user name), each query and fragment value.
std::vector<std::string> secrets_as_curl_reads(const std::string& url) {
  std::vector<std::string> secrets;
  UrlHandle parsed;
  if (parsed.set(url) != CURLUE_OK) return secrets;
  std::string userinfo = parsed.get(CURLUPART_PASSWORD);
  if (userinfo.empty()) userinfo = parsed.get(CURLUPART_USER);
  if (!userinfo.empty()) secrets.push_back(userinfo);
  for (const CURLUPart part : {CURLUPART_QUERY, CURLUPART_FRAGMENT}) mask_pairs(parsed.get(part), secrets);
  return secrets;
}

MaskedUrl mask(const std::string& url) {
  MaskedUrl masked = mask_as_written(url);
  std::vector<std::string> curls = secrets_as_curl_reads(url);
  masked.shown = text::mask_parts(std::move(masked.shown), curls, kMasked, 4);
  masked.secrets.insert(masked.secrets.end(), curls.begin(), curls.end());
  return masked;
}

}  // namespace

std::string mask_url(const std::string& url) { return mask(url).shown; }

std::string mask_url_secrets(std::string_view text, const std::string& url) {
  const MaskedUrl masked = mask(url);
  std::vector<std::string> parts = masked.secrets;
  for (const auto& secret : masked.secrets) parts.push_back(text::percent_decoded(secret));
  std::string out(text);
  if (!url.empty())
    for (std::size_t at = out.find(url); at != std::string::npos; at = out.find(url, at + masked.shown.size()))
      out.replace(at, url.size(), masked.shown);
  return text::mask_parts(std::move(out), std::move(parts), kMasked, 4);
}

void validate_health_url(const std::string& url) {
  UrlHandle parsed;
  if (const CURLUcode code = parsed.set(url); code != CURLUE_OK)
    throw BadUrl("'" + mask_url(url) + "' is not a URL (" + curl_url_strerror(code) + ")");
  const std::string scheme = parsed.get(CURLUPART_SCHEME);
  if (scheme != "http" && scheme != "https")
    throw BadUrl("'" + mask_url(url) + "' is not an http or https URL");
  // libcurl reads http:///ok and http:/ok as http://ok/: a URL missing its
  // host would quietly ask a host named after the first word of its path.
  const std::size_t colon = url.find(':');
  const bool authority = url.compare(colon + 1, 2, "//") == 0 && url.size() > colon + 3 && url[colon + 3] != '/';
  if (!authority || parsed.get(CURLUPART_HOST).empty())
    throw BadUrl("'" + mask_url(url) + "' names no host (an http URL is http://HOST[:PORT]/PATH)");
}

}  // namespace pgverify::http
