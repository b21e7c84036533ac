#pragma once

// PostgreSQL version arithmetic: pure functions with no dependencies, shared by
// pg/ and dump/ (which reads versions recorded in archives).

#include <optional>
#include <string>
#include <string_view>

namespace pgverify::pg {

// The major of "17.12", "18beta1", "17.12 (Debian 17.12-0+deb13u1)" or "9.6.24".
// Before PostgreSQL 10 a major had two parts: 9.6 comes back as 906, keeping it
// apart from 10 and later. nullopt when the text does not start like a version.
std::optional<int> parse_major(std::string_view version);

// "17.12" style text for a server_version_num (170012).
std::string format_server_version(int version_num);
// The major of a server_version_num, as parse_major counts them.
int major_of(int version_num);

}  // namespace pgverify::pg
