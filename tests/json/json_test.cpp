#include <catch2/catch.hpp>

#include "json/json.hpp"

using namespace pgverify;

TEST_CASE("json round-trips values, escapes and unicode", "[json]") {
  json::Value root;
  root.set("text", "tab\there \"quoted\" back\\slash\nnewline \x01 ünïcödé");
  root.set("int", std::int64_t{-42});
  root.set("big", std::int64_t{9007199254740993});
  root.set("real", 1.5);
  root.set("yes", true);
  root.set("none", nullptr);
  root.set("list", json::Array{1, "two", json::Array{}});
  root.set("empty", json::Object{});
  for (int indent : {-1, 2}) {
    json::Value back = json::parse(json::dump(root, indent));
    CHECK(back.find("text")->as_string() == root.find("text")->as_string());
    CHECK(back.find("int")->as_int() == -42);
    CHECK(back.find("big")->as_int() == 9007199254740993);
    CHECK(back.find("real")->as_double() == 1.5);
    CHECK(back.find("yes")->as_bool());
    CHECK(back.find("none")->is_null());
    CHECK(back.find("list")->as_array().size() == 3);
    CHECK(back.find("empty")->as_object().empty());
  }
  CHECK(json::dump(json::Value(json::Object{{"a", 1}}), -1) == R"({"a":1})");
}

TEST_CASE("json parses escapes and surrogate pairs", "[json]") {
  CHECK(json::parse(R"("\u00e9\ud83d\ude00\/")").as_string() == "é😀/");
  CHECK(json::parse(" [1, 2.5e1, -0, true] ").as_array()[1].as_double() == 25.0);
}

TEST_CASE("json rejects malformed and truncated input with an offset", "[json]") {
  for (const char* bad : {"", "{", "{\"a\":", "{\"a\" 1}", "[1,]", "[1 2]", "tru", "\"open",
                          "\"\\x\"", "\"\\ud800\"", "01x", "{} {}", "-", "1.", "\"a\nb\""}) {
    INFO(bad);
    CHECK_THROWS_AS(json::parse(bad), json::ParseError);
  }
  std::string deep(1000, '[');
  CHECK_THROWS_WITH(json::parse(deep), Catch::Contains("nested too deeply"));
}

TEST_CASE("json accessors say what type they expected", "[json]") {
  json::Value v = json::parse(R"({"a":"x"})");
  CHECK_THROWS_WITH(v.find("a")->as_int(), "expected a JSON integer");
  CHECK(v.find("missing") == nullptr);
}
