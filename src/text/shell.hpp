#pragma once

#include <string>
#include <string_view>

namespace pgverify::text {

// A word a POSIX shell reads back as exactly `word`: kept as is when it holds
// only characters no shell treats specially, else in single quotes (each '
// written as '\''), so a hint's command works when pasted.
std::string shell_word(std::string_view word);

}  // namespace pgverify::text
