// PEP 440 versions and version specifiers (https://peps.python.org/pep-0440/),
// behaving like pypa/packaging's Version and SpecifierSet: the same spellings
// accepted and normalised, the same ordering, the same exclusive-comparison and
// pre-release rules.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pydeps/error.hpp"

namespace pgverify::pydeps {

// Pre-release phases in PEP 440 order; "alpha", "beta", "c", "pre" and "preview"
// are alternate spellings of these.
enum class PreKind { alpha, beta, rc };

class Version {
 public:
  struct Pre {
    PreKind kind;
    std::uint64_t number;
    friend bool operator==(const Pre&, const Pre&) = default;
  };

  // Any spelling PEP 440 normalises: case, a leading 'v', '-', '_' or '.' as
  // separators, "1.0-1" as a post-release, a missing number as 0, surrounding
  // whitespace. Numbers beyond 64 bits are refused. Throws InvalidVersion.
  static Version parse(std::string_view text);
  static std::optional<Version> try_parse(std::string_view text);

  std::uint64_t epoch() const { return m_epoch; }
  const std::vector<std::uint64_t>& release() const { return m_release; }
  const std::optional<Pre>& pre() const { return m_pre; }
  const std::optional<std::uint64_t>& post() const { return m_post; }
  const std::optional<std::uint64_t>& dev() const { return m_dev; }
  // The normalised local label ("ubuntu.1"), empty when there is none.
  std::string local() const;

  bool is_prerelease() const { return m_pre.has_value() || m_dev.has_value(); }
  bool is_postrelease() const { return m_post.has_value(); }
  bool is_devrelease() const { return m_dev.has_value(); }
  bool has_local() const { return !m_local.empty(); }

  // The version without its local label: 1.0+ubuntu.1 -> 1.0.
  Version public_version() const;
  // Epoch and release only: 1!2.0rc1.post3.dev4 -> 1!2.0.
  Version base_version() const;
  // The same version with its dev number replaced and no local label, used for
  // the "earliest pre-release of V" boundary: 1.2 -> 1.2.dev0.
  Version with_dev(std::uint64_t dev) const;
  // The version a post-release follows: 1.0.post1.dev2+x -> 1.0.
  Version without_post() const;

  // The normalised form: "1!2.0rc1.post3.dev4+ubuntu.1".
  std::string to_string() const;

  // PEP 440 ordering: trailing zeros of the release do not matter (1.0 == 1.0.0),
  // X.devN < X.aN < X.bN < X.rcN < X < X+local < X.postN, and a dev release of a
  // pre- or post-release sorts just before it.
  friend std::strong_ordering operator<=>(const Version& a, const Version& b);
  friend bool operator==(const Version& a, const Version& b) {
    return (a <=> b) == std::strong_ordering::equal;
  }

 private:
  // A local segment: all digits compare as a number (kept as digits without
  // leading zeros so any length works), otherwise as lowercase text.
  struct LocalSegment {
    bool numeric = false;
    std::string text;
  };

  friend class VersionParser;

  std::uint64_t m_epoch = 0;
  std::vector<std::uint64_t> m_release;
  std::optional<Pre> m_pre;
  std::optional<std::uint64_t> m_post;
  std::optional<std::uint64_t> m_dev;
  std::vector<LocalSegment> m_local;
};

enum class Operator {
  compatible,     // ~=
  equal,          // ==, also ==V.*
  not_equal,      // !=, also !=V.*
  less_equal,     // <=
  greater_equal,  // >=
  less,           // <
  greater,        // >
  arbitrary,      // ===
};

std::string_view to_string(Operator op);

// Whether a specifier admits pre-releases (X.aN, X.bN, X.rcN, X.devN):
// pep440_default admits them only when a specifier names one (>=1.0rc1; "!="
// and "==V.*" never count), allow admits them always (e.g. for a version that is
// already installed, which PEP 440 says tools should accept), exclude never.
enum class PrereleasePolicy { pep440_default, allow, exclude };

class Specifier {
 public:
  // One clause: ">=0.29", "== 1.2.*", "~=2.2", "===foo". Throws InvalidSpecifier.
  static Specifier parse(std::string_view text);

  Operator op() const { return m_op; }
  // The version the clause names; nullopt only for "===" with a non-PEP 440 string.
  const std::optional<Version>& version() const { return m_version; }
  bool is_wildcard() const { return m_wildcard; }
  // The version text as written (what "===" compares against).
  const std::string& version_text() const { return m_text; }

  // Whether the clause names a pre-release, which admits pre-releases under
  // PrereleasePolicy::pep440_default.
  bool implies_prereleases() const;
  // The operator's own test, without any pre-release policy.
  bool matches(const Version& candidate) const;
  // matches() plus the pre-release policy for a lone specifier.
  bool contains(const Version& candidate,
                PrereleasePolicy policy = PrereleasePolicy::pep440_default) const;

  // Normalised: "~=2.2", "==1.2.*", ">=1.0rc1".
  std::string to_string() const;

 private:
  Operator m_op = Operator::equal;
  std::optional<Version> m_version;
  bool m_wildcard = false;
  std::string m_text;
};

class SpecifierSet {
 public:
  SpecifierSet() = default;
  explicit SpecifierSet(std::vector<Specifier> specifiers) : m_specifiers(std::move(specifiers)) {}

  // Comma-separated clauses (">=0.29, <0.31"); empty text is the empty set,
  // which every final release satisfies. Throws InvalidSpecifier.
  static SpecifierSet parse(std::string_view text);

  const std::vector<Specifier>& specifiers() const { return m_specifiers; }
  bool empty() const { return m_specifiers.empty(); }

  // True when one clause names a pre-release (see Specifier::implies_prereleases).
  bool implies_prereleases() const;
  // Every clause matches, and a pre-release is admitted per the policy for the
  // whole set: under pep440_default only when one clause names a pre-release.
  bool contains(const Version& candidate,
                PrereleasePolicy policy = PrereleasePolicy::pep440_default) const;

  // The one version the set allows by an exact clause ("==0.30.0" or "===0.30.0"
  // that parses), the first such clause's; nullopt when there is none.
  std::optional<Version> exact_version() const;

  // All clauses of both sets.
  SpecifierSet& operator&=(const SpecifierSet& other);

  // Clauses joined by ",", normalised, in the order given.
  std::string to_string() const;

 private:
  std::vector<Specifier> m_specifiers;
};

}  // namespace pgverify::pydeps
