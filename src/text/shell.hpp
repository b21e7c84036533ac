#pragma once

#include <string>
#include <string_view>

namespace pgverify::text {

// A word a POSIX shell reads back as exactly `word`: kept as is when it holds
// only characters no shell treats specially, else in single quotes (each '
// written as '\''), so a hint's command works when pasted. A word holding a
// control character or bytes that are not UTF-8 is written $'...' with those
// bytes as \xNN (bash, zsh, ksh), so the command is one printable line.
std::string shell_word(std::string_view word);

}  // namespace pgverify::text
