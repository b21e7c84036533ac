#include "checks/checks.hpp"

#include <ctime>
#include <map>
#include <stdexcept>

#include "checks/common.hpp"
#include "secrets/fernet.hpp"
#include "secrets/fingerprint.hpp"
#include "secrets/key_derivation.hpp"
#include "secrets/secret_source.hpp"

namespace pgverify::checks {

namespace {

constexpr const char* kRunbookHint =
    "Fix the secret to match the original cluster (JWT_SECRET_KEY of the old deployment): credentials "
    "encrypted with another key cannot be recovered by the application.";

// What to do about tokens that failed this way. Only a token some key did not
// verify says the secret is wrong; one that is no Fernet token at all says
// the query reads the wrong thing, and one the key verified says the key is right.
std::string hint_for(secrets::FernetError error, const std::string& tenant) {
  if (secrets::is_malformed(error))
    return "These values are not Fernet tokens, so no secret would decrypt them: check that tenants." + tenant +
           ".fernet.query selects the column holding the encrypted credentials (its first column is read).";
  switch (error) {
    case secrets::FernetError::expired:
    case secrets::FernetError::from_future:
      return "The secret is right; the tokens' age is not what tenants." + tenant +
             ".fernet.ttl allows: raise or remove ttl as the application has it, or check this machine's clock.";
    case secrets::FernetError::bad_padding:
      return "The secret is right, but these tokens were not made by Fernet's encrypt (or were altered by "
             "something holding the key): the application cannot read them either.";
    default: return kRunbookHint;
  }
}

// A token read from a bytea column arrives as \x followed by hex digits.
std::string token_text(const std::string& cell) {
  if (cell.size() < 2 || cell.compare(0, 2, "\\x") != 0 || cell.size() % 2) return cell;
  std::string out;
  for (std::size_t i = 2; i + 1 < cell.size(); i += 2) {
    const auto digit = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int high = digit(cell[i]), low = digit(cell[i + 1]);
    if (high < 0 || low < 0) return cell;
    out += static_cast<char>(high * 16 + low);
  }
  return out;
}

}  // namespace

const CheckInfo& SecretsFernet::info() const {
  static const CheckInfo info{
      .id = "secrets.fernet",
      .phases = {Phase::post},
      .summary = "a sample of stored Fernet tokens decrypts with the configured secret",
      .rationale =
          "Integration credentials are stored Fernet-encrypted with a key from JWT_SECRET_KEY. "
          "Restoring them under a cluster whose secret differs (regenerated, or read from "
          "SECRET_KEY by releases before 0.85.3) leaves every credential undecryptable and the "
          "backend failing with 'Fernet token invalid'. pgverify decrypts a sample on the target "
          "the way the application does and counts what fails, never showing a token or a value.",
      .remediation =
          "Fix the secret to match the original cluster; if some tokens fail and most decrypt, "
          "those rows were written with another key (a rotation left behind): add the old secret "
          "as another line of secret_file.",
      .options = "[tenants.X.fernet] secret_env or secret_file, query, sample, key_derivation, ttl; target_dsn",
      .applies_to = "the first column of `query`'s rows on the target (text, or bytea holding the token); "
                    "raw keys, SHA-256-derived keys (sqlalchemy-utils) or auto",
  };
  return info;
}

CheckResult SecretsFernet::run(Context& context) const {
  const TenantConfig& tenant = context.tenant;
  const FernetConfig& config = tenant.fernet;
  if (!fernet_secret_configured(tenant))
    return make_result(Status::skip, "no Fernet secret configured (tenants." + tenant.name +
                                         ".fernet.secret_env or secret_file)");
  if (config.query.empty())
    return make_result(Status::skip, "no query for stored tokens configured (tenants." + tenant.name + ".fernet.query)");
  const secrets::SecretSet secrets = secrets::read_secrets(config.secret_env, config.secret_file);

  // A secret that is not the one pre saw is reported without touching a token.
  if (context.baseline && !context.baseline->secret_fingerprint.empty() &&
      !secrets::fingerprint_matches(secrets.current(), context.baseline->secret_fingerprint))
    return make_result(Status::fail, "the secret from " + secrets.origin() + " is not the one pre saw; no token was tried",
                       {{fernet_secret_key(tenant), "the secret pre fingerprinted", "a different secret",
                         "the secret changed since pre (see secrets.fingerprint)", kRunbookHint}});

  const auto derivation = secrets::parse_key_derivation(config.key_derivation);
  if (!derivation) throw std::runtime_error("unknown key_derivation '" + config.key_derivation + "'");
  const secrets::FernetKeyring keyring = [&] {
    try {
      return secrets::FernetKeyring(secrets.secrets(), *derivation);
    } catch (const std::invalid_argument& error) {
      throw std::runtime_error(secrets.origin() + ": " + error.what());  // names the secret by position only
    }
  }();

  auto target = connect_target(context);
  auto sampled = target->query("SELECT * FROM (" + config.query + ") AS pgverify_tokens LIMIT " +
                               std::to_string(config.sample));
  if (sampled.rows.empty())
    return make_result(Status::warn, "the query returned no rows: no token to try",
                       {{"tenants." + tenant.name + ".fernet.query", "rows holding tokens", "no rows",
                         "nothing was decrypted, so nothing is known about the secret",
                         "Point the query at the table holding the encrypted credentials."}});

  std::optional<secrets::TokenAge> age;
  if (config.ttl_seconds) age = secrets::TokenAge{static_cast<std::int64_t>(std::time(nullptr)), *config.ttl_seconds};
  std::size_t tried = 0, decrypted = 0;
  std::map<secrets::FernetError, std::size_t> failures;
  std::map<std::pair<std::size_t, secrets::KeyDerivation>, std::size_t> keys_used;
  for (const auto& row : sampled.rows) {
    if (row.empty() || !row.front()) continue;  // NULL: no credential stored
    ++tried;
    const secrets::KeyringResult result = keyring.decrypt(token_text(*row.front()), age);
    if (result.ok()) {
      ++decrypted;
      ++keys_used[{*result.secret_index, *result.derivation}];
    } else {
      ++failures[result.error];
    }
  }
  if (tried == 0)
    return make_result(Status::warn, "the query's rows hold no token (all NULL)", {});

  std::string keys;
  for (const auto& [key, count] : keys_used)
    keys += std::string(keys.empty() ? "" : ", ") + std::string(secrets::to_string(key.second)) + " key of secret " +
            std::to_string(key.first + 1) + (keys_used.size() > 1 ? " for " + std::to_string(count) : "");
  const std::string counted = std::to_string(decrypted) + " of " + std::to_string(tried) + " sampled tokens decrypt" +
                              (keys.empty() ? "" : " (" + keys + ", from " + secrets.origin() + ")");
  if (failures.empty()) return make_result(Status::pass, counted);

  std::vector<Finding> findings;
  bool all_malformed = decrypted == 0;
  for (const auto& [error, count] : failures) {
    all_malformed = all_malformed && secrets::is_malformed(error);
    findings.push_back({"tokens from tenants." + tenant.name + ".fernet.query", "decrypts",
                        std::to_string(count) + " " + std::string(secrets::to_string(error)),
                        std::to_string(count) + " of " + std::to_string(tried) + " tokens: " +
                            std::string(secrets::describe(error)),
                        hint_for(error, tenant.name)});
  }
  if (all_malformed)
    return make_result(Status::fail,
                       "none of the " + std::to_string(tried) + " sampled values is a Fernet token: does tenants." +
                           tenant.name + ".fernet.query select the encrypted column?",
                       std::move(findings));
  return make_result(Status::fail, counted + "; " + std::to_string(tried - decrypted) + " fail", std::move(findings));
}

}  // namespace pgverify::checks
