#include "pydeps/requirement.hpp"

namespace pgverify::pydeps {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_name_char(char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string normalize_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool in_separator_run = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_separator_run) out += '-';
      in_separator_run = true;
      continue;
    }
    in_separator_run = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

bool is_valid_name(std::string_view name) {
  if (name.empty() || !is_alnum(name.front()) || !is_alnum(name.back())) return false;
  for (char c : name)
    if (!is_name_char(c)) return false;
  return true;
}

Requirement parse_requirement(std::string_view text) {
  const std::string_view whole = trim(text);
  auto fail = [&](const std::string& why) -> Requirement {
    throw InvalidRequirement("invalid requirement " + quote(whole) + ": " + why);
  };

  Requirement req;
  std::size_t pos = 0;
  auto skip_space = [&] {
    while (pos < whole.size() && is_space(whole[pos])) ++pos;
  };

  while (pos < whole.size() && is_name_char(whole[pos])) ++pos;
  req.name = std::string(whole.substr(0, pos));
  if (req.name.empty()) return fail("expected a package name");
  if (!is_valid_name(req.name)) return fail("package name " + quote(req.name) + " is not valid");

  skip_space();
  if (pos < whole.size() && whole[pos] == '[') {
    const std::size_t close = whole.find(']', pos);
    if (close == std::string_view::npos) return fail("missing ']' after extras");
    std::string_view list = whole.substr(pos + 1, close - pos - 1);
    while (true) {
      const std::size_t comma = list.find(',');
      const std::string_view extra = trim(list.substr(0, comma));
      if (!extra.empty()) {
        if (!is_valid_name(extra)) return fail("extra " + quote(extra) + " is not valid");
        req.extras.emplace_back(extra);
      } else if (comma != std::string_view::npos) {
        return fail("empty extra name");
      }
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    pos = close + 1;
    skip_space();
  }

  std::string_view marker_text;
  bool has_marker = false;
  if (pos < whole.size() && whole[pos] == '@') {
    ++pos;
    skip_space();
    const std::size_t start = pos;
    while (pos < whole.size() && !is_space(whole[pos])) ++pos;
    req.url = std::string(whole.substr(start, pos - start));
    if (req.url.empty()) return fail("missing URL after '@'");
    skip_space();
    if (pos < whole.size()) {
      // PEP 508 needs whitespace between a URL and its ';'.
      if (whole[pos] != ';') return fail("unexpected text after the URL");
      has_marker = true;
      marker_text = whole.substr(pos + 1);
    }
  } else {
    const std::size_t semicolon = whole.find(';', pos);
    std::string_view spec_text = trim(whole.substr(pos, semicolon - pos));
    if (semicolon != std::string_view::npos) {
      has_marker = true;
      marker_text = whole.substr(semicolon + 1);
    }
    if (!spec_text.empty() && spec_text.front() == '(') {
      if (spec_text.back() != ')') return fail("missing ')' after the version specifiers");
      spec_text = spec_text.substr(1, spec_text.size() - 2);
    }
    try {
      req.specifiers = SpecifierSet::parse(spec_text);
    } catch (const InvalidSpecifier& error) {
      return fail(error.what());
    }
  }

  if (has_marker) {
    if (trim(marker_text).empty()) return fail("missing marker after ';'");
    try {
      req.marker = Marker::parse(trim(marker_text));
    } catch (const InvalidMarker& error) {
      return fail(error.what());
    }
  }
  return req;
}

std::optional<WheelName> parse_wheel_filename(std::string_view url_or_path) {
  std::string_view s = url_or_path;
  s = s.substr(0, s.find_first_of("#?"));
  if (const std::size_t slash = s.find_last_of("/\\"); slash != std::string_view::npos)
    s.remove_prefix(slash + 1);
  constexpr std::string_view suffix = ".whl";
  if (s.size() <= suffix.size() || s.substr(s.size() - suffix.size()) != suffix) return std::nullopt;
  s.remove_suffix(suffix.size());
  // {name}-{version}(-{build})?-{python}-{abi}-{platform}
  const std::size_t first = s.find('-');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = s.find('-', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const std::string_view name = s.substr(0, first);
  if (!is_valid_name(name)) return std::nullopt;
  auto version = Version::try_parse(s.substr(first + 1, second - first - 1));
  if (!version) return std::nullopt;
  return WheelName{std::string(name), *version};
}

}  // namespace pgverify::pydeps
