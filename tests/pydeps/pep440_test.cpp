// PEP 440 versions and specifiers: the spellings that normalise to the same
// version, the ordering, and the specifier rules (exclusive comparisons,
// wildcards, ~=, local versions, pre-releases), checked against what
// pypa/packaging answers for the same inputs.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "pydeps/pep440.hpp"

using namespace pgverify::pydeps;

namespace {

Version v(const std::string& text) { return Version::parse(text); }

bool in(const std::string& version, const std::string& specifiers,
        PrereleasePolicy policy = PrereleasePolicy::pep440_default) {
  return SpecifierSet::parse(specifiers).contains(v(version), policy);
}

}  // namespace

TEST_CASE("pep440: spellings normalise to one version", "[pydeps]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"1.0.0-RC1", "1.0.0rc1"},     {"v1.0", "1.0"},           {"V1.0", "1.0"},
      {"1.0-1", "1.0.post1"},        {"1.0_post_1", "1.0.post1"}, {"1.0.rev1", "1.0.post1"},
      {"1.0r", "1.0.post0"},         {"1.0-post", "1.0.post0"},  {"1.0alpha1", "1.0a1"},
      {"1.0.Alpha.1", "1.0a1"},      {"1.0beta", "1.0b0"},       {"1.0-b-2", "1.0b2"},
      {"1.0c1", "1.0rc1"},           {"1.0pre1", "1.0rc1"},      {"1.0preview_1", "1.0rc1"},
      {"1.0-dev", "1.0.dev0"},       {"1.0dev3", "1.0.dev3"},    {"1.0.DEV-3", "1.0.dev3"},
      {"01.002.0003", "1.2.3"},      {"1!2.0", "1!2.0"},         {"0!1.0", "1.0"},
      {"1.0+Ubuntu-1", "1.0+ubuntu.1"}, {"1.0+local_007", "1.0+local.7"},
      {"  1.0\n", "1.0"},            {"1.0a1.post2.dev3", "1.0a1.post2.dev3"},
      {"1.0a.", "1.0a0"},
  };
  for (const auto& [written, normal] : cases) {
    INFO(written);
    CHECK(v(written).to_string() == normal);
    CHECK(v(written) == v(normal));
  }
}

TEST_CASE("pep440: trailing zeros do not matter, local labels do", "[pydeps]") {
  CHECK(v("1.0") == v("1.0.0"));
  CHECK(v("1") == v("1.0.0.0"));
  CHECK(v("1.0.0-RC1") == v("1.0.0rc1"));
  CHECK(v("v1.0") == v("1.0"));
  CHECK(v("1.0-1") == v("1.0.post1"));
  CHECK(v("1.0+abc") != v("1.0"));
  CHECK(v("1.0+1") == v("1.0+01"));
}

TEST_CASE("pep440: invalid versions are refused with the text in the message", "[pydeps]") {
  for (std::string bad : {"", "v", "1.", "1..0", "1.0x", "1.0-", "1.0+", "1.0+a..b", "a1.0",
                          "1.0 a1", "1!", "!1.0", "1.0.post1.post2", "1.0a1a2", "1.0.devx",
                          "99999999999999999999999.0", "1.0+ümlaut"}) {
    INFO(bad);
    CHECK_FALSE(Version::try_parse(bad));
    CHECK_THROWS_AS(Version::parse(bad), InvalidVersion);
  }
  try {
    Version::parse("1.0x");
    FAIL("no exception");
  } catch (const InvalidVersion& error) {
    CHECK(std::string(error.what()) == "invalid version '1.0x'");
  }
  CHECK_THROWS_WITH(Version::parse("99999999999999999999999"),
                    Catch::Contains("number too large"));
}

TEST_CASE("pep440: ordering", "[pydeps]") {
  // Each strictly greater than the one before (as in PEP 440's examples and
  // packaging's test_version.py).
  const std::vector<std::string> ordered = {
      "1.0.dev456",   "1.0a1",       "1.0a2.dev456",         "1.0a12.dev456", "1.0a12",
      "1.0b1.dev456", "1.0b2",       "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456",
      "1.0rc1",       "1.0",         "1.0+abc.5",            "1.0+abc.7",     "1.0+5",
      "1.0.post456.dev34", "1.0.post456", "1.0.15",          "1.1.dev1",      "1.1",
      "2.0",          "1!0.1"};
  for (std::size_t i = 1; i < ordered.size(); ++i) {
    INFO(ordered[i - 1] << " < " << ordered[i]);
    CHECK(v(ordered[i - 1]) < v(ordered[i]));
    CHECK(v(ordered[i]) > v(ordered[i - 1]));
    CHECK(v(ordered[i - 1]) != v(ordered[i]));
  }

  CHECK(v("1.0rc1") < v("1.0"));
  CHECK(v("1.0") < v("1.0.post1"));
  CHECK(v("1.0.dev0") < v("1.0a1"));
  CHECK(v("1.0a1") < v("1.0b1"));
  CHECK(v("1.0b1") < v("1.0rc1"));
  CHECK(v("1!0.1") > v("2.0"));
  CHECK(v("1!0.1") > v("9999.0"));
  CHECK(v("0.31.0.dev1") < v("0.31.0"));
  CHECK(v("0.31.0.dev1") > v("0.30.0"));
  CHECK(v("0.31.0.dev1") < v("0.31.0a1"));
  CHECK(v("1.0.post1.dev1") < v("1.0.post1"));
  CHECK(v("1.0.post1.dev1") > v("1.0"));
  CHECK(v("1.0a1.dev1") < v("1.0a1"));
  CHECK(v("1.0") < v("1.0+local"));
  CHECK(v("1.0+local") < v("1.0.post1"));
  CHECK(v("1.0+abc") < v("1.0+1"));    // numbers sort after text
  CHECK(v("1.0+1") < v("1.0+1.a"));    // longer after its prefix
  CHECK(v("1.0+9") < v("1.0+10"));
  CHECK(v("1.0+99999999999999999999999999") > v("1.0+9999"));  // any length
  CHECK(v("1.0.1") > v("1.0.0.1000"));
}

TEST_CASE("pep440: version properties", "[pydeps]") {
  const Version full = v("1!2.0rc1.post3.dev4+ubuntu.1");
  CHECK(full.epoch() == 1);
  CHECK(full.release() == std::vector<std::uint64_t>{2, 0});
  REQUIRE(full.pre());
  CHECK(full.pre()->kind == PreKind::rc);
  CHECK(full.pre()->number == 1);
  CHECK(full.post() == 3u);
  CHECK(full.dev() == 4u);
  CHECK(full.local() == "ubuntu.1");
  CHECK(full.is_prerelease());
  CHECK(full.is_postrelease());
  CHECK(full.public_version().to_string() == "1!2.0rc1.post3.dev4");
  CHECK(full.base_version().to_string() == "1!2.0");
  CHECK_FALSE(v("1.0.post1").is_prerelease());
  CHECK(v("1.0.post1.dev0").is_prerelease());
  CHECK_FALSE(v("1.0+local").is_prerelease());
}

TEST_CASE("pep440: specifier operators", "[pydeps]") {
  CHECK(in("0.30.0", "==0.30.0"));
  CHECK(in("0.30", "==0.30.0"));
  CHECK(in("0.30.0+ubuntu.1", "==0.30.0"));  // no local in the spec: local ignored
  CHECK_FALSE(in("0.30.0", "==0.30.0+ubuntu.1"));
  CHECK(in("0.30.0+ubuntu.1", "==0.30.0+ubuntu.1"));
  CHECK_FALSE(in("0.30.1", "==0.30.0"));
  CHECK(in("0.30.1", "!=0.30.0"));
  CHECK_FALSE(in("0.30.0+x", "!=0.30.0"));

  CHECK(in("0.29.0", ">=0.29"));
  CHECK(in("0.31.0", ">=0.29"));
  CHECK_FALSE(in("0.28.9", ">=0.29"));
  CHECK(in("0.29", "<=0.29"));
  CHECK(in("0.29+local", "<=0.29"));
  CHECK(in("0.31.0", ">=0.29,<0.32"));
  CHECK(in("0.31.0", ">= 0.29 , < 0.32"));
  CHECK_FALSE(in("0.32.0", ">=0.29,<0.32"));
  CHECK(in("5.0", ""));  // the empty set admits every final release

  // ===: string identity of the normalised candidate, case-insensitively.
  CHECK(in("1.0", "===1.0"));
  CHECK_FALSE(in("1.0.0", "===1.0"));
  CHECK(in("1.0RC1", "===1.0rc1", PrereleasePolicy::allow));
}

TEST_CASE("pep440: wildcards", "[pydeps]") {
  CHECK(in("1.2.3", "==1.2.*"));
  CHECK(in("1.2", "==1.2.*"));
  CHECK(in("1.2.post1", "==1.2.*"));
  CHECK(in("1.2+local", "==1.2.*"));
  CHECK(in("1", "==1.0.*"));  // zero-padded
  CHECK_FALSE(in("1.3", "==1.2.*"));
  CHECK_FALSE(in("1.20", "==1.2.*"));
  CHECK_FALSE(in("1!1.2", "==1.2.*"));
  CHECK(in("1.3", "!=1.2.*"));
  CHECK_FALSE(in("1.2.7", "!=1.2.*"));
  // A wildcard names no pre-release, so 1.2rc1 needs the caller's permission.
  CHECK_FALSE(in("1.2rc1", "==1.2.*"));
  CHECK(in("1.2rc1", "==1.2.*", PrereleasePolicy::allow));
}

TEST_CASE("pep440: compatible release ~=", "[pydeps]") {
  CHECK(in("2.2", "~=2.2"));
  CHECK(in("2.9", "~=2.2"));
  CHECK_FALSE(in("3.0", "~=2.2"));
  CHECK_FALSE(in("2.1", "~=2.2"));
  CHECK(in("1.4.5", "~=1.4.5"));
  CHECK(in("1.4.9", "~=1.4.5"));
  CHECK_FALSE(in("1.5.0", "~=1.4.5"));
  CHECK(in("2.2.post3", "~=2.2.post3"));
  CHECK(in("2.3", "~=2.2.post3"));
  CHECK_FALSE(in("2.2", "~=2.2.post3"));
  CHECK(in("1.4.5a4", "~=1.4.5a4"));  // names a pre-release: admits them
  CHECK(in("1.4.6", "~=1.4.5a4"));
  CHECK_FALSE(in("1.5", "~=1.4.5a4"));
  CHECK(in("0.30.0", "~=0.30.0"));
  CHECK_FALSE(in("0.31.0", "~=0.30.0"));
  CHECK(in("0.31.0", "~=0.30"));
}

TEST_CASE("pep440: exclusive ordered comparisons", "[pydeps]") {
  // >V does not admit post-releases or local versions of V ...
  CHECK_FALSE(in("1.7.post1", ">1.7"));
  CHECK_FALSE(in("1.7+local", ">1.7"));
  CHECK(in("1.7.1", ">1.7"));
  CHECK(in("1.8", ">1.7"));
  // ... unless V is itself a post-release.
  CHECK(in("1.7.post2", ">1.7.post1"));
  CHECK_FALSE(in("1.7.post1", ">1.7.post1"));
  CHECK(in("1.7.post1", ">1.7a1", PrereleasePolicy::pep440_default));

  // <V does not admit pre-releases of V ...
  CHECK_FALSE(in("1.7.0rc1", "<1.7", PrereleasePolicy::allow));
  CHECK_FALSE(in("1.7.dev0", "<1.7", PrereleasePolicy::allow));
  CHECK(in("1.6.9rc1", "<1.7", PrereleasePolicy::allow));
  CHECK(in("1.6.9", "<1.7"));
  // ... unless V is itself a pre-release.
  CHECK(in("1.7.0a1", "<1.7.0rc1"));
  CHECK_FALSE(in("1.7.0rc1", "<1.7.0rc1"));
  CHECK(in("1.7", "<1.7.post1"));

  CHECK_FALSE(in("1.7", ">1.7"));
  CHECK_FALSE(in("1.7", "<1.7"));
  CHECK(in("1.7.post1", ">=1.7"));
  CHECK(in("1.7rc1", "<=1.7", PrereleasePolicy::allow));
}

TEST_CASE("pep440: pre-releases need a specifier that names one or the caller's permission",
          "[pydeps]") {
  CHECK_FALSE(in("0.31.0rc1", ">=0.29"));
  CHECK(in("0.31.0rc1", ">=0.29", PrereleasePolicy::allow));
  CHECK(in("0.31.0rc1", ">=0.31.0rc1"));
  CHECK(in("0.31.0rc2", ">=0.29,<=0.31.0rc2"));   // one clause names a pre-release
  CHECK_FALSE(in("0.31.0rc1", ">=0.29,!=0.30.0rc1"));  // "!=" never counts
  CHECK(in("0.31.0.dev1", ">=0.31.0.dev0"));
  CHECK_FALSE(in("0.31.0rc1", ">=0.31.0rc1", PrereleasePolicy::exclude));
  CHECK_FALSE(in("1.0a1", ""));
  CHECK(in("1.0a1", "", PrereleasePolicy::allow));
  // A post-release is no pre-release.
  CHECK(in("0.30.0.post1", ">=0.29"));

  CHECK(Specifier::parse(">=1.0rc1").implies_prereleases());
  CHECK_FALSE(Specifier::parse("!=1.0rc1").implies_prereleases());
  CHECK_FALSE(Specifier::parse("==1.0.*").implies_prereleases());
  CHECK(Specifier::parse("==1.0.dev1").implies_prereleases());
  CHECK(Specifier::parse(">1.0").contains(v("2.0a1"), PrereleasePolicy::allow));
  CHECK_FALSE(Specifier::parse(">1.0").contains(v("2.0a1")));
}

TEST_CASE("pep440: specifier parsing and normalised text", "[pydeps]") {
  const SpecifierSet set = SpecifierSet::parse(" >= 0.29 ,<0.32.0, != 0.30.0-RC1 ");
  REQUIRE(set.specifiers().size() == 3);
  CHECK(set.specifiers()[0].op() == Operator::greater_equal);
  CHECK(set.to_string() == ">=0.29,<0.32.0,!=0.30.0rc1");
  CHECK(SpecifierSet::parse("==1.2.*").to_string() == "==1.2.*");
  CHECK(SpecifierSet::parse("===foobar").to_string() == "===foobar");
  CHECK(SpecifierSet::parse("").empty());
  CHECK(SpecifierSet::parse("==0.30.0").exact_version() == v("0.30.0"));
  CHECK(SpecifierSet::parse(">=0.29,===0.30.0").exact_version() == v("0.30.0"));
  CHECK_FALSE(SpecifierSet::parse("==0.30.*").exact_version());
  CHECK_FALSE(SpecifierSet::parse(">=0.30").exact_version());

  for (std::string bad : {"0.30.0", "=0.30", "=>0.30", "==", ">=", "~=1", "~=1.0+local",
                          ">=1.0+local", ">=1.0.*", "==1.0a1.*", "==1.*.0", "== 1.0 2.0",
                          "===a b", ">=0.29,<", "<>1.0"}) {
    INFO(bad);
    CHECK_THROWS_AS(SpecifierSet::parse(bad), InvalidSpecifier);
  }
  CHECK_THROWS_WITH(Specifier::parse("~=1"), Catch::Contains("at least two parts"));
  CHECK_THROWS_WITH(Specifier::parse("=0.30"), "invalid specifier '=0.30': expected an operator "
                                                "(==, !=, <=, >=, <, >, ~=, ===)");
}
