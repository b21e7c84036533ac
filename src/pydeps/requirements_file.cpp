#include "pydeps/requirements_file.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <string>

#include "pydeps/text.hpp"

namespace pgverify::pydeps {

namespace fs = std::filesystem;

namespace {

struct LogicalLine {
  std::size_t number;
  std::string text;
};

bool is_comment_line(std::string_view line) {
  line = trim_space(line);
  return !line.empty() && line.front() == '#';
}

// pip's join_lines: a line ending in '\' continues on the next one, except
// that a comment line always ends the logical line. Numbered by first line.
std::vector<LogicalLine> logical_lines(std::string_view text) {
  std::vector<LogicalLine> out;
  std::string pending;
  std::size_t pending_start = 0;
  bool continuing = false;
  std::size_t number = 0;
  while (!text.empty() || number == 0) {
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const bool comment = is_comment_line(line);
    if (line.empty() || line.back() != '\\' || comment) {
      if (continuing) {
        pending += comment ? " " + std::string(line) : std::string(line);
        out.push_back({pending_start, std::move(pending)});
        pending.clear();
        continuing = false;
      } else {
        out.push_back({number, std::string(line)});
      }
    } else {
      if (!continuing) pending_start = number;
      continuing = true;
      line.remove_suffix(1);
      pending += line;
    }
    if (newline == std::string_view::npos) break;
  }
  if (continuing) out.push_back({pending_start, std::move(pending)});
  return out;
}

// pip's COMMENT_RE, "(^|\s+)#.*$": a '#' at the start or after whitespace
// starts a comment; one inside a URL ("…#egg=name") does not.
std::string_view strip_comment(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '#' && (i == 0 || is_space_char(line[i - 1]))) return line.substr(0, i);
  }
  return line;
}

// Whitespace-separated words with shell-style quotes, as pip's shlex.split of
// the options part of a line.
std::vector<std::string> split_words(std::string_view text, bool& unbalanced) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote_char = 0;
  unbalanced = false;
  for (char c : text) {
    if (quote_char) {
      if (c == quote_char)
        quote_char = 0;
      else
        word += c;
      continue;
    }
    if (is_space_char(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '"' || c == '\'')
      quote_char = c;
    else
      word += c;
  }
  if (quote_char) unbalanced = true;
  if (in_word) words.push_back(std::move(word));
  return words;
}

enum class OptionKind {
  requirement,  // -r
  constraint,   // -c
  editable,     // -e
  ignored,      // index, binary and feature options: no bearing on versions
  hash,         // --hash on a requirement line
};

struct OptionSpec {
  std::string_view short_name;  // "-r" or empty
  std::string_view long_name;   // "--requirement"
  bool takes_value;
  OptionKind kind;
  bool per_requirement;         // allowed after a requirement on its line
};

// pip's SUPPORTED_OPTIONS and SUPPORTED_OPTIONS_REQ (req_file.py).
constexpr std::array<OptionSpec, 19> option_specs = {{
    {"-r", "--requirement", true, OptionKind::requirement, false},
    {"-c", "--constraint", true, OptionKind::constraint, false},
    {"-e", "--editable", true, OptionKind::editable, false},
    {"-i", "--index-url", true, OptionKind::ignored, false},
    {"", "--extra-index-url", true, OptionKind::ignored, false},
    {"", "--no-index", false, OptionKind::ignored, false},
    {"-f", "--find-links", true, OptionKind::ignored, false},
    {"", "--no-binary", true, OptionKind::ignored, false},
    {"", "--only-binary", true, OptionKind::ignored, false},
    {"", "--prefer-binary", false, OptionKind::ignored, false},
    {"", "--require-hashes", false, OptionKind::ignored, false},
    {"", "--pre", false, OptionKind::ignored, false},
    {"", "--trusted-host", true, OptionKind::ignored, false},
    {"", "--use-feature", true, OptionKind::ignored, false},
    {"", "--hash", true, OptionKind::hash, true},
    {"", "--global-option", true, OptionKind::ignored, true},
    {"", "--install-option", true, OptionKind::ignored, true},
    {"", "--config-settings", true, OptionKind::ignored, true},
    {"-C", "", true, OptionKind::ignored, true},
}};

struct ParsedOption {
  const OptionSpec* spec;
  std::string value;
};

bool is_hex(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

bool looks_like_url_or_path(std::string_view text) {
  if (text.find("://") != std::string_view::npos) return true;
  if (text.find('/') != std::string_view::npos || text.find('\\') != std::string_view::npos)
    return true;
  if (text.front() == '.' || text.front() == '~') return true;
  for (std::string_view prefix : {"git+", "hg+", "svn+", "bzr+", "file:"})
    if (text.substr(0, prefix.size()) == prefix) return true;
  for (std::string_view suffix : {".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar"})
    if (text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix)
      return true;
  return false;
}

// The project a URL or path installs, from "#egg=name" or a wheel file name.
std::optional<Requirement> requirement_from_url(std::string_view url) {
  Requirement req;
  req.url = std::string(url);
  if (auto wheel = parse_wheel_filename(url)) {
    req.name = wheel->name;
    return req;
  }
  const std::size_t hash = url.find('#');
  if (hash == std::string_view::npos) return std::nullopt;
  std::string_view fragment = url.substr(hash + 1);
  while (!fragment.empty()) {
    const std::size_t amp = fragment.find('&');
    std::string_view item = fragment.substr(0, amp);
    if (item.substr(0, 4) == "egg=") {
      std::string_view name = item.substr(4);
      // "#egg=name[extra]" and the old "#egg=name-1.0" spelling: the name only.
      name = name.substr(0, name.find('['));
      if (is_valid_name(name)) {
        req.name = std::string(name);
        return req;
      }
      return std::nullopt;
    }
    if (amp == std::string_view::npos) break;
    fragment.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

class RequirementsReader {
 public:
  explicit RequirementsReader(std::size_t max_depth) : m_max_depth(max_depth) {}

  void read(const fs::path& path, bool constraint) {
    const fs::path canonical = canonical_of(path);
    if (!m_done.insert({canonical.string(), constraint}).second) return;
    m_chain.push_back({canonical, path});
    const std::string text = read_text_file(path);
    for (const auto& line : logical_lines(text)) read_line(path, line, constraint);
    m_chain.pop_back();
  }

  std::vector<RequirementEntry> take() { return std::move(m_entries); }

 private:
  struct ChainLink {
    fs::path canonical;
    fs::path shown;
  };

  static fs::path canonical_of(const fs::path& path) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    if (ec) canonical = fs::absolute(path, ec).lexically_normal();
    return canonical;
  }

  [[noreturn]] static void fail(ParseErrc code, const fs::path& path, std::size_t line,
                                const std::string& why) {
    throw ParseError(code, path, line, why);
  }

  // Splits "--opt=value", "--opt value", "-rvalue" and "-r value" forms.
  std::vector<ParsedOption> parse_options(const fs::path& path, std::size_t line,
                                          const std::vector<std::string>& words,
                                          std::size_t first) {
    std::vector<ParsedOption> options;
    for (std::size_t i = first; i < words.size(); ++i) {
      const std::string& word = words[i];
      if (word.empty() || word.front() != '-')
        fail(ParseErrc::bad_option, path, line, "unexpected " + quote(word) + " among options");
      const OptionSpec* found = nullptr;
      std::optional<std::string> value;
      for (const auto& spec : option_specs) {
        if (!spec.long_name.empty() && word.rfind(spec.long_name, 0) == 0) {
          if (word.size() == spec.long_name.size()) {
            found = &spec;
          } else if (word[spec.long_name.size()] == '=' && spec.takes_value) {
            found = &spec;
            value = word.substr(spec.long_name.size() + 1);
          }
        } else if (!spec.short_name.empty() && word.rfind(spec.short_name, 0) == 0 &&
                   word.rfind("--", 0) != 0) {
          found = &spec;
          if (word.size() > spec.short_name.size()) value = word.substr(spec.short_name.size());
        }
        if (found) break;
      }
      if (!found) fail(ParseErrc::bad_option, path, line, "unknown option " + quote(word));
      if (found->takes_value && !value) {
        if (i + 1 >= words.size())
          fail(ParseErrc::bad_option, path, line, "option " + quote(word) + " needs a value");
        value = words[++i];
      }
      options.push_back({found, value.value_or("")});
    }
    return options;
  }

  void read_line(const fs::path& path, const LogicalLine& logical, bool constraint) {
    const std::string_view text = trim_space(strip_comment(logical.text));
    if (text.empty()) return;
    const std::size_t line = logical.number;

    bool unbalanced = false;
    if (text.front() == '-') {
      const auto words = split_words(text, unbalanced);
      if (unbalanced) fail(ParseErrc::bad_option, path, line, "unbalanced quotes");
      const auto options = parse_options(path, line, words, 0);
      // pip allows --config-settings after -e; other per-requirement options
      // need a requirement before them.
      const bool has_editable = std::any_of(options.begin(), options.end(), [](const auto& o) {
        return o.spec->kind == OptionKind::editable;
      });
      for (const auto& option : options) {
        if (option.spec->per_requirement && !has_editable)
          fail(ParseErrc::bad_option, path, line,
               "option " + quote(option.spec->long_name.empty() ? option.spec->short_name
                                                                 : option.spec->long_name) +
                   " belongs after a requirement on the same line");
        switch (option.spec->kind) {
          case OptionKind::requirement:
            // pip treats -r inside a constraints file as more constraints.
            include(path, line, option.value, constraint);
            break;
          case OptionKind::constraint: include(path, line, option.value, true); break;
          case OptionKind::editable: editable(path, line, option.value, constraint); break;
          case OptionKind::ignored:
          case OptionKind::hash: break;
        }
      }
      return;
    }

    // pip's break_args_options: the requirement runs up to the first word that
    // starts with '-'; the rest are per-requirement options.
    std::size_t options_at = std::string_view::npos;
    for (std::size_t i = 1; i < text.size(); ++i) {
      if (text[i] == '-' && is_space_char(text[i - 1])) {
        options_at = i;
        break;
      }
    }
    const std::string_view requirement_text = trim_space(text.substr(0, options_at));
    if (options_at != std::string_view::npos) {
      const auto words = split_words(text.substr(options_at), unbalanced);
      if (unbalanced) fail(ParseErrc::bad_option, path, line, "unbalanced quotes");
      for (const auto& option : parse_options(path, line, words, 0)) {
        if (!option.spec->per_requirement)
          fail(ParseErrc::bad_option, path, line,
               "option " + quote(option.spec->long_name.empty() ? option.spec->short_name
                                                                 : option.spec->long_name) +
                   " must be on a line of its own");
        if (option.spec->kind == OptionKind::hash) {
          const std::size_t colon = option.value.find(':');
          if (colon == std::string::npos || colon == 0 ||
              !is_hex(std::string_view(option.value).substr(colon + 1)))
            fail(ParseErrc::bad_option, path, line,
                 "--hash takes ALGORITHM:HEXDIGEST, not " + quote(option.value));
        }
      }
    }

    try {
      m_entries.push_back({parse_requirement(requirement_text), path, line, constraint, false});
      return;
    } catch (const InvalidRequirement& error) {
      if (!looks_like_url_or_path(requirement_text))
        fail(ParseErrc::bad_requirement, path, line, error.what());
    }
    // A bare URL or path: pip installs whatever it points at.
    if (auto req = requirement_from_url(requirement_text))
      m_entries.push_back({std::move(*req), path, line, constraint, false});
  }

  void editable(const fs::path& path, std::size_t line, std::string_view target, bool constraint) {
    if (auto req = requirement_from_url(target))
      m_entries.push_back({std::move(*req), path, line, constraint, true});
  }

  void include(const fs::path& from, std::size_t line, std::string target, bool constraint) {
    if (target.find("://") != std::string::npos && target.rfind("file://", 0) != 0)
      fail(ParseErrc::unsupported, from, line,
           "remote requirements file " + quote(target) + " cannot be read here");
    if (target.rfind("file://", 0) == 0) target.erase(0, 7);
    if (target.empty()) fail(ParseErrc::bad_option, from, line, "empty file name to include");

    fs::path next = target;
    if (next.is_relative()) next = (from.parent_path() / next).lexically_normal();
    const fs::path canonical = canonical_of(next);
    for (std::size_t i = 0; i < m_chain.size(); ++i) {
      if (m_chain[i].canonical != canonical) continue;
      std::string cycle;
      for (std::size_t j = i; j < m_chain.size(); ++j) cycle += m_chain[j].shown.string() + " -> ";
      fail(ParseErrc::include_cycle, from, line, "include cycle: " + cycle + next.string());
    }
    if (m_chain.size() > m_max_depth)
      fail(ParseErrc::include_too_deep, from, line,
           "includes nested deeper than " + std::to_string(m_max_depth) + " files");
    std::error_code ec;
    if (!fs::exists(next, ec))
      fail(ParseErrc::io_error, from, line, "included file " + quote(next.string()) + " does not exist");
    read(next, constraint);
  }

  std::size_t m_max_depth;
  std::vector<ChainLink> m_chain;
  std::set<std::pair<std::string, bool>> m_done;
  std::vector<RequirementEntry> m_entries;
};

}  // namespace

std::vector<RequirementEntry> read_requirements_file(const fs::path& path,
                                                     std::size_t max_include_depth) {
  RequirementsReader reader(max_include_depth);
  reader.read(path, false);
  return reader.take();
}

}  // namespace pgverify::pydeps
