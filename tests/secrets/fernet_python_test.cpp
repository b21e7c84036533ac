// Python's cryptography (Debian python3-cryptography) as an independent Fernet
// peer: tokens it makes must decrypt here with the right secret and derivation,
// fail for the right reason otherwise, and tokens made here must decrypt there.
// tests/secrets/fernet_peer.py does the Python side.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "exec/process.hpp"
#include "secrets/fernet.hpp"
#include "secrets/key_derivation.hpp"
#include "support/servers.hpp"

using namespace pgverify;
using secrets::FernetError;
using secrets::KeyDerivation;

namespace {

constexpr const char* python = "/usr/bin/python3";  // Debian's, where python3-cryptography lives
const std::string peer_script = PGVERIFY_SOURCE_DIR "/tests/secrets/fernet_peer.py";

const std::string raw_key = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";    // bytes 32..63
const std::string other_key = "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM=";  // bytes 100..131
const std::string passphrase = "correct horse battery staple";

struct PeerToken {
  std::string plaintext;  // what Python encrypted (empty for the odd tokens)
  std::string token;
};

struct Peer {
  std::map<std::string, PeerToken> tokens;
  std::map<std::string, std::string> python_says;  // name -> "accepts" | "rejects"
};

std::string unhex(const std::string& hex) {
  if (hex == "-") return "";
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  REQUIRE(out.good());
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

void write_secrets(const testing::TempDir& dir) {
  write_file(dir.path() / "secrets.txt",
             "raw_key " + raw_key + "\npassphrase " + passphrase + "\nother_key " + other_key + "\n");
}

void run_peer(const std::string& command, const testing::TempDir& dir) {
  const auto probe = exec::run_process({python, "-c", "import cryptography.fernet"});
  INFO("the fernet peer needs Debian's python3-cryptography (apt-get install -y python3-cryptography)\n"
       << probe.err);
  REQUIRE(probe.exit_code == 0);
  const auto result = exec::run_process({python, peer_script, command, dir.path().string()});
  INFO("fernet_peer.py " << command << " failed:\n" << result.err);
  REQUIRE(result.exit_code == 0);
}

// Python starts once per test binary run, not once per test case.
const Peer& peer() {
  static const Peer generated = [] {
    testing::TempDir dir("fernet-peer");
    write_secrets(dir);
    run_peer("generate", dir);
    Peer p;
    for (const auto& line : read_lines(dir.path() / "tokens.txt")) {
      std::istringstream fields(line);
      std::string first, second, third;
      fields >> first >> second >> third;
      if (first == "python") p.python_says[second] = third;
      else p.tokens[first] = {unhex(second), third};
    }
    return p;
  }();
  return generated;
}

const PeerToken& token(const std::string& name) {
  const auto& tokens = peer().tokens;
  const auto it = tokens.find(name);
  INFO("no token " << name << " from fernet_peer.py");
  REQUIRE(it != tokens.end());
  return it->second;
}

const std::vector<std::string>& secrets_and_plaintexts() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> v{raw_key, other_key, passphrase};
    for (const auto& [name, t] : peer().tokens)
      if (t.plaintext.size() >= 4) v.push_back(t.plaintext);
    return v;
  }();
  return all;
}

// Every word about a failure leaves out every secret and every plaintext.
void check_tells_nothing(FernetError error) {
  for (const std::string& text : {std::string(secrets::to_string(error)), std::string(secrets::describe(error))})
    for (const auto& hidden : secrets_and_plaintexts()) CHECK(text.find(hidden) == std::string::npos);
}

}  // namespace

TEST_CASE("python-made tokens decrypt with a raw key and with a sha256-derived secret", "[fernet][secrets]") {
  const secrets::FernetKeyring raw_ring(std::vector<std::string>{raw_key}, KeyDerivation::auto_);
  const secrets::FernetKeyring phrase_ring(std::vector<std::string>{passphrase}, KeyDerivation::auto_);
  const auto direct_raw = *secrets::raw_key(raw_key);
  const auto direct_sha = secrets::sha256_key(passphrase);
  for (int i = 0; i < 6; ++i) {
    const auto& raw = token("raw_" + std::to_string(i));
    const auto& sha = token("sha_" + std::to_string(i));
    INFO("plaintext " << i);

    auto a = raw_ring.decrypt(raw.token);
    REQUIRE(a.ok());
    CHECK(*a.plaintext == raw.plaintext);
    CHECK(a.derivation == KeyDerivation::raw);
    CHECK(secrets::decrypt(direct_raw, raw.token).plaintext == raw.plaintext);

    auto b = phrase_ring.decrypt(sha.token);
    REQUIRE(b.ok());
    CHECK(*b.plaintext == sha.plaintext);
    CHECK(b.derivation == KeyDerivation::sha256);
    CHECK(secrets::decrypt(direct_sha, sha.token).plaintext == sha.plaintext);

    // Each derivation alone reads only its own tokens.
    CHECK(secrets::FernetKeyring(std::vector<std::string>{raw_key}, KeyDerivation::sha256).decrypt(raw.token).error ==
          FernetError::bad_hmac);
    CHECK(raw_ring.decrypt(sha.token).error == FernetError::bad_hmac);
  }
  CHECK(token("raw_4").plaintext.size() == 1000);
}

TEST_CASE("python-made tokens fail bad_hmac with a wrong secret or another key", "[fernet][secrets]") {
  const secrets::FernetKeyring wrong(std::vector<std::string>{"correct horse battery stapler"}, KeyDerivation::auto_);
  for (const char* name : {"raw_1", "sha_1", "other"}) {
    INFO(name);
    auto result = wrong.decrypt(token(name).token);
    CHECK(result.error == FernetError::bad_hmac);
    CHECK_FALSE(result.secret_index);
    check_tells_nothing(result.error);
  }
  const secrets::FernetKeyring ours(std::vector<std::string>{raw_key, passphrase}, KeyDerivation::auto_);
  CHECK(ours.decrypt(token("other").token).error == FernetError::bad_hmac);
  CHECK(secrets::decrypt(*secrets::raw_key(other_key), token("other").token).plaintext ==
        token("other").plaintext);
}

TEST_CASE("altered, badly padded, truncated and malformed python tokens fail for their own reason",
          "[fernet][secrets]") {
  struct Case {
    const char* name;
    std::optional<FernetError> expected;  // nothing: decrypts
    const char* python;                   // what cryptography 38 makes of it
  };
  const std::vector<Case> cases = {
      {"tampered_ciphertext", FernetError::bad_hmac, "rejects"},
      {"tampered_timestamp", FernetError::bad_hmac, nullptr},
      {"tampered_hmac", FernetError::bad_hmac, nullptr},
      {"bad_version", FernetError::bad_version, "rejects"},
      // Correct HMAC around a last block that is not PKCS7: bad padding, not bad HMAC.
      {"pad_zero", FernetError::bad_padding, "rejects"},
      {"pad_too_big", FernetError::bad_padding, "rejects"},
      {"pad_inconsistent", FernetError::bad_padding, "rejects"},
      {"pad_good_control", std::nullopt, "accepts"},
      {"truncated_bytes", FernetError::too_short, "rejects"},
      {"truncated_text", FernetError::invalid_base64, "rejects"},
      {"truncated_block", FernetError::bad_hmac, "rejects"},
      // Missing '=' padding: refused here as cryptography refuses it.
      {"unpadded", FernetError::invalid_base64, "rejects"},
      // cryptography drops characters outside the alphabet and so decrypts this;
      // the Fernet spec (invalid.json) and pgverify refuse it.
      {"invalid_chars", FernetError::invalid_base64, "accepts"},
      {"standard_alphabet", FernetError::invalid_base64, "rejects"},
  };
  const secrets::FernetKeyring keyring(std::vector<std::string>{raw_key}, KeyDerivation::auto_);
  for (const auto& c : cases) {
    INFO(c.name);
    const auto& t = token(c.name);
    auto result = keyring.decrypt(t.token);
    if (c.expected) {
      CHECK_FALSE(result.ok());
      CHECK(secrets::to_string(result.error) == secrets::to_string(*c.expected));
      check_tells_nothing(result.error);
      if (*c.expected == FernetError::bad_padding) CHECK(result.derivation == KeyDerivation::raw);
    } else {
      REQUIRE(result.ok());
      CHECK(*result.plaintext == t.plaintext);
    }
    if (c.python) CHECK(peer().python_says.at(c.name) == c.python);
  }
}

TEST_CASE("python-made tokens: TTL edges agree with cryptography's decrypt_at_time", "[fernet][secrets]") {
  const auto key = *secrets::raw_key(raw_key);
  const auto& t = token("ttl_token");
  const std::int64_t made = 1'000'000'000;
  CHECK(secrets::decrypt(key, t.token, secrets::TokenAge{made + 61, 60}).error == FernetError::expired);
  CHECK(peer().python_says.at("ttl_expired") == "rejects");
  CHECK(secrets::decrypt(key, t.token, secrets::TokenAge{made + 60, 60}).plaintext == std::string("old"));
  CHECK(peer().python_says.at("ttl_edge") == "accepts");
  CHECK(secrets::decrypt(key, t.token, secrets::TokenAge{made - 61, 60}).error == FernetError::from_future);
  CHECK(peer().python_says.at("ttl_future") == "rejects");
  CHECK(secrets::decrypt(key, t.token, secrets::TokenAge{made - 60, 60}).ok());
  CHECK(peer().python_says.at("ttl_future_edge") == "accepts");
  CHECK(secrets::decrypt(key, t.token).ok());
}

TEST_CASE("a mix of ten python tokens under rotated secrets gives the right counts", "[fernet][secrets]") {
  // mix_0..3: sha256(passphrase); mix_4..6: raw_key itself; mix_7: sha256(raw_key);
  // mix_8: another key; mix_9: altered.
  const secrets::FernetKeyring keyring(std::vector<std::string>{passphrase, raw_key}, KeyDerivation::auto_);
  std::map<std::string, int> counts;
  int ok = 0;
  for (int i = 0; i < 10; ++i) {
    auto result = keyring.decrypt(token("mix_" + std::to_string(i)).token);
    if (result.ok()) {
      ++ok;
      counts[std::to_string(*result.secret_index) + ":" + std::string(secrets::to_string(*result.derivation))]++;
    } else {
      counts[std::string(secrets::to_string(result.error))]++;
      check_tells_nothing(result.error);
    }
  }
  CHECK(ok == 8);
  CHECK(counts == std::map<std::string, int>{{"0:sha256", 4}, {"1:raw", 3}, {"1:sha256", 1}, {"bad_hmac", 2}});

  // Only the passphrase, hashed: the four made with it.
  const secrets::FernetKeyring phrase_only(std::vector<std::string>{passphrase}, KeyDerivation::sha256);
  int phrase_ok = 0;
  for (int i = 0; i < 10; ++i) phrase_ok += phrase_only.decrypt(token("mix_" + std::to_string(i)).token).ok();
  CHECK(phrase_ok == 4);
}

TEST_CASE("tokens pgverify makes decrypt in python's cryptography", "[fernet][secrets]") {
  testing::TempDir dir("fernet-ours");
  write_secrets(dir);
  const auto raw = *secrets::raw_key(raw_key);
  const auto sha = secrets::sha256_key(passphrase);
  std::string lines;
  std::string plaintext;
  for (int n = 0; n < 40; ++n) {
    secrets::FernetIv iv{};
    iv[0] = static_cast<unsigned char>(n);
    iv[15] = static_cast<unsigned char>(255 - n);
    const std::uint64_t timestamp = 1700000000 + static_cast<std::uint64_t>(n);
    std::string hex;
    for (unsigned char c : plaintext) {
      static constexpr char digits[] = "0123456789abcdef";
      hex += digits[c >> 4];
      hex += digits[c & 15];
    }
    if (hex.empty()) hex = "-";
    const bool use_raw = n % 2 == 0;
    lines += "ours_" + std::to_string(n) + (use_raw ? " raw " : " sha256 ") + hex + " " + std::to_string(timestamp) +
             " " + secrets::encrypt(use_raw ? raw : sha, plaintext, iv, timestamp) + "\n";
    plaintext += static_cast<char>(n * 13 + 200);
  }
  write_file(dir.path() / "ours.txt", lines);
  run_peer("decrypt", dir);
  const auto verdicts = read_lines(dir.path() / "verdicts.txt");
  CHECK(verdicts.size() == 40);
  for (const auto& verdict : verdicts) CHECK(verdict.substr(verdict.find(' ') + 1) == "ok");
}
