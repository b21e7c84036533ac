// A fingerprint of a secret for the manifest and reports, so that pre and post
// can tell "the same JWT_SECRET_KEY" without ever writing the secret down.
//
// Why slow and salted: a manifest is shared, attached to CI runs and read by
// people who must not learn the secret, and application secrets are often
// low-entropy phrases. A plain SHA-256 (or an HMAC keyed by a constant anyone can
// read in this source) is a test of billions of guesses a second on one GPU;
// PBKDF2-HMAC-SHA256 with 100000 iterations makes every guess 100000 times
// dearer, and a random salt per fingerprint defeats precomputed tables and keeps
// two tenants with the same secret from showing the same fingerprint.
//
// Format: "pbkdf2-sha256$<iterations>$<salt>$<hash>", salt and hash in padded
// url-safe base64 (16 and 32 bytes).
#pragma once

#include <string>
#include <string_view>

namespace pgverify::secrets {

inline constexpr int fingerprint_iterations = 100000;

// With a fresh random 16-byte salt (OpenSSL's RAND_bytes).
std::string fingerprint(std::string_view secret);

// With the given salt bytes (8 to 64 of them; std::invalid_argument otherwise),
// for recomputing and for tests.
std::string fingerprint(std::string_view secret, std::string_view salt,
                        int iterations = fingerprint_iterations);

// Whether secret has the stored fingerprint (compared in constant time). When the
// stored text cannot be read, matches is false and problem says why (one
// lowercase line that never quotes the stored text); problem is empty otherwise.
struct FingerprintMatch {
  bool matches = false;
  std::string problem;
};
FingerprintMatch check_fingerprint(std::string_view secret, std::string_view stored);

bool fingerprint_matches(std::string_view secret, std::string_view stored);

}  // namespace pgverify::secrets
