#include "checks/checks.hpp"

#include "checks/common.hpp"
#include "secrets/fingerprint.hpp"
#include "secrets/key_derivation.hpp"
#include "secrets/secret_source.hpp"

namespace pgverify::checks {

const CheckInfo& SecretsFingerprint::info() const {
  static const CheckInfo info{
      .id = "secrets.fingerprint",
      .phases = {Phase::pre, Phase::post},
      .summary = "the secret's keyed fingerprint is the same before and after (never the secret)",
      .rationale =
          "The runbook's JWT_SECRET_KEY gotcha: a secret regenerated with the new deployment "
          "leaves every stored Fernet credential undecryptable, and the backend crashes with "
          "'Fernet token invalid'. pre records a salted, slow, one-way fingerprint of the secret "
          "in the baseline; post compares the secret it is given with it before any token is "
          "touched, so a changed secret is caught even in a database without tokens.",
      .remediation =
          "Fix the secret to match the original cluster (kubectl get secret ... -o jsonpath="
          "'{.data.JWT_SECRET_KEY}' on the old one), restart the backend, and run post again.",
      .options = "[tenants.X.fernet] secret_env or secret_file, key_derivation; the baseline manifest (post)",
      .applies_to = "the current secret (the first line of secret_file); PBKDF2-SHA256, 100000 rounds, "
                    "random salt: the manifest cannot be used to guess it",
      .needs_baseline = true,
  };
  return info;
}

CheckResult SecretsFingerprint::run(Context& context) const {
  const TenantConfig& tenant = context.tenant;
  if (!fernet_secret_configured(tenant))
    return make_result(Status::skip, "no Fernet secret configured (tenants." + tenant.name +
                                         ".fernet.secret_env or secret_file)");
  const secrets::SecretSet secrets = secrets::read_secrets(tenant.fernet.secret_env, tenant.fernet.secret_file);

  if (context.phase == Phase::pre) {
    // A raw secret must be a Fernet key; catching that now beats a post full of failures.
    if (tenant.fernet.key_derivation == "raw" && !secrets::raw_key(secrets.current()))
      return make_result(Status::fail, "the secret from " + secrets.origin() + " is not a Fernet key",
                         {{fernet_secret_key(tenant), "a Fernet key (44 characters of url-safe base64)",
                           "something else", "key_derivation = raw needs the secret to be a Fernet key itself",
                           "Set key_derivation = \"sha256\" or \"auto\" if the application hashes the secret "
                           "into a key, or point at the right secret."}});
    return make_result(Status::pass, "the secret from " + secrets.origin() +
                                         " is readable; pre records its fingerprint in the baseline, never the secret");
  }

  if (!context.baseline || context.baseline->secret_fingerprint.empty())
    return make_result(Status::skip, "the baseline holds no secret fingerprint: pre ran without a Fernet secret configured");
  const secrets::FingerprintMatch match = secrets::check_fingerprint(secrets.current(), context.baseline->secret_fingerprint);
  if (!match.problem.empty())
    throw std::runtime_error("the baseline's secret fingerprint is unusable: " + match.problem);
  if (match.matches)
    return make_result(Status::pass, "the secret from " + secrets.origin() + " is the one pre saw");
  return make_result(Status::fail, "the secret from " + secrets.origin() + " is not the one pre saw",
                     {{fernet_secret_key(tenant), "the secret pre fingerprinted", "a different secret",
                       "the secret changed since pre: stored Fernet credentials will not decrypt",
                       "Fix the secret to match the original cluster (its JWT_SECRET_KEY), restart the "
                       "backend and run post again."}});
}

}  // namespace pgverify::checks
