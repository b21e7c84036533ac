#include "pydeps/admitted.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>

// Every clause admits a union of intervals of the PEP 440 order, cut at points
// derived from its version (Specifier::matches, case by case below), less some
// single local versions (!=V+local), or a single version (==V+local, ===V).
// Between two neighbouring cuts of all clauses and the threshold every clause
// answers alike, so each such region is admitted whole or not at all. The
// region's least final release and least pre-release (or, where the region
// starts after every version of a release and has no least element, one
// closer to its start than any other cut can be) stand for it; the single
// versions stand for themselves. Those candidates, tested with
// Specifier::matches, answer for the whole order.

namespace pgverify::pydeps {

namespace {

// A number one past n; a version at the end of 64 bits has no such neighbour.
std::uint64_t next(std::uint64_t n) {
  if (n == std::numeric_limits<std::uint64_t>::max()) throw std::overflow_error("version number at its limit");
  return n + 1;
}

std::string release_text(std::uint64_t epoch, const std::vector<std::uint64_t>& release) {
  std::string out = epoch ? std::to_string(epoch) + "!" : "";
  for (std::size_t i = 0; i < release.size(); ++i) out += (i ? "." : "") + std::to_string(release[i]);
  return out;
}

std::string base_text(const Version& v) { return release_text(v.epoch(), v.release()); }

std::string pre_name(PreKind kind) {
  static constexpr std::array<const char*, 3> names = {"a", "b", "rc"};
  return names[static_cast<std::size_t>(kind)];
}

std::string pre_text(const Version& v) {
  return v.pre() ? pre_name(v.pre()->kind) + std::to_string(v.pre()->number) : "";
}

Version make(const std::string& text) { return Version::parse(text); }

// The least version above v and every local version of v: 1.0 -> 1.0.post0.dev0,
// 1.0.post2 -> 1.0.post3.dev0, 1.0a1 -> 1.0a1.post0.dev0, 1.0.dev3 -> 1.0.dev4.
Version successor_of_public(const Version& v) {
  const std::string stem = base_text(v) + pre_text(v);
  if (v.dev())
    return make(stem + (v.post() ? ".post" + std::to_string(*v.post()) : "") + ".dev" + std::to_string(next(*v.dev())));
  return make(stem + ".post" + std::to_string(v.post() ? next(*v.post()) : 0) + ".dev0");
}

// The least version above every post-release of the pre-release v (no post,
// no dev): 1.0a1 -> 1.0a2.dev0; after rc at the end of 64 bits comes 1.0.
Version after_posts_of_prerelease(const Version& v) {
  const PreKind kind = v.pre()->kind;
  if (v.pre()->number != std::numeric_limits<std::uint64_t>::max())
    return make(base_text(v) + pre_name(kind) + std::to_string(v.pre()->number + 1) + ".dev0");
  if (kind == PreKind::rc) return v.base_version();
  return make(base_text(v) + pre_name(static_cast<PreKind>(static_cast<int>(kind) + 1)) + "0.dev0");
}

// The least version whose release starts with `prefix` (padded with zeros), and
// the least after all of them: ==1.2.* is [1.2.dev0, 1.3.dev0).
Version prefix_start(std::uint64_t epoch, const std::vector<std::uint64_t>& prefix) {
  return make(release_text(epoch, prefix) + ".dev0");
}
Version prefix_end(std::uint64_t epoch, std::vector<std::uint64_t> prefix) {
  prefix.back() = next(prefix.back());
  return prefix_start(epoch, prefix);
}

class Candidates {
 public:
  explicit Candidates(std::size_t depth) : m_depth(depth) {}

  void point(const Version& v) { m_versions.push_back(v); }

  // The region starting at v, v included.
  void region_from(const Version& v) {
    point(v);
    // Its least final release: 1.0rc1 -> 1.0, 1.0.post1.dev0 -> 1.0.post1.
    if (v.pre())
      point(v.base_version());
    else if (v.dev())
      point(make(base_text(v) + (v.post() ? ".post" + std::to_string(*v.post()) : "")));
    // Its least pre-release: after a final 1.0 (or 1.0.post1) none comes before 1.0.post0.dev0 (1.0.post2.dev0).
    if (!v.is_prerelease())
      point(make(base_text(v) + ".post" + std::to_string(v.post() ? next(*v.post()) : 0) + ".dev0"));
  }

  // The region starting just after every version with v's epoch and release,
  // which has no least element: 1.0.0.0.1 (deeper than any release a clause
  // names) comes before anything else that can bound it.
  void region_after_release(const Version& v) {
    std::string text = base_text(v);
    for (std::size_t i = v.release().size(); i < m_depth; ++i) text += ".0";
    text += ".1";
    point(make(text));
    point(make(text + ".dev0"));
  }

  const std::vector<Version>& versions() const { return m_versions; }

 private:
  std::size_t m_depth;
  std::vector<Version> m_versions;
};

// The cuts of one clause, as the regions that start at them.
void add_cuts(const Specifier& clause, Candidates& candidates) {
  if (!clause.version()) return;
  const Version& v = *clause.version();
  switch (clause.op()) {
    case Operator::arbitrary:  // only the version spelled exactly so
      candidates.point(v);
      return;
    case Operator::equal:
    case Operator::not_equal:
      if (clause.is_wildcard()) {
        candidates.region_from(prefix_start(v.epoch(), v.release()));
        candidates.region_from(prefix_end(v.epoch(), v.release()));
      } else if (v.has_local()) {  // exactly v
        candidates.point(v);
      } else {  // v and its local versions
        candidates.region_from(v);
        candidates.region_from(successor_of_public(v));
      }
      return;
    case Operator::compatible: {  // >=v together with ==prefix.*
      std::vector<std::uint64_t> prefix(v.release().begin(), v.release().end() - 1);
      candidates.region_from(v);
      candidates.region_from(prefix_start(v.epoch(), prefix));
      candidates.region_from(prefix_end(v.epoch(), prefix));
      return;
    }
    case Operator::greater_equal:
      candidates.region_from(v);
      return;
    case Operator::less_equal:
      candidates.region_from(successor_of_public(v));
      return;
    case Operator::less:  // below v, and below v's pre-releases unless v is one
      candidates.region_from(v.is_prerelease() ? v : v.with_dev(0));
      return;
    case Operator::greater:  // above v, its local versions and (unless v is one) its post-releases
      if (v.is_devrelease() || v.is_postrelease())
        candidates.region_from(successor_of_public(v));
      else if (v.pre())
        candidates.region_from(after_posts_of_prerelease(v));
      else
        candidates.region_after_release(v);
      return;
  }
}

}  // namespace

AdmittedSides admitted_around(const SpecifierSet& range, const Version& threshold) {
  AdmittedSides sides;
  std::size_t depth = threshold.release().size();
  for (const Specifier& clause : range.specifiers()) {
    if (!clause.version()) {
      sides.decidable = false;
      return sides;
    }
    depth = std::max(depth, clause.version()->release().size());
  }
  try {
    Candidates candidates(depth + 1);
    candidates.region_from(make("0.dev0"));  // the least version of all
    candidates.region_from(threshold);
    for (const Specifier& clause : range.specifiers()) add_cuts(clause, candidates);

    auto admitted_by_all = [&](const Version& c) {
      return std::all_of(range.specifiers().begin(), range.specifiers().end(),
                         [&](const Specifier& s) { return s.matches(c); });
    };
    std::vector<Version> finals, prereleases;
    for (const Version& c : candidates.versions()) {
      if (!admitted_by_all(c)) continue;
      (c.is_prerelease() ? prereleases : finals).push_back(c);
    }
    auto mark = [&](const std::vector<Version>& versions) {
      for (const Version& c : versions) (c < threshold ? sides.below : sides.at_or_above) = true;
    };
    mark(finals);
    if (range.implies_prereleases() || finals.empty()) mark(prereleases);
  } catch (const std::overflow_error&) {
    sides = {false, false, false};
  }
  return sides;
}

}  // namespace pgverify::pydeps
