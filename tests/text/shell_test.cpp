#include <catch2/catch.hpp>

#include "exec/process.hpp"
#include "text/shell.hpp"

using namespace pgverify;

TEST_CASE("shell_word keeps plain words, single-quotes the rest and $'...' what a terminal would act on", "[text]") {
  CHECK(text::shell_word("public.t") == "public.t");
  CHECK(text::shell_word("public.\"Odd Name\"") == "'public.\"Odd Name\"'");
  CHECK(text::shell_word("it's") == "'it'\\''s'");
  CHECK(text::shell_word("") == "''");
  CHECK(text::shell_word("a\nb") == "$'a\\x0ab'");
  CHECK(text::shell_word("esc\x1b[31m'\\") == "$'esc\\x1b[31m\\'\\\\'");
  CHECK(text::shell_word("c1\xc2\x85") == "$'c1\\xc2\\x85'");
  CHECK(text::shell_word("bad\xff caf\xc3\xa9") == "$'bad\\xff caf\xc3\xa9'");
  // bash reads each back as the very bytes.
  for (const std::string word : {"a\nb\tc", "esc\x1b[31m'\\\"$x", "c1\xc2\x85\x7f", "bad\xff", "it's $HOME"}) {
    const auto run = exec::run_process({"bash", "-c", "printf %s " + text::shell_word(word)});
    CHECK(run.out == word);
  }
}
