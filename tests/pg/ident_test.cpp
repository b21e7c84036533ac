#include <catch2/catch.hpp>

#include "pg/ident.hpp"

using namespace pgverify;

TEST_CASE("identifiers are spelled alike whatever a server's keyword list", "[pg][ident]") {
  CHECK(pg::canonical_ident("json_table") == "json_table");
  CHECK(pg::canonical_ident("Mixed Case") == "\"Mixed Case\"");
  CHECK(pg::canonical_ident("a\"b") == "\"a\"\"b\"");
  CHECK(pg::canonical_ident("9lives") == "\"9lives\"");
  CHECK(pg::canonical_ident("") == "\"\"");
  CHECK(pg::quote_always("select") == "\"select\"");
  CHECK(pg::unquote_ident("\"a\"\"b\"") == "a\"b");
  CHECK(pg::unquote_ident("plain") == "plain");

  // What 18 prints for a 15 source's names, and --quote-all-identifiers.
  CHECK(pg::canonical_text("public.\"json_table\"") == "public.json_table");
  CHECK(pg::canonical_text("\"public\".\"t\"") == "public.t");
  CHECK(pg::canonical_text("CREATE INDEX events_json_value_idx ON public.events USING btree (\"json_value\")") ==
        "CREATE INDEX events_json_value_idx ON public.events USING btree (json_value)");
  // Names that need their quotes keep them; string literals are left alone.
  CHECK(pg::canonical_text("public.\"Mixed Case\".\"x\"\"y\"") == "public.\"Mixed Case\".\"x\"\"y\"");
  CHECK(pg::canonical_text("DEFAULT '\"keep\"'::text, E'it\\'s \"here\"'") == "DEFAULT '\"keep\"'::text, E'it\\'s \"here\"'");
  CHECK(pg::canonical_text("CHECK ((\"a\" <> 'x''\"y\"'))") == "CHECK ((a <> 'x''\"y\"'))");
  CHECK(pg::canonical_text("unterminated \"abc") == "unterminated \"abc");
}
