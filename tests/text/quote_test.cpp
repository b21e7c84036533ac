#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "text/quote.hpp"

namespace pgverify::text {

TEST_CASE("printable spells out every control character and every byte that is not UTF-8", "[text]") {
  for (int c = 0; c < 0x20; ++c) {
    char expected[8];
    std::snprintf(expected, sizeof expected, "\\x%02x", c);
    CHECK(printable(std::string(1, static_cast<char>(c))) == expected);
  }
  CHECK(printable("a\nb\rc\td") == "a\\x0ab\\x0dc\\x09d");
  CHECK(printable("\x1b[2J\x07") == "\\x1b[2J\\x07");
  CHECK(printable("\x7f") == "\\x7f");
  // C1 controls, U+0080 to U+009F, as code points: never to be taken for the bytes.
  CHECK(printable("\xc2\x80") == "\\u0080");
  CHECK(printable("\xc2\x85") == "\\u0085");
  CHECK(printable("\xc2\x9b" "31m") == "\\u009b31m");
  CHECK(printable("\xc2\x9f") == "\\u009f");
  // Ill-formed UTF-8: a stray continuation byte, an overlong '/', a cut sequence, 0xff.
  CHECK(printable("\x85") == "\\x85");
  CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");
  CHECK(printable("x\xe2\x82") == "x\\xe2\\x82");
  CHECK(printable("bad \xff byte") == "bad \\xff byte");
  CHECK(printable(std::string("a\0b", 3)) == "a\\x00b");
}

TEST_CASE("printable keeps text that is safe as it is", "[text]") {
  CHECK(printable("public.\"weird|table\"") == "public.\"weird|table\"");
  CHECK(printable("café 表 🚀 ✓") == "café 表 🚀 ✓");
  CHECK(printable("\xc2\xa0nbsp") == "\xc2\xa0nbsp");  // U+00A0 is no control
  CHECK(printable("\xef\xbf\xbd") == "\xef\xbf\xbd");  // U+FFFD written out is kept
  CHECK(printable("back\\slash") == "back\\slash");
  CHECK(printable("") == "");
}

TEST_CASE("quote_bytes quotes and cuts as printable shows", "[text]") {
  CHECK(quote_bytes("PGDMQ\x01\x10", 60, '"') == "\"PGDMQ\\x01\\x10\"");
  CHECK(quote_bytes("say \"hi\" \\ there", 60, '"') == "\"say \\\"hi\\\" \\\\ there\"");
  CHECK(quote_bytes("it's", 60, '\'') == "'it\\'s'");
  CHECK(quote_bytes("tábla\n", 60, '"') == "\"tábla\\x0a\"");
  CHECK(quote_bytes("\xc2\x85\xff", 60, '"') == "\"\\u0085\\xff\"");
  CHECK(quote_bytes(std::string(100, 'a'), 10, '"') == "\"" + std::string(10, 'a') + "...\"");
  // Cut between characters, never inside one.
  CHECK(quote_bytes("aé表🚀🚀🚀", 4, '"') == "\"aé表...\"");
}

}  // namespace pgverify::text
