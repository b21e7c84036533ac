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

}  // namespace pgverify::text
