#include <catch2/catch.hpp>

#include "http/url.hpp"

using namespace pgverify;

TEST_CASE("health URLs are validated and passwords never shown", "[http]") {
  CHECK_NOTHROW(http::validate_health_url("https://qry.example/health/ready"));
  CHECK_THROWS_WITH(http::validate_health_url("ftp://qry.example/x"), "'ftp://qry.example/x' is not an http or https URL");
  CHECK_THROWS_WITH(http::validate_health_url("qry.example/health"), Catch::Contains("is not"));
  CHECK_THROWS_WITH(http::validate_health_url("https://user:s3cret@/x"), Catch::Contains("***"));
  CHECK(http::mask_url("https://user:s3cret@qry.example/health/ready") == "https://user:***@qry.example/health/ready");
  CHECK(http::mask_url("https://qry.example/health/ready") == "https://qry.example/health/ready");
  CHECK(http::mask_url("nonsense://u:s3cret@") .find("s3cret") == std::string::npos);
  for (const std::string url : {"admin:s3cret@backend/health", "https://u:s3c@ret@host/health", "ht tp://u:s3cret@h/x"}) {
    INFO(url);
    CHECK(http::mask_url(url).find("s3c") == std::string::npos);
    CHECK(http::mask_url(url).find("ret@") == std::string::npos);
  }
  CHECK_THROWS_WITH(http::validate_health_url("admin:s3cret@backend/health"), !Catch::Contains("s3cret"));
}

TEST_CASE("a URL without its host is refused, not read as another host", "[http]") {
  // libcurl reads these as http://ok/: a probe of whatever "ok" resolves to.
  for (const std::string url : {"http:///ok", "http:/ok", "HTTPS:///health/ready"}) {
    INFO(url);
    CHECK_THROWS_WITH(http::validate_health_url(url), "'" + url + "' names no host (an http URL is http://HOST[:PORT]/PATH)");
  }
  CHECK_THROWS_WITH(http::validate_health_url("https:///health?token=t0kenX"),
                    "'https:///health?token=***' names no host (an http URL is http://HOST[:PORT]/PATH)");
  // What libcurl refuses itself, in its words (which its versions may word differently).
  CHECK_THROWS_WITH(http::validate_health_url("https:////qry.example/health"),
                    Catch::StartsWith("'https:////qry.example/health' is not a URL (") && Catch::EndsWith(")"));
  CHECK_THROWS_WITH(http::validate_health_url("http:///"), Catch::StartsWith("'http:///' is not a URL ("));
  CHECK_THROWS_WITH(http::validate_health_url("http://qry.example:99999/health"),
                    Catch::StartsWith("'http://qry.example:99999/health' is not a URL (") && Catch::Contains("ort"));
  CHECK_NOTHROW(http::validate_health_url("HTTP://qry.example:8443/health/ready?probe=1"));
  CHECK_NOTHROW(http::validate_health_url("http://[::1]:8080/health"));
}

TEST_CASE("a URL is shown with its password and every query and fragment value masked", "[http]") {
  CHECK(http::mask_url("https://user:pw@host/health?token=s3cr3t&x=1") == "https://user:***@host/health?token=***&x=***");
  CHECK(http::mask_url("https://host/health?access_token=abc&sig=def&flag&empty=") ==
        "https://host/health?access_token=***&sig=***&***&empty=");
  CHECK(http::mask_url("https://host/cb#access_token=abc") == "https://host/cb#access_token=***");
  // A user name alone is the secret (https://TOKEN@host/).
  CHECK(http::mask_url("https://ghp_t0ken@host/health") == "https://***@host/health");
  // Text libcurl refuses is masked the same way.
  CHECK(http::mask_url("ht tp://u:s3cret@h/x?sig=abcdef#k=fragval") == "ht tp://u:***@h/x?sig=***#k=***");
  CHECK(http::mask_url("/health?token=abcdef") == "/health?token=***");
}

TEST_CASE("a URL's secrets are masked wherever a message quotes them", "[http]") {
  const std::string url = "https://probe:pw%2Fsecret@host/health?token=t0k%3Den&sig=s1gnature";
  const std::string text = "curl said " + url + "; body: token t0k=en, sig s1gnature, pw pw/secret, raw t0k%3Den; x=1 stays";
  const std::string masked = http::mask_url_secrets(text, url);
  for (const std::string secret : {"pw%2Fsecret", "pw/secret", "t0k%3Den", "t0k=en", "s1gnature"}) {
    INFO(secret);
    CHECK(masked.find(secret) == std::string::npos);
  }
  CHECK_THAT(masked, Catch::StartsWith("curl said " + http::mask_url(url) + "; body: token ***, sig ***"));
  CHECK_THAT(masked, Catch::EndsWith("x=1 stays"));
  CHECK(http::mask_url_secrets("nothing secret here", "https://host/health") == "nothing secret here");
}
