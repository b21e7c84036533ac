#include "dump/plain_dump.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>

namespace pgverify::dump::detail {

namespace {

namespace fs = std::filesystem;

// Statement lines are looked at up to this length: a COPY line listing 1600
// quoted column names fits, and a lowrite line (LOBBUFSIZE, 16 kB, as hex);
// longer lines are lexed but not looked at.
constexpr std::size_t kStatementLineLimit = 4 * 1024 * 1024;
constexpr std::size_t kInputChunk = 256 * 1024;
// A dollar quote's tag is an identifier: NAMEDATALEN bounds it in practice.
constexpr std::size_t kDollarTagLimit = 1024;

constexpr std::string_view kCopyPrefix = "COPY ";
constexpr std::string_view kCopySuffix = " FROM stdin;";
constexpr std::string_view kSetvalPrefix = "SELECT pg_catalog.setval(";
// pg_dump.c, dumpExtension: "CREATE EXTENSION IF NOT EXISTS %s WITH SCHEMA %s;\n".
constexpr std::string_view kExtensionPrefix = "CREATE EXTENSION IF NOT EXISTS ";

// Large objects as pg_restore writes them into a plain dump
// (pg_backup_archiver.c): each object "SELECT pg_catalog.lo_open('OID',
// 131072);" (INV_WRITE), its bytes in lowrite calls of LOBBUFSIZE each as a
// bytea literal ('\x..', or E'\\x..' when standard_conforming_strings is
// off), then lo_close; the objects themselves are listed before, with
// lo_create and ALTER LARGE OBJECT ... OWNER TO.
constexpr std::string_view kLoOpen = "SELECT pg_catalog.lo_open(";
constexpr std::string_view kLoWrite = "SELECT pg_catalog.lowrite(";
constexpr std::string_view kLoClose = "SELECT pg_catalog.lo_close(";
constexpr std::string_view kLoCreate = "SELECT pg_catalog.lo_create(";
constexpr std::string_view kLoOwner = "ALTER LARGE OBJECT ";

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }
bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool is_ident_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80;
}
bool is_tag_char(unsigned char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80 || (!first && c >= '0' && c <= '9');
}
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// 'OID' (a quoted OID, as lo_open, lo_create write it) at the start of text;
// the OID and what follows it, or nullopt.
std::optional<std::pair<std::uint32_t, std::string_view>> quoted_oid(std::string_view text) {
  if (text.empty() || text[0] != '\'') return std::nullopt;
  const std::size_t close = text.find('\'', 1);
  if (close == std::string_view::npos) return std::nullopt;
  auto oid = parse_oid(text.substr(1, close - 1));
  if (!oid) return std::nullopt;
  return std::pair(*oid, text.substr(close + 1));
}

// "SELECT pg_catalog.lo_open('OID', 131072);", or, written from archives
// before 1.12, "SELECT pg_catalog.lo_open(pg_catalog.lo_create('OID'), 131072);".
std::optional<std::uint32_t> parse_lo_open(std::string_view line) {
  std::string_view rest = line.substr(kLoOpen.size());
  bool create = false;
  if (starts_with(rest, "pg_catalog.lo_create(")) {
    rest.remove_prefix(std::string_view("pg_catalog.lo_create(").size());
    create = true;
  }
  auto oid = quoted_oid(rest);
  if (!oid) return std::nullopt;
  return oid->second == (create ? "), 131072);" : ", 131072);") ? std::optional(oid->first) : std::nullopt;
}

std::optional<std::uint32_t> parse_lo_create(std::string_view line) {
  auto oid = quoted_oid(line.substr(kLoCreate.size()));
  return oid && oid->second == ");" ? std::optional(oid->first) : std::nullopt;
}

// "ALTER LARGE OBJECT OID OWNER TO role;": the OID and the role, unquoted.
std::optional<std::pair<std::uint32_t, std::string>> parse_lo_owner(std::string_view line) {
  std::string_view rest = line.substr(kLoOwner.size());
  const std::size_t space = rest.find(' ');
  auto oid = parse_oid(rest.substr(0, space));
  if (!oid || space == std::string_view::npos) return std::nullopt;
  rest.remove_prefix(space);
  if (!starts_with(rest, " OWNER TO ") || !ends_with(rest, ";")) return std::nullopt;
  rest = rest.substr(std::string_view(" OWNER TO ").size());
  rest.remove_suffix(1);
  auto role = split_qualified_name(rest);
  if (!role || !role->first.empty()) return std::nullopt;
  return std::pair(*oid, role->second);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "SELECT pg_catalog.lowrite(0, '\x4142');" (or E'\\x4142') → the bytes, into out.
bool parse_lowrite(std::string_view line, std::string& out) {
  std::string_view rest = line.substr(kLoWrite.size());
  if (!starts_with(rest, "0, ") || !ends_with(rest, "');")) return false;
  rest = rest.substr(3, rest.size() - 3 - 3);
  std::string_view prefix = "'\\x";
  if (starts_with(rest, "E'\\\\x")) prefix = "E'\\\\x";
  if (!starts_with(rest, prefix)) return false;
  const std::string_view hex = rest.substr(prefix.size());
  if (hex.size() % 2) return false;
  out.resize(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = hex_value(hex[2 * i]), low = hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    out[i] = static_cast<char>(high * 16 + low);
  }
  return true;
}

// The comment pg_dump writes above each object of a plain dump
// (_printTocEntry in pg_backup_archiver.c): "-- Name: TAG; Type: DESC; Schema:
// SCHEMA; Owner: OWNER[; Tablespace: TS]", with "Data for " before "Name" for
// an entry's data. Newlines in the names are spaces; a missing schema or owner
// (pg_dump -O writes no owner) is "-".
struct ObjectHeader {
  bool data = false;
  std::string tag, desc, schema, owner;  // schema and owner empty for "-"
};

std::optional<ObjectHeader> parse_object_header(std::string_view line) {
  constexpr std::string_view name = "-- Name: ", data_name = "-- Data for Name: ", type = "; Type: ",
                             schema = "; Schema: ", owner = "; Owner: ", tablespace = "; Tablespace: ";
  ObjectHeader h;
  std::size_t at = 0;
  if (starts_with(line, name)) {
    at = name.size();
  } else if (starts_with(line, data_name)) {
    h.data = true;
    at = data_name.size();
  } else {
    return std::nullopt;
  }
  const std::size_t type_at = line.find(type, at);
  if (type_at == std::string_view::npos) return std::nullopt;
  const std::size_t schema_at = line.find(schema, type_at + type.size());
  if (schema_at == std::string_view::npos) return std::nullopt;
  const std::size_t owner_at = line.find(owner, schema_at + schema.size());
  if (owner_at == std::string_view::npos) return std::nullopt;
  std::string_view owner_text = line.substr(owner_at + owner.size());
  owner_text = owner_text.substr(0, owner_text.find(tablespace));
  const std::string_view schema_text = line.substr(schema_at + schema.size(), owner_at - schema_at - schema.size());
  h.tag = std::string(line.substr(at, type_at - at));
  h.desc = std::string(line.substr(type_at + type.size(), schema_at - type_at - type.size()));
  h.schema = schema_text == "-" ? "" : std::string(schema_text);
  h.owner = owner_text == "-" ? "" : std::string(owner_text);
  return h;
}

// A name as pg_dump's comments write it (sanitize_line in pg_backup_archiver.c):
// each line break and carriage return a space, so the comment stays one line.
std::string comment_spelling(std::string_view name) {
  std::string out(name);
  std::replace_if(out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return out;
}

// Reads psql input the way psql splits it into statements (psqlscan.l) well
// enough to know where statements start: quotes ('...' with '' escapes,
// backslash escapes in E'...' and when standard_conforming_strings is off),
// "identifiers", $tag$ dollar quotes $tag$, -- comments, nested /* */
// comments, and backslash meta-commands. A statement is looked at only when it
// starts a line at a statement's start; so a "COPY ... FROM stdin;" line inside
// a function body or a multi-line literal is text, not a COPY. COPY data is
// never lexed: its lines go to the rows' line splitter untouched.
class PlainScanner final : private LineSplitter::Handler {
 public:
  struct Events {
    virtual ~Events() = default;
    // Returns whether the block's rows are wanted (row() is called for them).
    virtual bool copy_begin(const CopyTarget& target, std::string_view line, std::uint64_t line_at,
                            std::uint64_t rows_at) = 0;
    virtual void row(std::string_view) {}
    virtual void copy_end(std::uint64_t rows) = 0;
    // A statement that starts a line: its first line (cut at the limit). `whole`:
    // the statement ends on this line and the line was not cut.
    virtual void statement(std::string_view /*line*/, std::uint64_t /*at*/, bool /*whole*/) {}
    // The comment pg_dump writes above each object (header_comment), at the
    // offset of its "-- Name:" line.
    virtual void object_header(const ObjectHeader& /*header*/, std::uint64_t /*at*/) {}
    // The text ended at this offset, outside a COPY block.
    virtual void end_of_text(std::uint64_t /*at*/) {}
  };

  PlainScanner(const fs::path& path, Events& events, std::size_t max_row, std::string offset_note)
      : m_path(path), m_events(events), m_lines(*this), m_max_row(max_row), m_note(std::move(offset_note)) {}

  bool in_copy() const { return m_in_copy; }
  const std::string& copy_label() const { return m_label; }
  std::uint64_t offset() const { return m_in_copy ? m_lines.offset() : m_offset; }
  void set_offset(std::uint64_t offset) {
    m_offset = m_line_at = offset;
    m_lines.set_offset(offset);
  }
  // Stops the scan: feed consumes nothing more.
  void stop() { m_stopped = true; }
  bool stopped() const { return m_stopped; }

  // Starts inside a COPY block (reading one table from its rows' offset).
  void start_in_copy(std::string label, bool want_rows) {
    m_in_copy = true;
    m_label = std::move(label);
    m_want_rows = want_rows;
    m_rows = 0;
    m_lines.set_limit(want_rows ? m_max_row : 2, want_rows);
  }

  void want_rows() {
    m_want_rows = true;
    m_lines.set_limit(m_max_row, true);
  }
  void set_copy_label(std::string label) { m_label = std::move(label); }

  void feed(std::string_view text) {
    while (!text.empty() && !m_stopped) {
      if (m_in_copy) {
        text.remove_prefix(m_lines.feed(text));
        if (!m_in_copy) {
          m_lines.resume();
          m_offset = m_line_at = m_lines.offset();
        }
        continue;
      }
      lex(text);
    }
  }

  // The text ended at `end` (a text offset).
  void finish(std::uint64_t end) {
    if (m_in_copy)
      throw DumpError(DumpErrc::truncated, m_path, end,
                      "the plain-text dump ends inside the COPY block of " + m_label + " after " +
                          std::to_string(m_rows) + " rows, before its \"\\.\" line" + m_note);
    if (m_offset > m_line_at) end_of_line();  // a last line without its newline
    if (m_copy_statement) {  // a COPY statement that never ends: a statement like another
      const auto [text, at] = std::move(*m_copy_statement);
      m_copy_statement.reset();
      statement(text, at, false);
    }
    const char* inside = m_lex == Lex::quote        ? "a quoted string"
                         : m_lex == Lex::identifier ? "a quoted identifier"
                         : m_lex == Lex::dollar     ? "a dollar-quoted string"
                         : m_lex == Lex::block_comment ? "a /* comment */"
                                                       : nullptr;
    if (inside && !(m_lex == Lex::quote && m_pending == '\'') && !(m_lex == Lex::identifier && m_pending == '"'))
      throw DumpError(DumpErrc::truncated, m_path, end,
                      std::string("the plain-text dump ends inside ") + inside + m_note);
    m_events.end_of_text(end);
  }

 private:
  enum class Lex { normal, line_comment, block_comment, quote, identifier, dollar, meta };

  // ---- COPY rows

  void on_line(std::string_view kept, std::uint64_t length, std::uint64_t) override {
    if (length == 2 && kept == "\\.") {
      m_in_copy = false;
      m_events.copy_end(m_rows);
      m_lines.stop();  // hand the rest of the piece back to the lexer
      return;
    }
    ++m_rows;
    if (m_want_rows) m_events.row(kept);
  }

  [[noreturn]] void on_too_long(std::uint64_t start, std::uint64_t length) override {
    throw DumpError(DumpErrc::row_too_long, m_path, start,
                    "a row of " + m_label + " is longer than " + std::to_string(m_max_row) + " bytes (" +
                        std::to_string(length) + " so far)" + m_note);
  }

  // ---- statements

  // Lexes text up to and including its first newline (all of it when it has
  // none), looking at each line that starts a statement when it ends.
  void lex(std::string_view& text) {
    std::size_t i = 0;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (m_line.size() < kStatementLineLimit) m_line += c;
      ++m_line_length;
      step(c);
      if (c == '\n') {
        ++i;
        ++m_offset;
        end_of_line();
        text.remove_prefix(i);
        return;
      }
      ++m_offset;
    }
    text.remove_prefix(i);
  }

  void token() {
    m_statement_start = false;
    m_line_has_token = true;
  }

  void step(char ch) {
    const auto c = static_cast<unsigned char>(ch);
    switch (m_lex) {
      case Lex::normal: return step_normal(c);
      case Lex::line_comment:
      case Lex::meta:
        if (c == '\n') m_lex = Lex::normal;
        return;
      case Lex::block_comment:
        if (m_pending == '*' && c == '/') {
          m_pending = 0;
          if (--m_depth == 0) m_lex = Lex::normal;
        } else if (m_pending == '/' && c == '*') {
          m_pending = 0;
          ++m_depth;
        } else {
          m_pending = (c == '*' || c == '/') ? c : 0;
        }
        return;
      case Lex::quote:
        if (m_escape_next) {
          m_escape_next = false;
        } else if (m_pending == '\'') {
          m_pending = 0;
          if (c != '\'') {  // '' is a quote inside; anything else ended the string
            m_lex = Lex::normal;
            step_normal(c);
          }
        } else if (c == '\'') {
          m_pending = '\'';
        } else if (c == '\\' && m_quote_escapes) {
          m_escape_next = true;
        }
        return;
      case Lex::identifier:
        if (m_pending == '"') {
          m_pending = 0;
          if (c != '"') {
            m_lex = Lex::normal;
            m_prev_ident = true;
            step_normal(c);
          }
        } else if (c == '"') {
          m_pending = '"';
        }
        return;
      case Lex::dollar:
        // The closing "$tag$": m_match characters of it seen so far.
        if (c == '$') {
          if (m_match == m_tag.size() + 1) {
            m_lex = Lex::normal;
            m_match = 0;
            m_prev_ident = false;
          } else {
            m_match = 1;
          }
        } else if (m_match >= 1 && m_match <= m_tag.size() && c == static_cast<unsigned char>(m_tag[m_match - 1])) {
          ++m_match;
        } else {
          m_match = 0;
        }
        return;
    }
  }

  void step_normal(unsigned char c) {
    // What the previous character left open.
    switch (m_pending) {
      case '-':
        m_pending = 0;
        if (c == '-') {
          m_lex = Lex::line_comment;
          return;
        }
        token();  // an operator
        m_prev_ident = false;
        break;
      case '/':
        m_pending = 0;
        if (c == '*') {
          m_lex = Lex::block_comment;
          m_depth = 1;
          return;
        }
        token();
        m_prev_ident = false;
        break;
      case 'E':
        m_pending = 0;
        token();
        if (c == '\'') {
          open_quote(true);
          return;
        }
        m_prev_ident = true;  // an identifier starting with E
        break;
      case '$':
        if (c == '$') {
          m_pending = 0;
          m_tag = m_tag_candidate;
          m_lex = Lex::dollar;
          m_match = 0;
          token();
          return;
        }
        if (is_tag_char(c, m_tag_candidate.empty()) && m_tag_candidate.size() < kDollarTagLimit) {
          m_tag_candidate += static_cast<char>(c);
          return;
        }
        // "$1" or "$name" without a closing "$": a parameter, not a quote.
        m_pending = 0;
        token();
        m_prev_ident = !m_tag_candidate.empty();
        break;
      default:
        break;
    }
    if (c == '-' || c == '/') {
      m_pending = static_cast<char>(c);
    } else if (c == '\'') {
      token();
      open_quote(m_backslash_quotes);
    } else if (c == '"') {
      token();
      m_lex = Lex::identifier;
    } else if ((c == 'E' || c == 'e') && !m_prev_ident) {
      m_pending = 'E';
    } else if (c == '$' && !m_prev_ident) {
      m_pending = '$';
      m_tag_candidate.clear();
    } else if (c == '\\') {
      m_lex = Lex::meta;  // psql takes a backslash to the line's end as a meta-command
      m_prev_ident = false;
    } else if (c == ';') {
      m_statement_start = true;
      m_prev_ident = false;
    } else if (is_space(static_cast<char>(c))) {
      m_prev_ident = false;
    } else {
      token();
      m_prev_ident = is_ident_char(c);
    }
  }

  void open_quote(bool escapes) {
    m_lex = Lex::quote;
    m_quote_escapes = escapes;
    m_escape_next = false;
    m_prev_ident = false;
  }

  void end_of_line() {
    std::string_view line = m_line;
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    const std::uint64_t at = m_line_at;
    const bool started = m_line_starts_statement;
    const bool looked_at = started && m_line_has_token;
    const bool cut = m_line_length > kStatementLineLimit;
    const bool ends = m_lex == Lex::normal && m_pending == 0 && m_statement_start;
    m_line_at = m_offset;
    m_line_length = 0;
    m_line_has_token = false;
    // The next line starts a statement when nothing of one is open.
    m_line_starts_statement = ends;
    if (m_copy_statement) {
      continue_copy_statement(line, ends, cut);
    } else if (looked_at && !ends && !cut && m_lex == Lex::identifier && starts_with(line, kCopyPrefix)) {
      // pg_dump writes a COPY on one line, but a line break in a quoted name
      // (fmtId keeps it) breaks the line: the statement is read to its end.
      m_copy_statement = {std::string(line), at};
    } else if (looked_at) {
      statement(line, at, !cut && ends);
    } else if (started) {
      header_comment(line, at);
    }
    m_line.clear();
    if (m_line.capacity() > 1024 * 1024) m_line.shrink_to_fit();
  }

  // The next line of a COPY statement broken by a line break in a name.
  void continue_copy_statement(std::string_view line, bool ends, bool cut) {
    auto& [text, at] = *m_copy_statement;
    text += '\n';
    text += line;
    const bool too_long = cut || text.size() > kStatementLineLimit;
    if (!ends && !too_long) return;
    const auto [statement_text, statement_at] = std::move(*m_copy_statement);
    m_copy_statement.reset();
    statement(statement_text, statement_at, !too_long);
  }

  // pg_dump's comment above each object; the one before a table's data names
  // the table the next COPY loads ("-- Data for Name: TAG; Type: TABLE DATA;
  // Schema: SCHEMA; Owner: OWNER"), which is not its target when pg_dump loads
  // a partition through its root.
  void header_comment(std::string_view line, std::uint64_t at) {
    auto header = parse_object_header(line);
    if (!header) return;
    m_data_header = {};
    if (header->data && header->desc == "TABLE DATA") m_data_header = {header->schema, header->tag};
    m_events.object_header(*header, at);
  }

  void statement(std::string_view line, std::uint64_t at, bool whole) {
    if (whole && starts_with(line, kCopyPrefix) && ends_with(line, kCopySuffix)) {
      auto target = parse_copy_statement(line);
      if (!target)
        throw DumpError(DumpErrc::bad_copy_statement, m_path, at,
                        "the plain-text dump's COPY line " + quote_bytes(line) + " names no table this reader can parse" +
                            m_note);
      // The header names the table unless it only spells the COPY's target as
      // pg_dump's comments do (sanitize_line: a line break or CR becomes a space).
      if (!m_data_header.second.empty() &&
          (m_data_header.first != comment_spelling(target->schema) ||
           m_data_header.second != comment_spelling(target->table))) {
        target->entry_schema = m_data_header.first;
        target->entry_table = m_data_header.second;
      }
      m_data_header = {};
      start_in_copy("table " + (target->schema.empty() ? "" : target->schema + ".") + target->table, false);
      m_lines.set_offset(m_offset);
      if (m_events.copy_begin(*target, line, at, m_offset)) want_rows();
      return;
    }
    // pg_dump sets it at the top; quotes read backslashes as escapes when off.
    if (whole && line == "SET standard_conforming_strings = off;") m_backslash_quotes = true;
    if (whole && line == "SET standard_conforming_strings = on;") m_backslash_quotes = false;
    m_events.statement(line, at, whole);
  }

  const fs::path& m_path;
  Events& m_events;
  LineSplitter m_lines;
  std::size_t m_max_row;
  std::string m_note;
  bool m_stopped = false;
  // COPY rows.
  bool m_in_copy = false;
  bool m_want_rows = false;
  std::string m_label;
  std::uint64_t m_rows = 0;
  // The lexer.
  Lex m_lex = Lex::normal;
  char m_pending = 0;           // a character whose meaning the next one decides
  bool m_prev_ident = false;    // the previous character belongs to an identifier or number
  bool m_statement_start = true;
  bool m_quote_escapes = false;
  bool m_escape_next = false;
  bool m_backslash_quotes = false;  // standard_conforming_strings = off
  std::pair<std::string, std::string> m_data_header;  // (schema, tag) of the last "-- Data for Name:" line
  std::optional<std::pair<std::string, std::uint64_t>> m_copy_statement;  // a COPY read on over lines, and where
  int m_depth = 0;                  // of nested /* */ comments
  std::string m_tag, m_tag_candidate;
  std::size_t m_match = 0;
  // The current line.
  std::string m_line;  // up to kStatementLineLimit bytes
  std::uint64_t m_line_length = 0;
  std::uint64_t m_line_at = 0;
  std::uint64_t m_offset = 0;  // text offset of the next byte to lex
  bool m_line_starts_statement = true;
  bool m_line_has_token = false;
};

std::string offset_note(const ArchiveHeader& header) {
  return header.compression == Compression::none ? "" : " (offset in the decompressed text)";
}

// Feeds the dump's text from text offset `start` to the scanner until it
// stops or the file ends.
void drive(const fs::path& path, const ArchiveHeader& header, std::uint64_t start, PlainScanner& scanner,
           ProgressTracker* progress, std::string* tail = nullptr) {
  // The last bytes of the text, for its closing line: kept to 4 to 8 KiB.
  const auto keep_tail = [tail](std::string_view text) {
    if (!tail) return;
    tail->append(text.size() > 8192 ? text.substr(text.size() - 8192) : text);
    if (tail->size() > 8192) tail->erase(0, tail->size() - 4096);
  };
  FileSource file(path);
  std::vector<std::uint8_t> buffer(kInputChunk);
  const auto kind = stream_kind(header.compression);
  scanner.set_offset(start);
  if (!kind) {
    if (start > file.size())
      throw DumpError(DumpErrc::truncated, path, file.size(),
                      "the plain-text dump ends before the rows at byte offset " + std::to_string(start));
    std::uint64_t at = start;
    while (at < file.size() && !scanner.stopped()) {
      const std::size_t got = file.read_at(at, buffer);
      if (got == 0) throw DumpError(DumpErrc::io_error, path, at, "the file shrank while being read");
      scanner.feed({reinterpret_cast<const char*>(buffer.data()), got});
      keep_tail({reinterpret_cast<const char*>(buffer.data()), got});
      at += got;
      if (progress) progress->set_bytes_read(at);
    }
    if (!scanner.stopped()) scanner.finish(at);
    return;
  }

  StreamDecoder decoder(kind);
  std::uint64_t produced = 0;  // decompressed bytes so far
  std::uint64_t at = 0;
  auto out = [&](std::string_view text) {
    if (scanner.stopped()) return;
    if (produced + text.size() <= start) {
      produced += text.size();
      return;
    }
    if (produced < start) {
      text.remove_prefix(static_cast<std::size_t>(start - produced));
      produced = start;
    }
    produced += text.size();
    scanner.feed(text);
    keep_tail(text);
  };
  while (at < file.size() && !scanner.stopped()) {
    const std::size_t got = file.read_at(at, buffer);
    if (got == 0) throw DumpError(DumpErrc::io_error, path, at, "the file shrank while being read");
    auto error = decoder.feed({buffer.data(), got}, out);
    if (error)
      throw DumpError(DumpErrc::corrupt_compressed_stream, path, at,
                      "corrupt " + std::string(decoder.name()) + " data near this offset" +
                          (scanner.in_copy() ? " (inside the COPY block of " + scanner.copy_label() + ")" : "") +
                          ": " + *error);
    at += got;
    if (progress) progress->set_bytes_read(at);
  }
  if (scanner.stopped()) return;
  if (!decoder.at_stream_end())
    throw DumpError(DumpErrc::incomplete_compressed_stream, path, at,
                    "the plain-text dump ends before its " + std::string(decoder.name()) + " stream does" +
                        (scanner.in_copy() ? " (inside the COPY block of " + scanner.copy_label() + ")" : ""));
  scanner.finish(produced);
}

enum class LoStatement { none, open, write, close };

LoStatement lo_statement_kind(std::string_view line) {
  if (starts_with(line, kLoOpen)) return LoStatement::open;
  if (starts_with(line, kLoWrite)) return LoStatement::write;
  if (starts_with(line, kLoClose)) return LoStatement::close;
  return LoStatement::none;
}

class TocCollector final : public PlainScanner::Events {
 public:
  TocCollector(const fs::path& path, std::string note) : m_path(path), m_note(std::move(note)) {}
  std::vector<TocEntry> entries;

  bool copy_begin(const CopyTarget& target, std::string_view line, std::uint64_t line_at,
                  std::uint64_t rows_at) override {
    m_in_run = false;
    m_pending_data.reset();  // the COPY is the data its header announced
    TocEntry& e = add(line_at, line.size());
    e.had_dumper = true;
    e.desc = "TABLE DATA";
    e.section = TocSection::data;
    e.tag = target.entry_table.empty() ? target.table : target.entry_table;
    e.schema = target.entry_table.empty() ? target.schema : target.entry_schema;
    e.copy_stmt = std::string(line) + "\n";
    e.offset = {DataOffsetState::set, rows_at};
    return false;
  }
  void copy_end(std::uint64_t) override {}

  // A table's data that no COPY follows is SQL statements (pg_dump --inserts,
  // --column-inserts): an entry of its own, without a COPY statement, which
  // starts at its header. A table without rows has the header only.
  void object_header(const ObjectHeader& header, std::uint64_t at) override {
    statements_data_ends();
    if (header.data) {
      if (header.desc == "TABLE DATA") m_pending_data = std::pair(header, at);
      return;
    }
    if (made_from_statements(header.desc)) return;
    TocEntry& e = add(at, header.tag.size() + header.desc.size() + header.schema.size() + header.owner.size());
    e.desc = header.desc;
    e.tag = header.tag;
    e.schema = header.schema;
    e.owner = header.owner;
  }

  void end_of_text(std::uint64_t) override { statements_data_ends(); }

  void statement(std::string_view line, std::uint64_t at, bool whole) override {
    statements_data_ends();
    const LoStatement lo = whole ? lo_statement_kind(line) : LoStatement::none;
    if (lo == LoStatement::open && !m_in_run) {
      // A run of lo_open / lowrite / lo_close is one BLOBS entry's data.
      TocEntry& e = add(at, 64);
      e.had_dumper = true;
      e.desc = "BLOBS";
      e.tag = "BLOBS";
      e.section = TocSection::data;
      e.offset = {DataOffsetState::set, at};
      m_in_run = true;
    } else if (lo != LoStatement::none && !m_in_run) {
      throw DumpError(DumpErrc::bad_large_object_statement, m_path, at,
                      "the plain-text dump writes to a large object it has not opened: " + quote_bytes(line) + m_note);
    }
    if (lo != LoStatement::none) return;
    m_in_run = false;
    if (!whole) return;
    // pg_dump's "SET client_encoding = 'X';" at the top: the text's encoding,
    // as the ENCODING entry of an archive says it.
    if (starts_with(line, "SET client_encoding = '") && ends_with(line, "';") && !m_encoding_seen) {
      m_encoding_seen = true;
      TocEntry& e = add(at, line.size());
      e.desc = "ENCODING";
      e.tag = "ENCODING";
      e.section = TocSection::pre_data;
      e.defn = std::string(line) + "\n";
      e.defn_length = e.defn.size();
      return;
    }
    if (starts_with(line, kSetvalPrefix)) {
      const auto set = parse_setval(line);
      if (!set) return;
      const auto name = split_qualified_name(set->sequence);
      TocEntry& e = add(at, line.size());
      e.desc = "SEQUENCE SET";
      e.section = TocSection::data;
      e.schema = name ? name->first : "";
      e.tag = name ? name->second : set->sequence;
      e.defn = std::string(line) + "\n";
      e.defn_length = e.defn.size();
      return;
    }
    if (starts_with(line, kExtensionPrefix) && ends_with(line, ";")) {
      const std::string_view rest = line.substr(kExtensionPrefix.size());
      const auto name = split_qualified_name(rest.substr(0, std::min(rest.find(' '), rest.size() - 1)));
      if (!name || !name->first.empty()) return;
      TocEntry& e = add(at, line.size());
      e.desc = "EXTENSION";
      e.section = TocSection::pre_data;
      e.tag = name->second;
      e.defn = std::string(line) + "\n";
      e.defn_length = e.defn.size();
      return;
    }
    if (starts_with(line, kLoCreate)) {
      const auto oid = parse_lo_create(line);
      if (!oid)
        throw DumpError(DumpErrc::bad_large_object_statement, m_path, at,
                        "the plain-text dump's lo_create line " + quote_bytes(line) + " names no large object" + m_note);
      TocEntry& e = add(at, line.size());
      e.desc = "BLOB";
      e.section = TocSection::pre_data;
      e.tag = std::to_string(*oid);
      m_blob_entry[*oid] = entries.size() - 1;
      return;
    }
    if (starts_with(line, kLoOwner)) {
      const auto owner = parse_lo_owner(line);
      if (!owner) return;  // ALTER LARGE OBJECT of another kind
      if (auto it = m_blob_entry.find(owner->first); it != m_blob_entry.end()) entries[it->second].owner = owner->second;
    }
  }

 private:
  TocEntry& add(std::uint64_t at, std::size_t bytes) {
    m_kept += bytes + 128;
    if (entries.size() >= static_cast<std::size_t>(kMaxTocEntries) || m_kept > kTocMemoryLimit)
      throw DumpError(DumpErrc::toc_too_large, m_path, at,
                      "the plain-text dump holds more COPY blocks, extensions, sequences and large objects than this "
                      "reader keeps in memory");
    TocEntry& e = entries.emplace_back();
    e.dump_id = static_cast<int>(entries.size());
    e.table_oid = "0";
    e.oid = "0";
    e.entry_offset = at;
    return e;
  }

  // Entries this TOC makes from the statements themselves, not from their headers.
  static bool made_from_statements(std::string_view desc) {
    return desc == "TABLE DATA" || desc == "EXTENSION" || desc == "SEQUENCE SET" || desc == "ENCODING" ||
           desc == "STDSTRINGS" || desc == "SEARCHPATH" || starts_with(desc, "BLOB");
  }

  void statements_data_ends() {
    if (!m_pending_data) return;
    const auto [header, at] = std::move(*m_pending_data);
    m_pending_data.reset();
    TocEntry& e = add(at, header.tag.size() + header.schema.size() + header.owner.size());
    e.had_dumper = true;
    e.desc = "TABLE DATA";
    e.section = TocSection::data;
    e.tag = header.tag;
    e.schema = header.schema;
    e.owner = header.owner;
    e.offset = {DataOffsetState::set, at};
  }

  std::optional<std::pair<ObjectHeader, std::uint64_t>> m_pending_data;  // a TABLE DATA header, and where
  bool m_encoding_seen = false;
  const fs::path& m_path;
  std::string m_note;
  std::uint64_t m_kept = 0;
  bool m_in_run = false;
  std::unordered_map<std::uint32_t, std::size_t> m_blob_entry;  // OID → index of its BLOB entry
};

class RowReader final : public PlainScanner::Events {
 public:
  RowReader(const fs::path& path, const std::vector<const TocEntry*>& wanted, ReadContext& context, std::string note)
      : m_path(path), m_context(context), m_note(std::move(note)) {
    for (const TocEntry* e : wanted) m_wanted.emplace(e->offset.value, e);
  }
  PlainScanner* scanner = nullptr;

  bool copy_begin(const CopyTarget&, std::string_view line, std::uint64_t line_at, std::uint64_t rows_at) override {
    end_run(line_at);
    auto it = m_wanted.find(rows_at);
    if (it == m_wanted.end()) return false;
    if (it->second->copy_stmt != std::string(line) + "\n")
      throw DumpError(DumpErrc::io_error, m_path, line_at,
                      "the file changed since its TOC was read: another COPY line stands here");
    begin(it->second);
    scanner->set_copy_label(table_label(*it->second));
    return true;
  }
  void object_header(const ObjectHeader&, std::uint64_t at) override {
    auto it = m_wanted.find(at);
    if (it == m_wanted.end() || !it->second->data_as_statements()) return;
    // Its statements are lexed like any others: only what they are is not read.
    const TocEntry* entry = it->second;
    m_context.sink.begin_table(*entry);
    m_context.sink.end_table(*entry);
    m_context.progress.table_done();
    done(entry);
  }
  void row(std::string_view row) override { m_context.sink.row(row); }
  void copy_end(std::uint64_t) override {
    if (!m_current) return;  // a block not wanted
    m_context.sink.end_table(*m_current);
    m_context.progress.table_done();
    done(m_current);
    m_current = nullptr;
  }

  void statement(std::string_view line, std::uint64_t at, bool whole) override {
    const LoStatement lo = whole ? lo_statement_kind(line) : LoStatement::none;
    if (!m_run) {
      if (lo != LoStatement::open) return;
      auto it = m_wanted.find(at);
      if (it == m_wanted.end() || !it->second->is_large_objects()) return;
      m_run = it->second;
    }
    switch (lo) {
      case LoStatement::none: return end_run(at);
      case LoStatement::open: {
        const auto oid = parse_lo_open(line);
        if (!oid) fail(at, "the plain-text dump's lo_open line " + quote_bytes(line) + " names no large object");
        if (m_object) fail(at, "the plain-text dump opens large object " + std::to_string(*oid) + " while " +
                                   large_object_label(*m_object, *m_run) + " is open");
        m_context.objects.add(*oid, *m_run, m_path, at);
        m_object = *oid;
        m_context.sink.begin_large_object(*m_run, *oid);
        return;
      }
      case LoStatement::write:
        if (!m_object) fail(at, "the plain-text dump writes to a large object it has not opened: " + quote_bytes(line));
        if (!parse_lowrite(line, m_bytes))
          fail(at, "the plain-text dump's lowrite line for " + large_object_label(*m_object, *m_run) +
                       " holds no bytea literal in hex ('\\x..'): " + quote_bytes(line));
        m_context.sink.large_object_data(m_bytes);
        return;
      case LoStatement::close:
        if (!m_object) fail(at, "the plain-text dump closes a large object it has not opened: " + quote_bytes(line));
        if (line != "SELECT pg_catalog.lo_close(0);")
          fail(at, "the plain-text dump's lo_close line for " + large_object_label(*m_object, *m_run) + " is " +
                       quote_bytes(line));
        m_object.reset();
        m_context.sink.end_large_object();
        return;
    }
  }

  void end_of_text(std::uint64_t at) override {
    if (m_object)
      throw DumpError(DumpErrc::truncated, m_path, at,
                      "the plain-text dump ends inside " + large_object_label(*m_object, *m_run) +
                          ", before its lo_close" + m_note);
    end_run(at);
  }

  void begin(const TocEntry* entry) {
    m_current = entry;
    m_context.sink.begin_table(*entry);
  }
  // Starts inside a run of large object statements (reading one BLOBS entry from its offset).
  void begin_run(const TocEntry* entry) { m_run = entry; }
  bool all_found() const { return m_wanted.empty(); }
  const TocEntry* first_missing() const { return m_wanted.empty() ? nullptr : m_wanted.begin()->second; }

 private:
  [[noreturn]] void fail(std::uint64_t at, const std::string& reason) const {
    throw DumpError(DumpErrc::bad_large_object_statement, m_path, at, reason + m_note);
  }

  // Another statement ends a run of large object statements.
  void end_run(std::uint64_t at) {
    if (!m_run) return;
    if (m_object)
      fail(at, "the plain-text dump's " + large_object_label(*m_object, *m_run) +
                   " ends without its lo_close (another statement follows)");
    const TocEntry* run = m_run;
    m_run = nullptr;
    done(run);
  }

  void done(const TocEntry* entry) {
    m_wanted.erase(entry->offset.value);
    if (m_wanted.empty()) scanner->stop();
  }

  const fs::path& m_path;
  ReadContext& m_context;
  std::string m_note;
  std::map<std::uint64_t, const TocEntry*> m_wanted;
  const TocEntry* m_current = nullptr;
  const TocEntry* m_run = nullptr;  // the BLOBS entry being read
  std::optional<std::uint32_t> m_object;
  std::string m_bytes;
};

}  // namespace

std::vector<TocEntry> synthesize_plain_toc(const fs::path& path, const ArchiveHeader& header) {
  TocCollector collector(path, offset_note(header));
  PlainScanner scanner(path, collector, kMaxRowBytes, offset_note(header));
  std::string tail;
  drive(path, header, 0, scanner, nullptr, &tail);
  // pg_dump ends every plain dump with this comment (then, since 17.6 and 18,
  // an \unrestrict line): a text cut between two statements parses as SQL
  // and only its missing last line says it was cut.
  if (tail.find("\n-- PostgreSQL database dump complete\n") == std::string::npos)
    throw DumpError(DumpErrc::truncated, path, scanner.offset(),
                    "the plain-text dump ends without pg_dump's closing line \"-- PostgreSQL database dump complete\": "
                    "it was cut short" + offset_note(header));
  return std::move(collector.entries);
}

void read_plain_tables(const ArchiveToc& toc, const std::vector<const TocEntry*>& wanted, ReadContext& context) {
  if (wanted.empty()) return;
  RowReader reader(toc.path, wanted, context, offset_note(toc.header));
  PlainScanner scanner(toc.path, reader, context.max_row, offset_note(toc.header));
  reader.scanner = &scanner;
  std::uint64_t start = 0;
  if (wanted.size() == 1 && toc.header.compression == Compression::none) {
    // One entry of an uncompressed dump: straight to its rows, or to its first lo_open.
    const TocEntry* entry = wanted.front();
    start = entry->offset.value;
    if (entry->is_large_objects()) {
      reader.begin_run(entry);
    } else if (entry->data_as_statements()) {
      // Its header comment starts a statement, where the scan starts.
    } else {
      reader.begin(entry);
      scanner.start_in_copy(table_label(*entry), true);
    }
  }
  drive(toc.path, toc.header, start, scanner, &context.progress);
  if (!reader.all_found())
    throw DumpError(DumpErrc::io_error, toc.path, reader.first_missing()->entry_offset,
                    "the file changed since its TOC was read: the data of " +
                        (reader.first_missing()->is_large_objects()
                             ? std::string("the large objects at this offset")
                             : table_label(*reader.first_missing())) +
                        " is gone");
}

}  // namespace pgverify::dump::detail
