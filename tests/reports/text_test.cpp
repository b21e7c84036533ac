#include <catch2/catch.hpp>

#include "reports/text.hpp"

namespace pgverify::reports {

using namespace std::chrono_literals;

TEST_CASE("valid_utf8 keeps good text and replaces each bad byte", "[reports]") {
  CHECK(text::valid_utf8("plain ascii") == "plain ascii");
  CHECK(text::valid_utf8("café 表 🚀") == "café 表 🚀");
  CHECK(text::valid_utf8("a\xff" "b") == "a\xEF\xBF\xBD" "b");
  // Overlong '/', a UTF-16 surrogate, a truncated sequence at the end, beyond U+10FFFF.
  CHECK(text::valid_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(text::valid_utf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(text::valid_utf8("x\xE2\x82") == "x\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(text::valid_utf8("\xF4\x90\x80\x80") ==
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(text::valid_utf8(std::string_view("a\0b", 3)) == std::string("a\0b", 3));
}

TEST_CASE("controls are spelled out", "[reports]") {
  CHECK(text::is_control(0x1B));
  CHECK(text::is_control(0x7F));
  CHECK(text::is_control(0x9B));
  CHECK_FALSE(text::is_control(U'é'));
  CHECK(text::visible(0x1B) == "\\x1b");
  CHECK(text::visible(0xFFFE) == "\\ufffe");
}

TEST_CASE("durations read well for people and for JUnit", "[reports]") {
  CHECK(text::human_duration(0ms) == "0 ms");
  CHECK(text::human_duration(999ms) == "999 ms");
  CHECK(text::human_duration(1534ms) == "1.5 s");
  CHECK(text::human_duration(59999ms) == "59.9 s");
  CHECK(text::human_duration(61234ms) == "1 min 01 s");
  CHECK(text::human_duration(-5ms) == "0 ms");
  CHECK(text::seconds(0ms) == "0.000");
  CHECK(text::seconds(1534ms) == "1.534");
  CHECK(text::seconds(61234ms) == "61.234");
}

}  // namespace pgverify::reports
