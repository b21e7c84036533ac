#include "pg/dsn_options.hpp"

#include <arpa/inet.h>

#include <array>
#include <cerrno>
#include <cctype>
#include <climits>
#include <cstdlib>
#include <map>
#include <string_view>
#include <vector>

namespace pgverify::pg {

namespace {

// libpq's parse_int_param (fe-connect.c): strtol's leading spaces and sign,
// trailing spaces, an int; nothing else.
std::optional<int> libpq_int(const std::string& value) {
  errno = 0;
  char* end = nullptr;
  const long number = std::strtol(value.c_str(), &end, 10);
  if (end == value.c_str() || errno != 0 || number < INT_MIN || number > INT_MAX) return std::nullopt;
  while (*end && std::isspace(static_cast<unsigned char>(*end))) ++end;
  if (*end) return std::nullopt;
  return static_cast<int>(number);
}

// libpq's parse_comma_separated_list: elements as written (no trimming), "" is one empty element.
std::vector<std::string> elements(const std::string& list) {
  std::vector<std::string> out;
  for (std::size_t start = 0;;) {
    const std::size_t comma = list.find(',', start);
    out.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

bool numeric_address(const std::string& address) {
  std::array<unsigned char, 16> buffer{};
  return inet_pton(AF_INET, address.c_str(), buffer.data()) == 1 || inet_pton(AF_INET6, address.c_str(), buffer.data()) == 1;
}

struct Choices {
  std::string_view keyword;
  std::vector<std::string_view> values;
};

// Compared as libpq compares them (strcmp: case matters), for libpq 15 to 18.
// An option the linked libpq does not know never gets here: PQconninfoParse
// refuses its keyword already.
const std::vector<Choices>& choices() {
  static const std::vector<Choices> table{
      {"sslmode", {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}},
      {"gssencmode", {"disable", "prefer", "require"}},
      {"channel_binding", {"disable", "prefer", "require"}},
      {"target_session_attrs", {"any", "read-write", "read-only", "primary", "standby", "prefer-standby"}},
      {"load_balance_hosts", {"disable", "random"}},  // libpq 16
      {"sslcertmode", {"disable", "allow", "require"}},  // libpq 16
      {"sslnegotiation", {"postgres", "direct"}},  // libpq 17
  };
  return table;
}

// Read by libpq's parse_int_param when it connects; an empty value is refused too.
constexpr std::array<std::string_view, 6> kIntegerOptions{"connect_timeout", "keepalives", "keepalives_idle",
                                                          "keepalives_interval", "keepalives_count",
                                                          "tcp_user_timeout"};

std::string quoted(const std::string& value) { return "\"" + value + "\""; }

}  // namespace

std::optional<std::string> unusable_option(const PQconninfoOption* options) {
  std::map<std::string, std::string, std::less<>> given;
  for (const PQconninfoOption* option = options; option && option->keyword; ++option)
    if (option->val) given.emplace(option->keyword, option->val);
  const auto value = [&given](std::string_view keyword) -> const std::string* {
    auto it = given.find(keyword);
    return it == given.end() ? nullptr : &it->second;
  };
  const auto non_empty = [&value](std::string_view keyword) {
    const std::string* v = value(keyword);
    return v && !v->empty() ? v : nullptr;
  };

  // Hosts, addresses and ports as connectOptions2 matches them up.
  const std::string* host = non_empty("host");
  const std::string* hostaddr = non_empty("hostaddr");
  const std::size_t hosts = hostaddr ? elements(*hostaddr).size() : host ? elements(*host).size() : 1;
  if (host && hostaddr && elements(*host).size() != hosts)
    return "could not match " + std::to_string(elements(*host).size()) + " host names to " + std::to_string(hosts) +
           " hostaddr values";
  if (hostaddr)
    for (const auto& address : elements(*hostaddr))
      if (!address.empty() && !numeric_address(address))
        return "invalid hostaddr " + quoted(address) + " (an IPv4 or IPv6 address; a host name goes in host)";
  if (const std::string* port = non_empty("port")) {
    const auto ports = elements(*port);
    if (ports.size() != 1 && ports.size() != hosts)
      return "could not match " + std::to_string(ports.size()) + " port numbers to " + std::to_string(hosts) + " hosts";
    for (const auto& each : ports) {
      if (each.empty()) continue;  // the default port
      const auto number = libpq_int(each);
      if (!number || *number < 1 || *number > 65535)
        return "invalid port number: " + quoted(each) + " (a port is a number from 1 to 65535)";
    }
  }
  for (const auto keyword : kIntegerOptions)
    if (const std::string* v = value(keyword); v && !libpq_int(*v))
      return "invalid integer value " + quoted(*v) + " for connection option " + quoted(std::string(keyword));
  for (const auto& [keyword, allowed] : choices()) {
    const std::string* v = value(keyword);
    if (!v) continue;
    bool known = false;
    std::string listed;
    for (const auto candidate : allowed) {
      known = known || *v == candidate;
      listed += (listed.empty() ? "" : ", ") + std::string(candidate);
    }
    if (!known) return "invalid " + std::string(keyword) + " value: " + quoted(*v) + " (one of " + listed + ")";
  }
  return std::nullopt;
}

}  // namespace pgverify::pg
