#include "json/strict.hpp"

#include <iterator>
#include <unordered_set>
#include <utility>
#include <vector>

#include "text/quote.hpp"

namespace pgverify::json {

namespace {

using Json = nlohmann::ordered_json;

// Hands nlohmann's lexer the text one byte at a time and counts the bytes it
// took, so an error found between its tokens (a member named twice, nesting
// too deep) has an offset as the lexer's own errors do.
class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator(const char* at, std::size_t* taken) : m_at(at), m_taken(taken) {}
  reference operator*() const { return *m_at; }
  CountingIterator& operator++() {
    ++m_at;
    ++*m_taken;
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const CountingIterator& other) const { return m_at == other.m_at; }
  bool operator!=(const CountingIterator& other) const { return m_at != other.m_at; }

 private:
  const char* m_at;
  std::size_t* m_taken;
};

// nlohmann's what() is "[json.exception.parse_error.101] parse error at line
// 1, column 4: syntax error while parsing value - invalid literal; last read:
// 'tru'". The offset says where; "last read" would quote the input (any
// bytes, any length), and the reason alone says what.
std::string reason_of(const Json::exception& error) {
  std::string_view what = error.what();
  if (what.starts_with("[json.exception.")) {
    const std::size_t end = what.find("] ");
    if (end != std::string_view::npos) what.remove_prefix(end + 2);
  }
  if (what.starts_with("parse error")) {
    const std::size_t colon = what.find(": ");
    if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
  }
  if (const std::size_t last = what.find("; last read: "); last != std::string_view::npos) what = what.substr(0, last);
  // "number overflow parsing '1e400'" quotes a number token, which may be long.
  constexpr std::size_t kMaxReason = 160;
  std::string reason = text::printable(what.substr(0, kMaxReason));
  if (what.size() > kMaxReason) reason += "...";
  return reason;
}

// Builds the value as nlohmann's own DOM parser does, and stops the parse at
// the first member named twice in an object or the first container nested
// deeper than max_depth. Members are appended (each key was just checked to
// be new), never looked up: ordered_json's lookup is linear, and a parse
// that looked up every key would take quadratic time on a large object.
class StrictBuilder final : public nlohmann::json_sax<Json> {
 public:
  explicit StrictBuilder(const std::size_t& taken) : m_taken(taken) {}

  Json take() { return std::move(m_root); }
  const std::string& reason() const { return m_reason; }
  std::size_t offset() const { return m_offset; }

  bool null() override { return add(nullptr); }
  bool boolean(bool value) override { return add(value); }
  bool number_integer(number_integer_t value) override { return add(value); }
  bool number_unsigned(number_unsigned_t value) override { return add(value); }
  bool number_float(number_float_t value, const string_t&) override { return add(value); }
  bool string(string_t& value) override { return add(std::move(value)); }
  bool binary(binary_t&) override { return stop("binary data in JSON"); }  // never from JSON text

  bool start_object(std::size_t) override { return open(Json::object()); }
  bool key(string_t& name) override {
    if (!m_open.back().keys.insert(name).second)
      return stop("duplicate key " + text::quote_bytes(name, 80, '"') + " in a JSON object");
    m_key = std::move(name);
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(Json::array()); }
  bool end_array() override { return close(); }

  bool parse_error(std::size_t byte, const std::string&, const Json::exception& error) override {
    // byte counts from 1 and is one past the end for an unexpected end.
    m_reason = reason_of(error);
    m_offset = byte > 0 ? byte - 1 : 0;
    return false;
  }

 private:
  struct Open {
    Json* value;
    std::unordered_set<std::string> keys;  // objects: the members seen so far
  };

  Json& place(Json value) {
    if (m_open.empty()) {
      m_root = std::move(value);
      return m_root;
    }
    Json& parent = *m_open.back().value;
    if (parent.is_array()) {
      auto& array = parent.get_ref<Json::array_t&>();
      array.push_back(std::move(value));
      return array.back();
    }
    auto& object = parent.get_ref<Json::object_t&>();
    object.emplace_back(std::move(m_key), std::move(value));
    return object.back().second;
  }

  bool add(Json value) {
    place(std::move(value));
    return true;
  }

  bool open(Json container) {
    if (m_open.size() == max_depth)
      return stop("JSON nested too deeply (more than " + std::to_string(max_depth) + " levels)");
    // A container's place does not move while it is open: its parent grows
    // only after it is closed.
    m_open.push_back({&place(std::move(container)), {}});
    return true;
  }

  bool close() {
    m_open.pop_back();
    return true;
  }

  bool stop(std::string reason) {
    m_reason = std::move(reason);
    m_offset = m_taken > 0 ? m_taken - 1 : 0;  // the byte that ended the token just read
    return false;
  }

  const std::size_t& m_taken;
  Json m_root;
  std::vector<Open> m_open;
  std::string m_key;
  std::string m_reason;
  std::size_t m_offset = 0;
};

}  // namespace

SyntaxError::SyntaxError(const std::string& reason, std::size_t offset)
    : std::runtime_error(reason + " at offset " + std::to_string(offset)), m_offset(offset) {}

nlohmann::ordered_json parse(std::string_view text) {
  std::size_t taken = 0;
  StrictBuilder builder(taken);
  const bool parsed = Json::sax_parse(CountingIterator(text.data(), &taken),
                                      CountingIterator(text.data() + text.size(), &taken), &builder);
  if (!parsed) throw SyntaxError(builder.reason(), builder.offset());
  return builder.take();
}

std::string write_line(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string write(const nlohmann::ordered_json& value) {
  return value.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace pgverify::json
