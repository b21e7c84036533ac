// What libpq parses in a connection string but refuses when it connects:
// PQconninfoParse takes port=notaport, sslmode=requir or three ports for two
// hosts, and only PQconnectdb says no, as a connection failure. Checked here,
// without connecting, so that a connection string that can never be used is a
// configuration error with its key named. Depends on libpq only.
#pragma once

#include <optional>
#include <string>

#include <libpq-fe.h>

namespace pgverify::pg {

// The first value of `options` (PQconninfoParse's result) libpq would refuse,
// as one line in libpq's words and what it accepts; nullopt when there is none.
// Not masked: the caller masks it against the connection string.
std::optional<std::string> unusable_option(const PQconninfoOption* options);

}  // namespace pgverify::pg
