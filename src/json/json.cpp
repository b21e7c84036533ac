#include "json/json.hpp"

#include <cmath>
#include <cstdio>
#include <cerrno>
#include <cstdlib>

namespace pgverify::json {

namespace {

[[noreturn]] void type_error(const char* expected) {
  throw TypeError(std::string("expected a JSON ") + expected);
}

class Parser {
 public:
  explicit Parser(std::string_view text) : m_text(text) {}

  Value parse_document() {
    skip_space();
    Value value = parse_value(0);
    skip_space();
    if (m_pos != m_text.size()) fail("unexpected characters after the JSON value");
    return value;
  }

 private:
  static constexpr int max_depth = 128;

  [[noreturn]] void fail(const std::string& what) const {
    throw ParseError(what + " at offset " + std::to_string(m_pos), m_pos);
  }

  void skip_space() {
    while (m_pos < m_text.size() &&
           (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\n' ||
            m_text[m_pos] == '\r'))
      ++m_pos;
  }

  bool consume_literal(std::string_view literal) {
    if (m_text.substr(m_pos, literal.size()) != literal) return false;
    m_pos += literal.size();
    return true;
  }

  Value parse_value(int depth) {
    if (depth > max_depth) fail("JSON nested too deeply");
    if (m_pos >= m_text.size()) fail("unexpected end of JSON");
    char c = m_text[m_pos];
    if (c == '{') return parse_object(depth);
    if (c == '[') return parse_array(depth);
    if (c == '"') return Value(parse_string());
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number();
    if (consume_literal("true")) return Value(true);
    if (consume_literal("false")) return Value(false);
    if (consume_literal("null")) return Value(nullptr);
    fail("unexpected character in JSON");
  }

  Value parse_object(int depth) {
    ++m_pos;  // '{'
    Object object;
    skip_space();
    if (m_pos < m_text.size() && m_text[m_pos] == '}') {
      ++m_pos;
      return Value(std::move(object));
    }
    for (;;) {
      skip_space();
      if (m_pos >= m_text.size() || m_text[m_pos] != '"') fail("expected a string key in JSON object");
      std::string key = parse_string();
      skip_space();
      if (m_pos >= m_text.size() || m_text[m_pos] != ':') fail("expected ':' in JSON object");
      ++m_pos;
      skip_space();
      object.emplace_back(std::move(key), parse_value(depth + 1));
      skip_space();
      if (m_pos >= m_text.size()) fail("unexpected end of JSON object");
      if (m_text[m_pos] == ',') {
        ++m_pos;
        continue;
      }
      if (m_text[m_pos] == '}') {
        ++m_pos;
        return Value(std::move(object));
      }
      fail("expected ',' or '}' in JSON object");
    }
  }

  Value parse_array(int depth) {
    ++m_pos;  // '['
    Array array;
    skip_space();
    if (m_pos < m_text.size() && m_text[m_pos] == ']') {
      ++m_pos;
      return Value(std::move(array));
    }
    for (;;) {
      skip_space();
      array.push_back(parse_value(depth + 1));
      skip_space();
      if (m_pos >= m_text.size()) fail("unexpected end of JSON array");
      if (m_text[m_pos] == ',') {
        ++m_pos;
        continue;
      }
      if (m_text[m_pos] == ']') {
        ++m_pos;
        return Value(std::move(array));
      }
      fail("expected ',' or ']' in JSON array");
    }
  }

  unsigned parse_hex4() {
    if (m_pos + 4 > m_text.size()) fail("truncated \\u escape in JSON string");
    unsigned code = 0;
    for (int i = 0; i < 4; ++i) {
      char c = m_text[m_pos++];
      code <<= 4;
      if (c >= '0' && c <= '9') code |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') code |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') code |= static_cast<unsigned>(c - 'A' + 10);
      else fail("bad \\u escape in JSON string");
    }
    return code;
  }

  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::string parse_string() {
    ++m_pos;  // opening quote
    std::string out;
    for (;;) {
      if (m_pos >= m_text.size()) fail("unterminated JSON string");
      char c = m_text[m_pos++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in JSON string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (m_pos >= m_text.size()) fail("unterminated JSON string");
      char e = m_text[m_pos++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned code = parse_hex4();
          if (code >= 0xD800 && code <= 0xDBFF) {
            if (!consume_literal("\\u")) fail("unpaired surrogate in JSON string");
            unsigned low = parse_hex4();
            if (low < 0xDC00 || low > 0xDFFF) fail("unpaired surrogate in JSON string");
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          } else if (code >= 0xDC00 && code <= 0xDFFF) {
            fail("unpaired surrogate in JSON string");
          }
          append_utf8(out, code);
          break;
        }
        default: fail("bad escape in JSON string");
      }
    }
  }

  Value parse_number() {
    std::size_t start = m_pos;
    bool integral = true;
    if (m_text[m_pos] == '-') ++m_pos;
    auto digits = [&] {
      std::size_t from = m_pos;
      while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') ++m_pos;
      if (m_pos == from) fail("bad number in JSON");
    };
    digits();
    if (m_pos < m_text.size() && m_text[m_pos] == '.') {
      integral = false;
      ++m_pos;
      digits();
    }
    if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
      integral = false;
      ++m_pos;
      if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-')) ++m_pos;
      digits();
    }
    std::string number(m_text.substr(start, m_pos - start));
    if (integral) {
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(number.c_str(), &end, 10);
      if (errno == 0) return Value(static_cast<std::int64_t>(v));
    }
    return Value(std::strtod(number.c_str(), nullptr));
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
};

void dump_to(std::string& out, const Value& value, int indent, int level);

void newline(std::string& out, int indent, int level) {
  if (indent < 0) return;
  out += '\n';
  out.append(static_cast<std::size_t>(indent * level), ' ');
}

void dump_to(std::string& out, const Value& value, int indent, int level) {
  if (value.is_null()) {
    out += "null";
  } else if (value.is_bool()) {
    out += value.as_bool() ? "true" : "false";
  } else if (value.is_int()) {
    out += std::to_string(value.as_int());
  } else if (value.is_number()) {
    double d = value.as_double();
    if (!std::isfinite(d)) {
      out += "null";
    } else {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.17g", d);
      out += buffer;
    }
  } else if (value.is_string()) {
    out += '"';
    out += escape(value.as_string());
    out += '"';
  } else if (value.is_array()) {
    const Array& array = value.as_array();
    if (array.empty()) {
      out += "[]";
      return;
    }
    out += '[';
    for (std::size_t i = 0; i < array.size(); ++i) {
      if (i) out += ',';
      newline(out, indent, level + 1);
      dump_to(out, array[i], indent, level + 1);
    }
    newline(out, indent, level);
    out += ']';
  } else {
    const Object& object = value.as_object();
    if (object.empty()) {
      out += "{}";
      return;
    }
    out += '{';
    for (std::size_t i = 0; i < object.size(); ++i) {
      if (i) out += ',';
      newline(out, indent, level + 1);
      out += '"';
      out += escape(object[i].first);
      out += indent < 0 ? "\":" : "\": ";
      dump_to(out, object[i].second, indent, level + 1);
    }
    newline(out, indent, level);
    out += '}';
  }
}

}  // namespace

bool Value::as_bool() const {
  if (!is_bool()) type_error("boolean");
  return std::get<bool>(m_data);
}

std::int64_t Value::as_int() const {
  if (!is_int()) type_error("integer");
  return std::get<std::int64_t>(m_data);
}

double Value::as_double() const {
  if (is_int()) return static_cast<double>(std::get<std::int64_t>(m_data));
  if (!is_number()) type_error("number");
  return std::get<double>(m_data);
}

const std::string& Value::as_string() const {
  if (!is_string()) type_error("string");
  return std::get<std::string>(m_data);
}

const Array& Value::as_array() const {
  if (!is_array()) type_error("array");
  return *std::get<std::shared_ptr<Array>>(m_data);
}

const Object& Value::as_object() const {
  if (!is_object()) type_error("object");
  return *std::get<std::shared_ptr<Object>>(m_data);
}

Array& Value::as_array() {
  if (!is_array()) type_error("array");
  return *std::get<std::shared_ptr<Array>>(m_data);
}

Object& Value::as_object() {
  if (!is_object()) type_error("object");
  return *std::get<std::shared_ptr<Object>>(m_data);
}

const Value* Value::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const auto& [name, value] : as_object())
    if (name == key) return &value;
  return nullptr;
}

Value& Value::set(std::string key, Value value) {
  if (is_null()) m_data = std::make_shared<Object>();
  as_object().emplace_back(std::move(key), std::move(value));
  return as_object().back().second;
}

Value& Value::push(Value value) {
  if (is_null()) m_data = std::make_shared<Array>();
  as_array().push_back(std::move(value));
  return as_array().back();
}

Value parse(std::string_view text) { return Parser(text).parse_document(); }

std::string dump(const Value& value, int indent) {
  std::string out;
  dump_to(out, value, indent, 0);
  return out;
}

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace pgverify::json
