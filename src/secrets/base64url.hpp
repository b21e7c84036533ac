// Url-safe base64 (RFC 4648 section 5), the encoding of Fernet keys and tokens.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pgverify::secrets {

// Always padded with '=' to a multiple of 4, as Python's base64.urlsafe_b64encode
// (and so every key and token Python's cryptography makes).
std::string base64url_encode(std::string_view bytes);

// Strict decoding: only A-Z a-z 0-9 '-' '_', the length a multiple of 4 and at
// most two '=' at the very end. Compared with base64.urlsafe_b64decode, which
// Python's cryptography uses for keys and tokens:
// - the same: missing padding is rejected ("Incorrect padding"); non-zero
//   unused bits in the last character are ignored;
// - stricter, as the Fernet spec's invalid.json asks: Python silently drops
//   characters outside the alphabet (spaces, newlines, '*', '!'...), also accepts
//   '+' and '/', extra '=' and anything after the padding. So whatever this
//   accepts Python accepts with the same bytes, but not the other way round.
// Returns nothing for malformed input (which may be secret: it is never echoed).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace pgverify::secrets
