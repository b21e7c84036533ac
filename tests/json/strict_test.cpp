// What pgverify relies on when it reads and writes JSON through json/: each
// way the hand-written module it replaced went wrong is pinned here.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include "json/strict.hpp"

using namespace pgverify;
using nlohmann::ordered_json;

namespace {

std::string syntax_error(std::string_view text) {
  try {
    json::parse(text);
  } catch (const json::SyntaxError& error) {
    return error.what();
  }
  return "";
}

std::size_t error_offset(std::string_view text) {
  try {
    json::parse(text);
  } catch (const json::SyntaxError& error) {
    return error.offset();
  }
  return std::string::npos;
}

}  // namespace

TEST_CASE("json::parse reads strict JSON and keeps members in order", "[json]") {
  const ordered_json value = json::parse(R"( {"z": 1, "a": [true, null, -0, 2.5e1, "\u00e9\ud83d\ude00\/"], "m": {}} )");
  std::vector<std::string> keys;
  for (const auto& [key, member] : value.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"z", "a", "m"});
  CHECK(value.at("a")[3] == 25.0);
  CHECK(value.at("a")[4] == "é😀/");
  CHECK(value.at("m").is_object());
  // A UTF-8 byte order mark is allowed before the value (RFC 8259 lets a parser ignore it).
  CHECK(json::parse("\xEF\xBB\xBF[1]") == ordered_json::array({1}));
}

TEST_CASE("json::parse refuses what is not one strict JSON value, with the offset", "[json]") {
  for (const char* bad : {"", " ", "{", "{\"a\":", "{\"a\" 1}", "[1,]", "[1 2]", "tru", "\"open", "\"\\x\"",
                          "\"\\ud800\"", "\"\\udc00\"", "01", "[01]", "-01", "01x", "{} {}", "-", "1.", ".5", "+1",
                          "\"a\nb\"", "\"tab\there\"", "NaN", "Infinity", "[1e400]", "-1e400", "{\"a\":1,}", "'a'",
                          "// comment\n1", "\"\xff\"", "\"\xc3\"", "\"\xed\xa0\x80\"", "\"\xc0\xaf\""}) {
    INFO(bad);
    const std::string what = syntax_error(bad);
    CHECK_THAT(what, Catch::Contains(" at offset "));
    // One line, nlohmann's "[json.exception...]" prefix and its quote of the input left out.
    CHECK(what.find('\n') == std::string::npos);
    CHECK(what.find("json.exception") == std::string::npos);
    CHECK(what.find("last read") == std::string::npos);
  }
  CHECK(syntax_error("[1,]") ==
        "syntax error while parsing value - unexpected ']'; expected '[', '{', or a literal at offset 3");
  CHECK(error_offset("") == 0);
  CHECK(error_offset("{\"a\":") == 5);
  CHECK(error_offset("[1, 2, x]") == 7);
}

TEST_CASE("json::parse never lets another exception out, whatever the input", "[json]") {
  const std::string text = R"({"a": [1, -2, 3.5, "x\"y\u00e9", true, false, null], "b": {"c": {}}, "d": 18446744073709551615})";
  for (std::size_t cut = 0; cut < text.size(); ++cut) {
    INFO(cut);
    CHECK_THROWS_AS(json::parse(text.substr(0, cut)), json::SyntaxError);
    std::string flipped = text;
    flipped[cut] = static_cast<char>(static_cast<unsigned char>(flipped[cut]) ^ 0x80);
    try {
      json::parse(flipped);
    } catch (const json::SyntaxError&) {
    }
  }
  CHECK_NOTHROW(json::parse(text));
}

TEST_CASE("json::parse: a leading zero is not a number (the old reader took \"01\" as 1)", "[json]") {
  CHECK_THAT(syntax_error("01"), Catch::Contains("at offset 1"));
  CHECK_THAT(syntax_error("{\"rows\": 01}"), Catch::Contains("at offset"));
  CHECK(json::parse("0") == 0);
}

TEST_CASE("json::parse: integers keep all 64 bits, signed and unsigned", "[json]") {
  // The old reader turned 9223372036854775808 and above into a double.
  const ordered_json big = json::parse("[9223372036854775807, 9223372036854775808, 18446744073709551615, "
                                       "-9223372036854775808]");
  CHECK(big[0].is_number_unsigned());
  CHECK(big[0].get<std::uint64_t>() == 9223372036854775807ull);
  CHECK(big[1].is_number_unsigned());
  CHECK(big[1].get<std::uint64_t>() == 9223372036854775808ull);
  CHECK(big[2].get<std::uint64_t>() == std::numeric_limits<std::uint64_t>::max());
  CHECK(big[3].is_number_integer());
  CHECK(big[3].get<std::int64_t>() == std::numeric_limits<std::int64_t>::min());
  // Beyond 64 bits it is a double, which a reader expecting an integer refuses (is_number_integer is false).
  CHECK(json::parse("18446744073709551616").is_number_float());
  CHECK(json::parse("-9223372036854775809").is_number_float());
}

TEST_CASE("json::parse: a number too large for a double is an error, not null or infinity", "[json]") {
  // The old reader read 1e400 as infinity and wrote it back as null.
  CHECK(syntax_error("1e400") == "number overflow parsing '1e400' at offset 4");
  CHECK_THAT(syntax_error("{\"a\": [-1e400]}"), Catch::StartsWith("number overflow parsing '-1e400'"));
  CHECK(json::parse("1e-400") == 0.0);  // underflow is a number, zero
  const std::string long_number = "1" + std::string(100000, '0') + "e400";
  CHECK(syntax_error(long_number).size() < 300);  // the message quotes at most the start of the token
}

TEST_CASE("json::parse: text must be UTF-8 (the old reader took any bytes)", "[json]") {
  CHECK(syntax_error("[\"ok\", \"b\xfcro\"]") ==
        "syntax error while parsing value - invalid string: ill-formed UTF-8 byte at offset 9");
  CHECK_THAT(syntax_error("{\"b\xfc\": 1}"), Catch::Contains("ill-formed UTF-8 byte"));
  // An escaped lone surrogate would decode to ill-formed UTF-8: refused too.
  CHECK_THAT(syntax_error(R"(["\udfff"])"), Catch::Contains("surrogate"));
}

TEST_CASE("json::parse: a member named twice is an error, not a silent choice of one", "[json]") {
  CHECK(syntax_error(R"({"a": 1, "a": 2})") == "duplicate key \"a\" in a JSON object at offset 11");
  CHECK(error_offset("{\"x\": {\"a\": 1,\n \"a\": 2}}") == 18);
  // The same name in different objects is fine.
  CHECK_NOTHROW(json::parse(R"({"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]})"));
  // Shown as text from a file is: quoted, control characters spelled out.
  CHECK_THAT(syntax_error("{\"a\\nb\": 1, \"a\\nb\": 2}"), Catch::Contains("duplicate key \"a\\x0ab\""));
}

TEST_CASE("json::parse: a large object takes linear time", "[json]") {
  // ordered_json looks members up one by one; a parse that did so for each
  // new key would take minutes on this.
  std::string text = "{";
  for (int i = 0; i < 200000; ++i) text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
  text += "}";
  const ordered_json value = json::parse(text);
  CHECK(value.size() == 200000);
  CHECK(value.at("k199999") == 199999);
}

TEST_CASE("json::parse: hostile nesting is an error, never a stack overflow", "[json]") {
  const std::string limit(json::max_depth, '[');
  CHECK_NOTHROW(json::parse(limit + std::string(json::max_depth, ']')));
  CHECK(syntax_error(limit + "[" + std::string(json::max_depth + 1, ']')) ==
        "JSON nested too deeply (more than 128 levels) at offset 128");
  CHECK_THAT(syntax_error(std::string(100000, '[')), Catch::Contains("nested too deeply"));
  CHECK_THAT(syntax_error(std::string(100000, '[') + std::string(100000, ']')), Catch::Contains("nested too deeply"));
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  CHECK_THAT(syntax_error(objects), Catch::Contains("nested too deeply"));
}

TEST_CASE("a deeply nested value is destroyed without recursion", "[json]") {
  // nlohmann-json frees nested arrays and objects iteratively (3.10 on):
  // a value deeper than the stack could recurse must still go away quietly.
  ordered_json deep = ordered_json::array();
  for (int i = 0; i < 200000; ++i) deep = ordered_json::array({std::move(deep)});
  ordered_json objects = ordered_json::object();
  for (int i = 0; i < 200000; ++i) objects = ordered_json{{"a", std::move(objects)}};
  deep = nullptr;
  objects = nullptr;
  SUCCEED();
}

TEST_CASE("json::write indents by two, keeps UTF-8 and escapes only what JSON must", "[json]") {
  ordered_json value;
  value["text"] = "tab\there \"quoted\" back\\slash\nnewline \x01 \x1f \x7f ünïcödé 🚀 </script>";
  value["empty_list"] = ordered_json::array();
  value["empty_object"] = ordered_json::object();
  value["list"] = {1, -2, "three"};
  CHECK(json::write(value) ==
        "{\n"
        "  \"text\": \"tab\\there \\\"quoted\\\" back\\\\slash\\nnewline \\u0001 \\u001f \x7f ünïcödé 🚀 </script>\",\n"
        "  \"empty_list\": [],\n"
        "  \"empty_object\": {},\n"
        "  \"list\": [\n"
        "    1,\n"
        "    -2,\n"
        "    \"three\"\n"
        "  ]\n"
        "}");
  CHECK(json::parse(json::write(value)) == value);
}

TEST_CASE("json::write: 64-bit integers as they are (the old writer wrote UINT64_MAX as -1)", "[json]") {
  ordered_json value = ordered_json::array();
  value.push_back(std::numeric_limits<std::uint64_t>::max());
  value.push_back(std::numeric_limits<std::int64_t>::min());
  value.push_back(std::uint64_t{9223372036854775808ull});
  CHECK(json::write(value) == "[\n  18446744073709551615,\n  -9223372036854775808,\n  9223372036854775808\n]");
  CHECK(json::parse(json::write(value)) == value);
}

TEST_CASE("json::write: an ill-formed byte becomes U+FFFD instead of an exception", "[json]") {
  // nlohmann-json throws type_error 316 by default.
  const ordered_json value = std::string("bad \xff byte, cut \xc3");
  std::string written;
  REQUIRE_NOTHROW(written = json::write(value));
  CHECK(written == "\"bad \xEF\xBF\xBD byte, cut \xEF\xBF\xBD\"");
  CHECK_NOTHROW(json::parse(written));
}

TEST_CASE("json values are values: a copy shares nothing (the old ones shared arrays)", "[json]") {
  ordered_json a;
  a["list"] = {1};
  ordered_json b = a;
  b["list"].push_back(2);
  b["new"] = true;
  CHECK(a.at("list").size() == 1);
  CHECK_FALSE(a.contains("new"));
}
