#include "pg/dsn_mask.hpp"

#include <libpq-fe.h>

#include <cctype>

#include "pg/dsn_options.hpp"
#include "text/masking.hpp"

namespace pgverify::pg {

namespace {

bool is_uri(std::string_view dsn) {
  return dsn.starts_with("postgresql://") || dsn.starts_with("postgres://");
}

// Where the next "keyword=" starts in text (spaces before it), or npos.
std::size_t next_keyword(std::string_view text, std::size_t from) {
  for (std::size_t i = from; i < text.size(); ++i) {
    if (!std::isspace(static_cast<unsigned char>(text[i]))) continue;
    std::size_t j = i;
    while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j]))) ++j;
    std::size_t k = j;
    while (k < text.size() && (std::isalnum(static_cast<unsigned char>(text[k])) || text[k] == '_')) ++k;
    while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k]))) ++k;
    if (k > j && k < text.size() && text[k] == '=') return i;
  }
  return std::string_view::npos;
}

void add(std::vector<std::string>& parts, std::string part) {
  while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back()))) part.pop_back();
  if (part.empty()) return;
  for (const auto& known : parts)
    if (known == part) return;
  parts.push_back(std::move(part));
}

// Whether a fragment libpq quoted shows some of a secret part: it is (a piece
// of) the part, or the two share four characters in a row (the part inside
// it, or overlapping it, as when a URI password holding '@' and ':' spills
// into the port). A part under four characters inside a longer fragment does
// not count: a password "p" would hide every quoted word with a p in it.
bool shows_part(std::string_view fragment, std::string_view part) {
  if (fragment.empty() || part.empty()) return false;
  if (part.find(fragment) != std::string_view::npos) return true;
  constexpr std::size_t kRun = 4;
  for (std::size_t i = 0; part.size() >= kRun && i + kRun <= fragment.size(); ++i)
    if (part.find(fragment.substr(i, kRun)) != std::string_view::npos) return true;
  return false;
}

}  // namespace

std::vector<std::string> dsn_secret_parts(std::string_view dsn) {
  std::vector<std::string> parts;
  if (is_uri(dsn)) {
    const std::size_t start = dsn.find("://") + 3;
    // Where the userinfo ends is what the user meant, not what libpq reads: a
    // password holding '@', '/' or '?' unencoded ends libpq's userinfo early and
    // spills into the host, port or path it then shows. So every '@' is taken
    // as a possible end, and each piece between delimiters counts as well.
    for (std::size_t at = dsn.find('@', start); at != std::string_view::npos; at = dsn.find('@', at + 1)) {
      const std::string_view userinfo = dsn.substr(start, at - start);
      const std::size_t colon = userinfo.find(':');
      if (colon == std::string_view::npos) continue;
      const std::string_view password = userinfo.substr(colon + 1);
      add(parts, std::string(password));
      add(parts, text::percent_decoded(password));
      for (std::size_t p = 0; p < password.size();) {
        const std::size_t end = password.find_first_of("@/?:#&", p);
        const std::string_view piece = password.substr(p, end == std::string_view::npos ? std::string_view::npos : end - p);
        if (piece.size() != password.size()) add(parts, std::string(piece));
        if (end == std::string_view::npos) break;
        p = end + 1;
      }
    }
    // password= in the query string, its key percent-decoded as libpq decodes it.
    if (const std::size_t query = dsn.find('?', start); query != std::string_view::npos) {
      for (std::size_t p = query + 1; p <= dsn.size();) {
        std::size_t end = dsn.find('&', p);
        if (end == std::string_view::npos) end = dsn.size();
        const std::string_view pair = dsn.substr(p, end - p);
        if (const std::size_t eq = pair.find('='); eq != std::string_view::npos &&
                                                   text::percent_decoded(pair.substr(0, eq)) == "password") {
          add(parts, std::string(pair.substr(eq + 1)));
          add(parts, text::percent_decoded(pair.substr(eq + 1)));
        }
        p = end + 1;
      }
    }
    return parts;
  }
  for (std::size_t at = dsn.find("password"); at != std::string_view::npos; at = dsn.find("password", at + 1)) {
    std::size_t i = at + 8;
    while (i < dsn.size() && std::isspace(static_cast<unsigned char>(dsn[i]))) ++i;
    if (i >= dsn.size() || dsn[i] != '=') continue;
    ++i;
    while (i < dsn.size() && std::isspace(static_cast<unsigned char>(dsn[i]))) ++i;
    const std::size_t end = next_keyword(dsn, i);
    std::string value(dsn.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
    add(parts, value);
    // Quoted: the value within the quotes, unescaped.
    if (!value.empty() && value.front() == '\'') {
      std::string inner;
      for (std::size_t k = 1; k < value.size() && value[k] != '\''; ++k) {
        if (value[k] == '\\' && k + 1 < value.size()) ++k;
        inner += value[k];
      }
      add(parts, inner);
      value = inner;
    }
    // And each word of it: libpq quotes back the word it stopped at.
    std::size_t w = 0;
    while (w < value.size()) {
      while (w < value.size() && std::isspace(static_cast<unsigned char>(value[w]))) ++w;
      std::size_t e = w;
      while (e < value.size() && !std::isspace(static_cast<unsigned char>(value[e]))) ++e;
      if (e > w) add(parts, value.substr(w, e - w));
      w = e;
    }
  }
  return parts;
}

std::string mask_dsn_secrets(std::string_view message, std::string_view dsn) {
  const std::vector<std::string> parts = dsn_secret_parts(dsn);
  std::string out;
  // Quoted fragments first: one that overlaps a secret part is masked whole.
  for (std::size_t i = 0; i < message.size();) {
    if (message[i] != '"') {
      out += message[i++];
      continue;
    }
    const std::size_t close = message.find('"', i + 1);
    if (close == std::string_view::npos) {
      out += message.substr(i);
      break;
    }
    const std::string_view fragment = message.substr(i + 1, close - i - 1);
    bool secret = !fragment.empty() && fragment == dsn && !parts.empty();
    for (const auto& part : parts) secret = secret || shows_part(fragment, part);
    out += '"';
    out += secret ? std::string(kMasked) : std::string(fragment);
    out += '"';
    i = close + 1;
  }
  // Then any secret part left anywhere; not a part of under four characters
  // outside quotes, which would garble the message's words.
  return text::mask_parts(std::move(out), parts, kMasked, 4);
}

std::optional<std::string> dsn_parse_error(const std::string& dsn) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &error);
  if (options) {
    const std::optional<std::string> unusable = unusable_option(options);
    PQconninfoFree(options);
    if (!unusable) return std::nullopt;
    return mask_dsn_secrets(*unusable, dsn);
  }
  std::string message = error ? error : "out of memory";
  PQfreemem(error);
  for (char& c : message)
    if (c == '\n' || c == '\r') c = ' ';
  while (!message.empty() && message.back() == ' ') message.pop_back();
  return mask_dsn_secrets(message, dsn);
}

}  // namespace pgverify::pg
