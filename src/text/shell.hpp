#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgverify::text {

// A word a POSIX shell reads back as exactly `word`: kept as is when it holds
// only characters no shell treats specially, else in single quotes (each '
// written as '\''), so a hint's command works when pasted. A word holding a
// control character or bytes that are not UTF-8 is written $'...' with those
// bytes as \xNN (bash, zsh, ksh), so the command is one printable line.
std::string shell_word(std::string_view word);

// A command line split into words as a POSIX shell splits it, without running
// one: blanks separate words; '...' keeps everything; "..." keeps everything
// but \ before $ ` " \ and newline; a backslash outside quotes keeps the next
// character. No expansion of any kind. std::invalid_argument, with a
// one-line reason, for an unterminated quote or a trailing backslash.
std::vector<std::string> split_shell_words(std::string_view line);

}  // namespace pgverify::text
