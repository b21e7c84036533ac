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

TEST_CASE("split_shell_words splits as a POSIX shell does, without expanding anything", "[text]") {
  using V = std::vector<std::string>;
  CHECK(text::split_shell_words("") == V{});
  CHECK(text::split_shell_words("  \t ") == V{});
  CHECK(text::split_shell_words("runuser -u postgres --") == V{"runuser", "-u", "postgres", "--"});
  CHECK(text::split_shell_words("  a   b\tc  ") == V{"a", "b", "c"});
  CHECK(text::split_shell_words("chroot '/var/cache/my root' x") == V{"chroot", "/var/cache/my root", "x"});
  CHECK(text::split_shell_words("'it'\\''s'") == V{"it's"});
  CHECK(text::split_shell_words("\"a \\\"b\\\" \\$HOME \\x\"") == V{"a \"b\" $HOME \\x"});
  CHECK(text::split_shell_words("a\\ b c") == V{"a b", "c"});
  CHECK(text::split_shell_words("$HOME `id` *") == V{"$HOME", "`id`", "*"});
  CHECK(text::split_shell_words("''") == V{""});
  CHECK(text::split_shell_words("a''b \"\"c") == V{"ab", "c"});
  CHECK_THROWS_AS(text::split_shell_words("sudo 'unterminated"), std::invalid_argument);
  CHECK_THROWS_AS(text::split_shell_words("sudo \"unterminated"), std::invalid_argument);
  CHECK_THROWS_AS(text::split_shell_words("trailing\\"), std::invalid_argument);
}

TEST_CASE("split_shell_words reads back what shell_word writes", "[text]") {
  for (const std::string word : {"plain", "with space", "it's", "a\"b", "$x", "back\\slash", "", "-u"}) {
    const auto words = text::split_shell_words(text::shell_word(word) + " " + text::shell_word(word));
    REQUIRE(words.size() == 2);
    CHECK(words[0] == word);
    CHECK(words[1] == word);
  }
}
