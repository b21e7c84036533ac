#include "pg/dsn_edit.hpp"

#include <charconv>
#include <memory>
#include <string_view>

#include <libpq-fe.h>

#include "pg/session.hpp"

namespace pgverify::pg {

namespace {

using Options = std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)>;

Options parse(const std::string& dsn) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &error);
  if (!options) {
    std::string why = error ? error : "out of memory";
    if (error) PQfreemem(error);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    throw InvalidDsn("invalid connection string: " + why);
  }
  return Options(options, &PQconninfoFree);
}

std::optional<std::string> value_of(const std::string& dsn, std::string_view keyword) {
  Options options = parse(dsn);
  for (const PQconninfoOption* o = options.get(); o->keyword; ++o)
    if (keyword == o->keyword && o->val && *o->val) return std::string(o->val);
  return std::nullopt;
}

// keyword='value' with ' and \ escaped, as libpq reads it back.
void append_pair(std::string& out, std::string_view keyword, std::string_view value) {
  if (!out.empty()) out += ' ';
  out += keyword;
  out += "='";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
}

std::string with_value(const std::string& dsn, std::string_view keyword, const std::string& value) {
  Options options = parse(dsn);
  std::string out;
  bool replaced = false;
  for (const PQconninfoOption* o = options.get(); o->keyword; ++o) {
    if (keyword == o->keyword) {
      append_pair(out, keyword, value);
      replaced = true;
    } else if (o->val && *o->val) {
      append_pair(out, o->keyword, o->val);
    }
  }
  if (!replaced) append_pair(out, keyword, value);
  return out;
}

}  // namespace

std::optional<std::string> dbname_of(const std::string& dsn) { return value_of(dsn, "dbname"); }

std::optional<int> port_of(const std::string& dsn) {
  auto port = value_of(dsn, "port");
  if (!port) return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(port->data(), port->data() + port->size(), value);
  if (ec != std::errc() || end != port->data() + port->size()) return std::nullopt;  // "5432,5433" or junk
  return value;
}

SplitPassword split_password(const std::string& dsn) {
  Options options = parse(dsn);
  SplitPassword split;
  for (const PQconninfoOption* o = options.get(); o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    if (std::string_view(o->keyword) == "password")
      split.password = o->val;
    else
      append_pair(split.dsn, o->keyword, o->val);
  }
  return split;
}

std::string with_dbname(const std::string& dsn, const std::string& dbname) { return with_value(dsn, "dbname", dbname); }

std::string with_port(const std::string& dsn, int port) { return with_value(dsn, "port", std::to_string(port)); }

}  // namespace pgverify::pg
