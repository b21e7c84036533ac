#include "pydeps/markers.hpp"

#include <array>
#include <optional>

#include "pydeps/pep440.hpp"
#include "pydeps/requirement.hpp"

namespace pgverify::pydeps {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

constexpr int max_nesting = 32;

}  // namespace

const std::string* MarkerEnvironment::lookup(std::string_view name) const {
  if (name == "implementation_name") return &implementation_name;
  if (name == "implementation_version") return &implementation_version;
  if (name == "os_name" || name == "os.name") return &os_name;
  if (name == "platform_machine" || name == "platform.machine") return &platform_machine;
  if (name == "platform_python_implementation" || name == "platform.python_implementation" ||
      name == "python_implementation")
    return &platform_python_implementation;
  if (name == "platform_release" || name == "platform.release") return &platform_release;
  if (name == "platform_system" || name == "platform.system") return &platform_system;
  if (name == "platform_version" || name == "platform.version") return &platform_version;
  if (name == "python_full_version") return &python_full_version;
  if (name == "python_version") return &python_version;
  if (name == "sys_platform" || name == "sys.platform") return &sys_platform;
  if (name == "extra") return &extra;
  return nullptr;
}

struct Marker::Node {
  enum class Kind { compare, all, any };
  struct Operand {
    bool variable = false;
    std::string text;  // the variable's name, or the string literal's value
  };
  Kind kind = Kind::compare;
  Operand lhs;
  std::string op;
  Operand rhs;
  std::vector<Node> children;
};

namespace {

using Node = Marker::Node;

class MarkerParser {
 public:
  explicit MarkerParser(std::string_view text) : m_text(text) {}

  Node parse() {
    Node node = parse_or(0);
    skip_space();
    if (m_pos != m_text.size()) fail("unexpected " + quote(m_text.substr(m_pos), 20));
    return node;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw InvalidMarker("invalid marker " + quote(m_text) + ": " + why);
  }

  void skip_space() {
    while (m_pos < m_text.size() && is_space(m_text[m_pos])) ++m_pos;
  }

  // A keyword ("and", "or", "in", "not") followed by something that is not a
  // name character.
  bool keyword(std::string_view word) {
    skip_space();
    if (m_text.substr(m_pos, word.size()) != word) return false;
    const std::size_t end = m_pos + word.size();
    if (end < m_text.size() && is_name_char(m_text[end])) return false;
    m_pos = end;
    return true;
  }

  Node parse_or(int depth) {
    Node first = parse_and(depth);
    if (!keyword("or")) return first;
    Node any;
    any.kind = Node::Kind::any;
    any.children.push_back(std::move(first));
    do any.children.push_back(parse_and(depth));
    while (keyword("or"));
    return any;
  }

  Node parse_and(int depth) {
    Node first = parse_atom(depth);
    if (!keyword("and")) return first;
    Node all;
    all.kind = Node::Kind::all;
    all.children.push_back(std::move(first));
    do all.children.push_back(parse_atom(depth));
    while (keyword("and"));
    return all;
  }

  Node parse_atom(int depth) {
    skip_space();
    if (m_pos < m_text.size() && m_text[m_pos] == '(') {
      if (depth >= max_nesting) fail("parentheses nested too deeply");
      ++m_pos;
      Node inner = parse_or(depth + 1);
      skip_space();
      if (m_pos >= m_text.size() || m_text[m_pos] != ')') fail("missing ')'");
      ++m_pos;
      return inner;
    }
    Node node;
    node.lhs = parse_operand();
    node.op = parse_operator();
    node.rhs = parse_operand();
    return node;
  }

  Node::Operand parse_operand() {
    skip_space();
    if (m_pos >= m_text.size()) fail("expected a marker variable or a quoted string");
    const char c = m_text[m_pos];
    if (c == '"' || c == '\'') {
      const std::size_t close = m_text.find(c, m_pos + 1);
      if (close == std::string_view::npos) fail("unterminated string");
      Node::Operand operand{false, std::string(m_text.substr(m_pos + 1, close - m_pos - 1))};
      m_pos = close + 1;
      return operand;
    }
    const std::size_t start = m_pos;
    while (m_pos < m_text.size() && is_name_char(m_text[m_pos])) ++m_pos;
    const std::string_view name = m_text.substr(start, m_pos - start);
    if (name.empty()) fail("expected a marker variable or a quoted string");
    if (!MarkerEnvironment{}.lookup(name)) fail("unknown marker variable " + quote(name));
    return {true, std::string(name)};
  }

  std::string parse_operator() {
    skip_space();
    static constexpr std::array<std::string_view, 8> symbols = {"===", "==", "!=", "<=",
                                                                 ">=",  "~=", "<",  ">"};
    for (auto symbol : symbols) {
      if (m_text.substr(m_pos, symbol.size()) == symbol) {
        m_pos += symbol.size();
        return std::string(symbol);
      }
    }
    if (keyword("in")) return "in";
    if (keyword("not")) {
      if (!keyword("in")) fail("expected 'in' after 'not'");
      return "not in";
    }
    fail("expected a comparison operator");
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
};

bool compare(const Node& node, const MarkerEnvironment& env, const std::string& marker_text) {
  auto value = [&](const Node::Operand& operand) {
    return operand.variable ? *env.lookup(operand.text) : operand.text;
  };
  std::string lhs = value(node.lhs);
  std::string rhs = value(node.rhs);
  const std::string& op = node.op;

  // packaging compares extras by their normalised names.
  if ((node.lhs.variable && node.lhs.text == "extra") ||
      (node.rhs.variable && node.rhs.text == "extra")) {
    lhs = normalize_name(lhs);
    rhs = normalize_name(rhs);
  }

  if (op == "in") return rhs.find(lhs) != std::string::npos;
  if (op == "not in") return rhs.find(lhs) == std::string::npos;

  if (auto version = Version::try_parse(lhs)) {
    try {
      return Specifier::parse(op + rhs).contains(*version, PrereleasePolicy::allow);
    } catch (const InvalidSpecifier&) {
      // not a version comparison: fall through to strings
    }
  }
  if (op == "==") return lhs == rhs;
  if (op == "!=") return lhs != rhs;
  if (op == "<") return lhs < rhs;
  if (op == "<=") return lhs <= rhs;
  if (op == ">") return lhs > rhs;
  if (op == ">=") return lhs >= rhs;
  throw InvalidMarker("invalid marker " + quote(marker_text) + ": cannot compare " + quote(lhs) +
                      " " + op + " " + quote(rhs) + " as versions");
}

bool evaluate_node(const Node& node, const MarkerEnvironment& env, const std::string& text) {
  switch (node.kind) {
    case Node::Kind::compare: return compare(node, env, text);
    case Node::Kind::all: {
      // Every operand is evaluated, so an impossible comparison is reported
      // whatever the environment.
      bool result = true;
      for (const auto& child : node.children) result = evaluate_node(child, env, text) && result;
      return result;
    }
    case Node::Kind::any: {
      bool result = false;
      for (const auto& child : node.children) result = evaluate_node(child, env, text) || result;
      return result;
    }
  }
  return false;
}

}  // namespace

Marker Marker::parse(std::string_view text) {
  Marker marker;
  marker.m_text = std::string(text);
  marker.m_root = std::make_shared<const Node>(MarkerParser(marker.m_text).parse());
  return marker;
}

bool Marker::evaluate(const MarkerEnvironment& environment) const {
  return evaluate_node(*m_root, environment, m_text);
}

}  // namespace pgverify::pydeps
