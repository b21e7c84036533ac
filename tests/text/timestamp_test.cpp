#include <catch2/catch.hpp>

#include "text/timestamp.hpp"

namespace pgverify {

TEST_CASE("parse_utc_timestamp reads the two forms pgverify writes and nothing else", "[text]") {
  CHECK(parse_utc_timestamp("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_utc_timestamp("1970-01-01T00:00:01.250Z") == 1250);
  CHECK(parse_utc_timestamp("2026-12-03T07:33:28Z") == std::int64_t{1796283208} * 1000);
  CHECK(parse_utc_timestamp("2026-12-03T07:33:28.045Z") == std::int64_t{1796283208} * 1000 + 45);
  const auto now = parse_utc_timestamp(utc_timestamp_milliseconds());
  const auto now_seconds = parse_utc_timestamp(utc_timestamp());
  REQUIRE(now);
  REQUIRE(now_seconds);
  CHECK(*now - *now_seconds < 2000);
  for (const char* bad : {"", "2026-12-03", "2026-12-03 07:33:28Z", "2026-12-03T07:33:28", "2026-13-03T07:33:28Z",
                          "2026-12-03T24:00:00Z", "2026-12-03T07:33:28.04Z", "2026-12-03T07:33:28.045+01", "x026-12-03T07:33:28Z"})
    CHECK_FALSE(parse_utc_timestamp(bad));
}

}  // namespace pgverify
