// Which versions a specifier set admits on either side of a threshold: the
// forms requirements use, PEP 440's exclusive comparisons, wildcards, ~=, ===,
// local versions, epochs and pre-releases as pip treats them, and a cross-check
// against every version of a dense grid.

#include "pydeps/admitted.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace pgverify::pydeps;

namespace {

std::string sides(const std::string& range, const std::string& threshold = "0.31.0") {
  const AdmittedSides s = admitted_around(SpecifierSet::parse(range), Version::parse(threshold));
  if (!s.decidable) return "undecidable";
  if (s.below && s.at_or_above) return "both";
  if (s.below) return "below";
  if (s.at_or_above) return "above";
  return "none";
}

}  // namespace

TEST_CASE("admitted: ranges around 0.31.0", "[pydeps]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      // only older versions
      {"<0.31", "below"},
      {"~=0.30.0", "below"},
      {"<=0.30.5,>0.20", "below"},
      {"==0.30.*", "below"},
      {">0.30,<0.31", "below"},
      {">0.30.99,<0.31", "below"},
      {"<0.31.0", "below"},     // PEP 440: not 0.31.0rc1 either
      {"<0.31.0rc1", "below"},  // names a pre-release: 0.31.0a1 is admitted, and older
      {"<=0.31.0rc1", "below"},
      {"==0.31.0.dev0", "below"},
      {"===0.30.0", "below"},
      {"==0.30.0+local", "below"},
      // older and newer versions
      {"", "both"},
      {">=0.29", "both"},
      {">=0.29,<1", "both"},
      {"~=0.30", "both"},  // >=0.30, ==0.*
      {">0.30.0", "both"},
      {">0.30.99", "both"},  // 0.30.99.1 is older than 0.31.0
      {"!=0.30.*", "both"},
      {"!=0.30.0", "both"},
      {"<=0.31.0", "both"},
      {"<0.31.0.post1", "both"},
      {">=0.31.0rc1", "both"},  // names a pre-release, so admits 0.31.0rc1
      {">0.31.0rc1", "both"},   // 0.31.0rc2
      {"<1!0", "both"},
      // only the minimum or newer
      {">=0.31.0", "above"},
      {">=0.31", "above"},
      {"==0.31.0", "above"},
      {"==0.31.*", "above"},
      {"~=0.31.0", "above"},
      {"~=0.31", "above"},
      {">0.31.0", "above"},
      {">0.30.99.99999", "both"},
      {">=0.30,!=0.30.*", "above"},
      {">=0.31,!=0.31.0", "above"},
      {"===0.31.0", "above"},
      {"==0.31.0+local", "above"},
      {">=1!0.1", "above"},
      {"==1!0.30.*", "above"},
      // nothing at all
      {">=0.31.0,<0.31.0", "none"},
      {"==0.31.0,!=0.31.0", "none"},
      {">=0.31.0rc1,<0.31.0", "none"},          // <0.31.0 refuses 0.31.0's own pre-releases
      {">0.30.0.post5,<0.30.0.post6", "none"},  // only 0.30.0.post5+local lies between, which > refuses
      {"===0.31", "above"},                     // spelled as the release 0.31 normalises
      {"===v0.31.0", "none"},                   // no release is spelled so
      {"===0.31.0-custom", "undecidable"},
  };
  for (const auto& [range, expected] : cases) {
    INFO(range);
    CHECK(sides(range) == expected);
  }
}

TEST_CASE("admitted: pre-releases count only where a clause names one, or nothing final matches", "[pydeps]") {
  // Only 0.31.0's own pre-releases match, and no clause names one: pip takes
  // a pre-release when no final release matches.
  CHECK(sides("==0.31.0.*,!=0.31.0,<0.31.0.post0") == "below");
  CHECK(sides("==0.31.0.*,!=0.31.0,<0.31.0.post0", "0.31.0rc1") == "both");
  // A final release matches, so 0.31.0rc1 (older than 0.31.0) does not count.
  CHECK(sides(">=0.31.0,<0.31.1") == "above");
  CHECK(sides(">0.30.99.99,<0.31.0.post1") == "both");
  // Thresholds that are pre-releases themselves.
  CHECK(sides(">=0.31.0", "0.31.0rc1") == "above");
  CHECK(sides(">=0.31.0a1", "0.31.0rc1") == "both");
}

TEST_CASE("admitted: agrees with every version of a dense grid", "[pydeps]") {
  // The grid: versions around the bounds the clauses below name, with pre-,
  // post-, dev- and local parts.
  std::vector<Version> grid;
  const std::vector<std::string> releases = {"0",      "0.1",     "0.29",  "0.30",   "0.30.0.1", "0.30.1",
                                             "0.30.5", "0.30.99", "0.31",  "0.31.0", "0.31.0.1", "0.31.1",
                                             "0.32",   "1",       "1!0.1", "1!0.31"};
  const std::vector<std::string> suffixes = {"",      "a1",    "rc1",       "rc2", ".post0",  ".post1", ".post1.dev0",
                                             ".dev0", ".dev1", "rc1.post1", "+x",  ".post1+x"};
  for (const auto& r : releases)
    for (const auto& s : suffixes) grid.push_back(Version::parse(r + s));

  const std::vector<std::string> bounds = {"0.30",   "0.30.0",    "0.30.1",       "0.31",
                                           "0.31.0", "0.31.0rc1", "0.31.0.post1", "0.31.0.dev0"};
  const std::vector<std::string> ops = {"<", "<=", ">", ">=", "==", "!=", "~="};
  std::vector<std::string> clauses;
  for (const auto& op : ops)
    for (const auto& b : bounds) clauses.push_back(op + b);
  for (const std::string wild : {"==0.30.*", "!=0.30.*", "==0.31.*", "!=0.31.*", "===0.31.0", "==0.30.0+x"})
    clauses.push_back(wild);

  const Version threshold = Version::parse("0.31.0");
  auto check = [&](const std::string& text) {
    const SpecifierSet range = SpecifierSet::parse(text);
    bool final_below = false, final_above = false, pre_below = false, pre_above = false;
    for (const Version& v : grid) {
      if (!range.contains(v, PrereleasePolicy::allow)) continue;
      if (v.is_prerelease())
        (v < threshold ? pre_below : pre_above) = true;
      else
        (v < threshold ? final_below : final_above) = true;
    }
    const bool pre_counts = range.implies_prereleases() || !(final_below || final_above);
    const AdmittedSides answer = admitted_around(range, threshold);
    INFO(text);
    CHECK(answer.below == (final_below || (pre_counts && pre_below)));
    CHECK(answer.at_or_above == (final_above || (pre_counts && pre_above)));
  };
  for (const auto& a : clauses) {
    check(a);
    for (const auto& b : clauses) check(a + "," + b);
  }
}

TEST_CASE("admitted: a version number at the end of 64 bits cannot be placed", "[pydeps]") {
  CHECK(sides(">0.30.dev18446744073709551615") == "undecidable");
  CHECK(sides(">=0.30.dev18446744073709551615") == "both");
}
