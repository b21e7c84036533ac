#include "pydeps/pep440.hpp"

#include <algorithm>
#include <array>
#include <limits>

namespace pgverify::pydeps {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z'); }
bool is_separator(char c) { return c == '-' || c == '_' || c == '.'; }
// Python's str.strip() whitespace as far as ASCII goes.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::vector<std::uint64_t> trimmed_release(const std::vector<std::uint64_t>& release) {
  std::size_t end = release.size();
  while (end > 0 && release[end - 1] == 0) --end;
  return {release.begin(), release.begin() + static_cast<std::ptrdiff_t>(end)};
}

// Digits without leading zeros compare as numbers when longer means larger.
std::strong_ordering compare_digits(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() <=> b.size();
  return a.compare(b) <=> 0;
}

}  // namespace

// A hand-written equivalent of packaging's VERSION_PATTERN, applied to the
// trimmed, lowercased text:
//   v? (N!)? N(.N)* ([-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?N?)?
//   (-N | [-_.]?(post|rev|r)[-_.]?N?)? ([-_.]?dev[-_.]?N?)? (+local)?
class VersionParser {
 public:
  VersionParser(std::string_view original, std::string text)
      : m_original(original), m_text(std::move(text)) {}

  Version parse() {
    Version v;
    if (peek() == 'v') ++m_pos;
    if (!is_digit(peek())) fail();
    std::uint64_t first = number();
    if (peek() == '!') {
      ++m_pos;
      v.m_epoch = first;
      if (!is_digit(peek())) fail();
      first = number();
    }
    v.m_release.push_back(first);
    while (peek() == '.' && is_digit(peek(1))) {
      ++m_pos;
      v.m_release.push_back(number());
    }
    parse_pre(v);
    parse_post(v);
    parse_dev(v);
    if (peek() == '+') {
      ++m_pos;
      parse_local(v);
    }
    if (m_pos != m_text.size()) fail();
    return v;
  }

 private:
  char peek(std::size_t ahead = 0) const {
    return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0';
  }

  [[noreturn]] void fail(std::string_view why = {}) const {
    std::string message = "invalid version " + quote(m_original);
    if (!why.empty()) message += ": " + std::string(why);
    throw InvalidVersion(message);
  }

  std::uint64_t number() {
    std::uint64_t value = 0;
    while (is_digit(peek())) {
      const auto digit = static_cast<std::uint64_t>(peek() - '0');
      if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
        fail("number too large");
      value = value * 10 + digit;
      ++m_pos;
    }
    return value;
  }

  // Matches one of the labels at the current position (after an optional
  // separator), longest spelling first; advances past it and returns its index.
  template <std::size_t N>
  std::optional<std::size_t> label(const std::array<std::string_view, N>& labels) {
    std::size_t at = m_pos;
    if (is_separator(peek())) ++at;
    std::string_view rest = std::string_view(m_text).substr(std::min(at, m_text.size()));
    for (std::size_t i = 0; i < N; ++i) {
      if (rest.substr(0, labels[i].size()) == labels[i]) {
        m_pos = at + labels[i].size();
        return i;
      }
    }
    return std::nullopt;
  }

  // The number after a label: "[-_.]?N?", where a lone trailing separator is
  // allowed too (packaging accepts "1.0a." as 1.0a0).
  std::uint64_t label_number() {
    if (is_separator(peek()) && is_digit(peek(1))) ++m_pos;
    if (is_digit(peek())) return number();
    if (is_separator(peek())) ++m_pos;
    return 0;
  }

  void parse_pre(Version& v) {
    static constexpr std::array<std::string_view, 8> labels = {
        "alpha", "a", "beta", "b", "preview", "pre", "rc", "c"};
    static constexpr std::array<PreKind, 8> kinds = {PreKind::alpha, PreKind::alpha, PreKind::beta,
                                                     PreKind::beta,  PreKind::rc,    PreKind::rc,
                                                     PreKind::rc,    PreKind::rc};
    if (auto which = label(labels)) v.m_pre = Version::Pre{kinds[*which], label_number()};
  }

  void parse_post(Version& v) {
    if (peek() == '-' && is_digit(peek(1))) {  // "1.0-1", the implicit post-release
      ++m_pos;
      v.m_post = number();
      return;
    }
    static constexpr std::array<std::string_view, 3> labels = {"post", "rev", "r"};
    if (label(labels)) v.m_post = label_number();
  }

  void parse_dev(Version& v) {
    static constexpr std::array<std::string_view, 1> labels = {"dev"};
    if (label(labels)) v.m_dev = label_number();
  }

  void parse_local(Version& v) {
    for (;;) {
      const std::size_t start = m_pos;
      bool digits_only = true;
      while (is_lower_alnum(peek())) {
        digits_only = digits_only && is_digit(peek());
        ++m_pos;
      }
      if (m_pos == start) fail("empty local version segment");
      std::string text = m_text.substr(start, m_pos - start);
      if (digits_only) {
        const std::size_t nonzero = text.find_first_not_of('0');
        text = nonzero == std::string::npos ? "0" : text.substr(nonzero);
      }
      v.m_local.push_back({digits_only, std::move(text)});
      if (!is_separator(peek())) return;
      ++m_pos;
    }
  }

  std::string_view m_original;
  std::string m_text;
  std::size_t m_pos = 0;
};

Version Version::parse(std::string_view text) {
  return VersionParser(text, lowercase(trim(text))).parse();
}

std::optional<Version> Version::try_parse(std::string_view text) {
  try {
    return parse(text);
  } catch (const InvalidVersion&) {
    return std::nullopt;
  }
}

std::string Version::local() const {
  std::string out;
  for (const auto& segment : m_local) out += (out.empty() ? "" : ".") + segment.text;
  return out;
}

Version Version::public_version() const {
  Version v = *this;
  v.m_local.clear();
  return v;
}

Version Version::base_version() const {
  Version v;
  v.m_epoch = m_epoch;
  v.m_release = m_release;
  return v;
}

Version Version::with_dev(std::uint64_t dev) const {
  Version v = public_version();
  v.m_dev = dev;
  return v;
}

Version Version::without_post() const {
  Version v = public_version();
  v.m_post.reset();
  v.m_dev.reset();
  return v;
}

std::string Version::to_string() const {
  std::string out;
  if (m_epoch != 0) out += std::to_string(m_epoch) + "!";
  for (std::size_t i = 0; i < m_release.size(); ++i)
    out += (i ? "." : "") + std::to_string(m_release[i]);
  if (m_pre) {
    static constexpr std::array<std::string_view, 3> names = {"a", "b", "rc"};
    out += names[static_cast<std::size_t>(m_pre->kind)];
    out += std::to_string(m_pre->number);
  }
  if (m_post) out += ".post" + std::to_string(*m_post);
  if (m_dev) out += ".dev" + std::to_string(*m_dev);
  if (!m_local.empty()) out += "+" + local();
  return out;
}

std::strong_ordering operator<=>(const Version& a, const Version& b) {
  if (auto c = a.m_epoch <=> b.m_epoch; c != 0) return c;

  const auto ra = trimmed_release(a.m_release);
  const auto rb = trimmed_release(b.m_release);
  if (auto c = std::lexicographical_compare_three_way(ra.begin(), ra.end(), rb.begin(), rb.end());
      c != 0)
    return c;

  // The pre-release key: a dev release of a final (1.0.dev0, no pre, no post)
  // sorts before every pre-release of it; no pre-release sorts after them all.
  auto pre_key = [](const Version& v) -> std::pair<int, std::uint64_t> {
    if (!v.m_pre && !v.m_post && v.m_dev) return {-1, 0};
    if (!v.m_pre) return {3, 0};
    return {static_cast<int>(v.m_pre->kind), v.m_pre->number};
  };
  if (auto c = pre_key(a) <=> pre_key(b); c != 0) return c;

  // No post-release sorts before any post-release.
  auto post_key = [](const Version& v) -> std::pair<int, std::uint64_t> {
    return v.m_post ? std::pair{1, *v.m_post} : std::pair{0, std::uint64_t{0}};
  };
  if (auto c = post_key(a) <=> post_key(b); c != 0) return c;

  // No dev release sorts after any dev release.
  auto dev_key = [](const Version& v) -> std::pair<int, std::uint64_t> {
    return v.m_dev ? std::pair{0, *v.m_dev} : std::pair{1, std::uint64_t{0}};
  };
  if (auto c = dev_key(a) <=> dev_key(b); c != 0) return c;

  // No local label sorts first; then segment by segment, a number after any
  // text, and a longer label after its own prefix.
  const std::size_t common = std::min(a.m_local.size(), b.m_local.size());
  for (std::size_t i = 0; i < common; ++i) {
    const auto& sa = a.m_local[i];
    const auto& sb = b.m_local[i];
    if (sa.numeric != sb.numeric) return sa.numeric ? std::strong_ordering::greater
                                                    : std::strong_ordering::less;
    auto c = sa.numeric ? compare_digits(sa.text, sb.text) : (sa.text.compare(sb.text) <=> 0);
    if (c != 0) return c;
  }
  return a.m_local.size() <=> b.m_local.size();
}

std::string_view to_string(Operator op) {
  switch (op) {
    case Operator::compatible: return "~=";
    case Operator::equal: return "==";
    case Operator::not_equal: return "!=";
    case Operator::less_equal: return "<=";
    case Operator::greater_equal: return ">=";
    case Operator::less: return "<";
    case Operator::greater: return ">";
    case Operator::arbitrary: return "===";
  }
  return "?";
}

namespace {

// Release prefix matching for "==V.*" and the implied prefix of "~=": the
// candidate's release, zero-padded, starts with the prefix (pre-, post- and dev
// parts of the candidate do not matter, nor does its local label).
bool prefix_matches(const Version& candidate, std::uint64_t epoch,
                    const std::vector<std::uint64_t>& prefix) {
  if (candidate.epoch() != epoch) return false;
  const auto& release = candidate.release();
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const std::uint64_t part = i < release.size() ? release[i] : 0;
    if (part != prefix[i]) return false;
  }
  return true;
}

}  // namespace

Specifier Specifier::parse(std::string_view text) {
  const std::string_view spec = trim(text);
  auto fail = [&](std::string_view why) -> Specifier {
    throw InvalidSpecifier("invalid specifier " + quote(spec) + ": " + std::string(why));
  };

  static constexpr std::array<std::pair<std::string_view, Operator>, 8> operators = {{
      {"===", Operator::arbitrary},
      {"~=", Operator::compatible},
      {"==", Operator::equal},
      {"!=", Operator::not_equal},
      {"<=", Operator::less_equal},
      {">=", Operator::greater_equal},
      {"<", Operator::less},
      {">", Operator::greater},
  }};
  Specifier s;
  std::string_view rest;
  bool found = false;
  for (const auto& [symbol, op] : operators) {
    if (spec.substr(0, symbol.size()) == symbol) {
      s.m_op = op;
      rest = trim(spec.substr(symbol.size()));
      found = true;
      break;
    }
  }
  if (!found) return fail("expected an operator (==, !=, <=, >=, <, >, ~=, ===)");
  if (rest.empty()) return fail("missing version");
  s.m_text = std::string(rest);

  if (s.m_op == Operator::arbitrary) {
    // Anything without whitespace, ';' or ')' (packaging's pattern); it names a
    // version only when it happens to be one.
    if (std::any_of(rest.begin(), rest.end(),
                    [](char c) { return is_space(c) || c == ';' || c == ')'; }))
      return fail("'===' takes one word");
    s.m_version = Version::try_parse(rest);
    return s;
  }

  std::string_view version_text = rest;
  if (rest.size() >= 2 && rest.substr(rest.size() - 2) == ".*") {
    if (s.m_op != Operator::equal && s.m_op != Operator::not_equal)
      return fail("a '.*' suffix is only allowed with == and !=");
    s.m_wildcard = true;
    version_text = rest.substr(0, rest.size() - 2);
  }
  try {
    s.m_version = Version::parse(version_text);
  } catch (const InvalidVersion& error) {
    return fail(error.what());
  }
  const Version& v = *s.m_version;
  if (s.m_wildcard && (v.pre() || v.post() || v.dev() || v.has_local()))
    return fail("a '.*' suffix only follows a release like 1.2");
  if (v.has_local() && s.m_op != Operator::equal && s.m_op != Operator::not_equal)
    return fail("a local version label is only allowed with == and !=");
  if (s.m_op == Operator::compatible && v.release().size() < 2)
    return fail("'~=' needs a release with at least two parts, like ~=1.4");
  return s;
}

bool Specifier::implies_prereleases() const {
  if (m_op == Operator::not_equal) return false;
  if (m_wildcard) return false;
  return m_version && m_version->is_prerelease();
}

bool Specifier::matches(const Version& candidate) const {
  if (m_op == Operator::arbitrary) return lowercase(candidate.to_string()) == lowercase(m_text);
  const Version& spec = *m_version;
  switch (m_op) {
    case Operator::compatible: {
      // ~=V.N is >=V.N together with ==V.* (suffixes of the spec ignored).
      std::vector<std::uint64_t> prefix(spec.release().begin(), spec.release().end() - 1);
      return candidate.public_version() >= spec && prefix_matches(candidate, spec.epoch(), prefix);
    }
    case Operator::equal:
    case Operator::not_equal: {
      bool equal;
      if (m_wildcard)
        equal = prefix_matches(candidate, spec.epoch(), spec.release());
      else if (spec.has_local())
        equal = candidate == spec;
      else
        equal = candidate.public_version() == spec;  // ==1.0 admits 1.0+ubuntu.1
      return m_op == Operator::equal ? equal : !equal;
    }
    case Operator::less_equal: return candidate.public_version() <= spec;
    case Operator::greater_equal: return candidate.public_version() >= spec;
    case Operator::less:
      // PEP 440: "<V MUST NOT allow a pre-release of the specified version
      // unless the specified version is itself a pre-release": <1.7 refuses
      // 1.7rc1 and 1.7.dev0 but still admits 1.6.9rc1.
      if (!(candidate < spec)) return false;
      return spec.is_prerelease() || !candidate.is_prerelease() || candidate < spec.with_dev(0);
    case Operator::greater:
      // PEP 440: ">V MUST NOT allow a post-release of the specified version
      // unless the specified version is itself a post-release", nor a local
      // version of it: >1.7 refuses 1.7.post1 and 1.7+local.
      if (!(candidate > spec)) return false;
      if (!spec.is_postrelease() && candidate.is_postrelease() && candidate.without_post() == spec)
        return false;
      if (candidate.has_local() && candidate.public_version() == spec) return false;
      return true;
    case Operator::arbitrary: break;
  }
  return false;
}

bool Specifier::contains(const Version& candidate, PrereleasePolicy policy) const {
  const bool admit = policy == PrereleasePolicy::allow ||
                     (policy == PrereleasePolicy::pep440_default && implies_prereleases());
  if (candidate.is_prerelease() && !admit) return false;
  return matches(candidate);
}

std::string Specifier::to_string() const {
  std::string out(pydeps::to_string(m_op));
  if (m_op == Operator::arbitrary) return out + m_text;
  return out + m_version->to_string() + (m_wildcard ? ".*" : "");
}

SpecifierSet SpecifierSet::parse(std::string_view text) {
  std::vector<Specifier> specifiers;
  while (true) {
    const std::size_t comma = text.find(',');
    const std::string_view clause = trim(text.substr(0, comma));
    if (!clause.empty()) specifiers.push_back(Specifier::parse(clause));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return SpecifierSet(std::move(specifiers));
}

bool SpecifierSet::implies_prereleases() const {
  return std::any_of(m_specifiers.begin(), m_specifiers.end(),
                     [](const Specifier& s) { return s.implies_prereleases(); });
}

bool SpecifierSet::contains(const Version& candidate, PrereleasePolicy policy) const {
  const bool admit = policy == PrereleasePolicy::allow ||
                     (policy == PrereleasePolicy::pep440_default && implies_prereleases());
  if (candidate.is_prerelease() && !admit) return false;
  return std::all_of(m_specifiers.begin(), m_specifiers.end(),
                     [&](const Specifier& s) { return s.matches(candidate); });
}

std::optional<Version> SpecifierSet::exact_version() const {
  for (const auto& s : m_specifiers) {
    if ((s.op() == Operator::equal && !s.is_wildcard()) ||
        (s.op() == Operator::arbitrary && s.version()))
      return s.version();
  }
  return std::nullopt;
}

SpecifierSet& SpecifierSet::operator&=(const SpecifierSet& other) {
  m_specifiers.insert(m_specifiers.end(), other.m_specifiers.begin(), other.m_specifiers.end());
  return *this;
}

std::string SpecifierSet::to_string() const {
  std::string out;
  for (const auto& s : m_specifiers) out += (out.empty() ? "" : ",") + s.to_string();
  return out;
}

}  // namespace pgverify::pydeps
