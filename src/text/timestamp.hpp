// text/timestamp: how pgverify writes a moment (reports, the baseline).
#pragma once

#include <string>

namespace pgverify {

// Now, as ISO 8601 UTC with seconds ("2026-11-24T18:31:22Z").
std::string utc_timestamp();
// The same with milliseconds ("2026-11-24T18:31:22.045Z"): journal lines.
std::string utc_timestamp_milliseconds();

}  // namespace pgverify
