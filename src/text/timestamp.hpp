// text/timestamp: how pgverify writes a moment (reports, the baseline).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pgverify {

// Now, as ISO 8601 UTC with seconds ("2026-11-24T18:31:22Z").
std::string utc_timestamp();
// The same with milliseconds ("2026-11-24T18:31:22.045Z"): journal lines.
std::string utc_timestamp_milliseconds();
// Milliseconds since the epoch of either form above; nullopt for anything else.
std::optional<std::int64_t> parse_utc_timestamp(std::string_view text);

}  // namespace pgverify
