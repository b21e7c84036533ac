// What of a connection string may be shown: libpq quotes the part it could
// not parse back in its error ("invalid percent-encoded token: "Pw0rd%zz"",
// "missing "=" after "LEAKY""), and that part may be a password, or the rest
// of one with a space in it. Every message that quotes a connection string
// or libpq's complaint about one passes through mask_dsn_secrets. Depends on
// nothing else in pgverify but text/masking.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgverify::pg {

inline constexpr std::string_view kMasked = "****";

// The text of a connection string that may be secret, found without libpq
// (whose parser refused it): a URI's password (as written and
// percent-decoded) and the value after each password= keyword, to the next
// "keyword=" or the end (quoted or not, a space may be part of it).
std::vector<std::string> dsn_secret_parts(std::string_view dsn);

// `message` with every secret part of `dsn` replaced by ****, and every
// double-quoted fragment libpq echoed that overlaps one (or holds the whole
// connection string) masked whole.
std::string mask_dsn_secrets(std::string_view message, std::string_view dsn);

// Why a connection string cannot be used, masked, on one line: libpq's
// complaint when it does not parse, else the first value libpq parses but
// refuses when connecting (a port that is not 1..65535, three ports for two
// hosts, sslmode=requir: see dsn_options.hpp). nullopt when it can be used.
std::optional<std::string> dsn_parse_error(const std::string& dsn);

}  // namespace pgverify::pg
