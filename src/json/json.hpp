#pragma once

// A small JSON value with a strict parser and a writer. pgverify writes reports
// and manifests and reads its own manifests back; this is all it needs.

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace pgverify::json {

class Value;
using Array = std::vector<Value>;
// Keys keep insertion order so reports read in the order they were written.
using Object = std::vector<std::pair<std::string, Value>>;

class Value {
 public:
  Value() : m_data(nullptr) {}
  Value(std::nullptr_t) : m_data(nullptr) {}
  Value(bool b) : m_data(b) {}
  Value(int i) : m_data(static_cast<std::int64_t>(i)) {}
  Value(std::int64_t i) : m_data(i) {}
  Value(std::uint64_t i) : m_data(static_cast<std::int64_t>(i)) {}
  Value(double d) : m_data(d) {}
  Value(const char* s) : m_data(std::string(s)) {}
  Value(std::string s) : m_data(std::move(s)) {}
  Value(std::string_view s) : m_data(std::string(s)) {}
  Value(Array a) : m_data(std::make_shared<Array>(std::move(a))) {}
  Value(Object o) : m_data(std::make_shared<Object>(std::move(o))) {}

  bool is_null() const { return std::holds_alternative<std::nullptr_t>(m_data); }
  bool is_bool() const { return std::holds_alternative<bool>(m_data); }
  bool is_int() const { return std::holds_alternative<std::int64_t>(m_data); }
  bool is_number() const { return is_int() || std::holds_alternative<double>(m_data); }
  bool is_string() const { return std::holds_alternative<std::string>(m_data); }
  bool is_array() const { return std::holds_alternative<std::shared_ptr<Array>>(m_data); }
  bool is_object() const { return std::holds_alternative<std::shared_ptr<Object>>(m_data); }

  // Accessors throw json::TypeError naming the expected type when it does not match.
  bool as_bool() const;
  std::int64_t as_int() const;
  double as_double() const;
  const std::string& as_string() const;
  const Array& as_array() const;
  const Object& as_object() const;
  Array& as_array();
  Object& as_object();

  // Object member lookup; nullptr when absent or when this is not an object.
  const Value* find(std::string_view key) const;
  // Appends (objects) without checking for duplicates.
  Value& set(std::string key, Value value);
  Value& push(Value value);

 private:
  std::variant<std::nullptr_t, bool, std::int64_t, double, std::string, std::shared_ptr<Array>,
               std::shared_ptr<Object>>
      m_data;
};

class ParseError : public std::runtime_error {
 public:
  ParseError(const std::string& what, std::size_t offset)
      : std::runtime_error(what), m_offset(offset) {}
  std::size_t offset() const { return m_offset; }

 private:
  std::size_t m_offset;
};

class TypeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Strict RFC 8259 parsing; nesting is limited so hostile input cannot exhaust the stack.
Value parse(std::string_view text);

// indent < 0: compact on one line; otherwise pretty-printed with that many spaces.
std::string dump(const Value& value, int indent = 2);

// The body of a JSON string literal for text (without quotes).
std::string escape(std::string_view text);

}  // namespace pgverify::json
