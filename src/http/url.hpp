// http/url: whether a health URL can be asked at all, and what of a URL may be
// shown. libcurl's URL API (CURLU) decides what a URL is; the mask works on the
// text as written (split at its '@', '?' and '#'), so a message shows the URL
// the user wrote, also one libcurl refuses, and it hides whatever libcurl
// reads as secret too. Depends on text/ only.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace pgverify::http {

// A health URL that cannot be used at all (not http or https, unparsable, no host).
class BadUrl : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Checks the URL's form; throws BadUrl with the URL (masked) and why.
void validate_health_url(const std::string& url);

// The URL as it may be shown in a message or report: the password of its
// userinfo (or the user name when there is no password: then that is the
// secret, as in https://TOKEN@host/) and every value of its query and
// fragment replaced by ***, e.g. https://user:***@host/health?token=***&x=***.
std::string mask_url(const std::string& url);

// `text` (libcurl's error, the start of a body the server sent back) with the
// URL and every secret part of it (as written and percent-decoded) masked as
// mask_url masks them. Parts under four characters are left outside the URL
// itself: replacing them would garble the words around them.
std::string mask_url_secrets(std::string_view text, const std::string& url);

}  // namespace pgverify::http
