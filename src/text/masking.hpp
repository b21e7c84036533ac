// text/masking: hiding the secret parts of a connection string or URL in a
// message that may quote them (pg/dsn_mask, http/url). Depends on nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgverify::text {

// %XX sequences decoded; a '%' not followed by two hex digits is kept as is.
std::string percent_decoded(std::string_view text);

// `text` with every occurrence of each part of at least `min_size` bytes
// replaced by `mask`, longest part first (so a part inside a longer one does
// not leave the rest of the longer one showing).
std::string mask_parts(std::string text, std::vector<std::string> parts, std::string_view mask,
                       std::size_t min_size);

// `text` (a shell command a user configured) with the value of every
// NAME=VALUE whose NAME says it is secret (it contains PASSWORD, PASSWD,
// SECRET or TOKEN, in any case: PGPASSWORD=..., password=..., API_TOKEN=...)
// replaced by `mask`; a value in quotes up to its closing quote, else up to
// the next space, quote or ';'.
std::string mask_secret_assignments(std::string_view text, std::string_view mask = "***");

}  // namespace pgverify::text
