#include "dump/archive_toc.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "dump/plain_dump.hpp"
#include "pg/ident.hpp"
#include "dump/tar_member.hpp"

namespace pgverify::dump {

namespace {

namespace fs = std::filesystem;

// The TOC's layout by archive version (ReadToc, pg_backup_archiver.c):
//   1.12, 1.13  dumpId, hadDumper, tableoid, oid, tag, desc, section, defn,
//               dropStmt, copyStmt, namespace, tablespace, owner, withOids,
//               dependencies (strings up to a null), the format's own part
//   1.14        + tableam after tablespace (PostgreSQL 12: table access methods)
//   1.16        + relkind after tableam (PostgreSQL 17: pg_restore needs it to
//               tell partitioned tables apart when restoring in parallel)
constexpr ArchiveVersion kVersionTableAm{1, 14, 0};
constexpr ArchiveVersion kVersionRelkind{1, 16, 0};

// The copy statement is needed whole; it lists every column (1600 at most).
constexpr std::size_t kCopyStatementLimit = 16 * 1024 * 1024;

bool is_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The names pg_char_to_encoding (src/common/encnames.c) accepts, after its
// clean_encoding_name: lowercase, letters and digits only. Aliases included.
constexpr std::string_view kEncodingNames[] = {
    "abc",        "alt",        "big5",        "euccn",        "eucjis2004",  "eucjp",       "euckr",
    "euctw",      "gb18030",    "gbk",         "iso88591",     "iso885910",   "iso885913",   "iso885914",
    "iso885915",  "iso885916",  "iso88592",    "iso88593",     "iso88594",    "iso88595",    "iso88596",
    "iso88597",   "iso88598",   "iso88599",    "johab",        "koi8",        "koi8r",       "koi8u",
    "latin1",     "latin10",    "latin2",      "latin3",       "latin4",      "latin5",      "latin6",
    "latin7",     "latin8",     "latin9",      "mskanji",      "muleinternal", "shiftjis",   "shiftjis2004",
    "sjis",       "sqlascii",   "tcvn",        "tcvn5712",     "uhc",         "unicode",     "utf8",
    "vscii",      "win",        "win1250",     "win1251",      "win1252",     "win1253",     "win1254",
    "win1255",    "win1256",    "win1257",     "win1258",      "win866",      "win874",      "win932",
    "win936",     "win949",     "win950",      "windows1250",  "windows1251", "windows1252", "windows1253",
    "windows1254", "windows1255", "windows1256", "windows1257", "windows1258", "windows866", "windows874",
    "windows932", "windows936", "windows949",  "windows950",
};

bool is_known_encoding(std::string_view name) {
  if (name.size() >= 64) return false;  // NAMEDATALEN: pg_char_to_encoding refuses longer names
  std::string clean;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') clean += static_cast<char>(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) clean += c;
  }
  return std::find(std::begin(kEncodingNames), std::end(kEncodingNames), clean) != std::end(kEncodingNames);
}

class TocReader {
 public:
  TocReader(ArchiveCursor& cursor, const ArchiveHeader& header) : m_cursor(cursor), m_header(header) {}

  std::vector<TocEntry> read() {
    const std::uint64_t count_at = m_cursor.offset();
    const std::int32_t count = m_cursor.read_int("the TOC entry count");
    const std::uint64_t smallest = smallest_entry();
    if (count < 0)
      m_cursor.fail(DumpErrc::bad_entry_count, count_at, "the TOC entry count is negative (" + std::to_string(count) + ")");
    // Every entry takes at least `smallest` bytes, so a count the rest of the
    // file cannot hold is damage; it is refused before anything is allocated.
    if (count > kMaxTocEntries || static_cast<std::uint64_t>(count) > m_cursor.remaining() / smallest)
      m_cursor.fail(DumpErrc::bad_entry_count, count_at,
                    "implausible TOC entry count " + std::to_string(count) + ": the " +
                        std::to_string(m_cursor.remaining()) + " bytes left hold at most " +
                        std::to_string(std::min<std::uint64_t>(kMaxTocEntries, m_cursor.remaining() / smallest)) +
                        " entries");
    std::vector<TocEntry> entries;
    std::unordered_map<int, std::uint64_t> seen;
    for (std::int32_t i = 0; i < count; ++i) {
      entries.push_back(read_entry(i));
      const TocEntry& e = entries.back();
      auto [it, fresh] = seen.emplace(e.dump_id, e.entry_offset);
      if (!fresh)
        m_cursor.fail(DumpErrc::duplicate_dump_id, e.entry_offset,
                      "entry " + std::to_string(i + 1) + " of the TOC has dump id " + std::to_string(e.dump_id) +
                          ", which the entry at byte offset " + std::to_string(it->second) + " has already");
    }
    return entries;
  }

 private:
  std::uint64_t smallest_entry() const {
    const std::uint64_t integer = 1 + static_cast<std::uint64_t>(m_cursor.int_size());
    std::uint64_t ints = 16;
    if (*m_header.version >= kVersionTableAm) ++ints;
    if (*m_header.version >= kVersionRelkind) ++ints;
    const std::uint64_t extra =
        m_header.format == ArchiveFormat::custom ? 1 + static_cast<std::uint64_t>(m_cursor.off_size()) : integer;
    return ints * integer + extra;
  }

  void charge(std::uint64_t bytes, std::uint64_t at) {
    m_kept += bytes;
    if (m_kept > kTocMemoryLimit)
      m_cursor.fail(DumpErrc::toc_too_large, at,
                    "the TOC's strings exceed " + std::to_string(kTocMemoryLimit >> 20) +
                        " MiB, more than this reader keeps in memory");
  }

  std::optional<std::string> string(const std::string& what, std::size_t limit) {
    const std::uint64_t at = m_cursor.offset();
    auto text = m_cursor.read_string(what, limit);
    if (text) charge(text->size(), at);
    return text;
  }

  std::string required(const std::string& what, std::size_t limit) {
    const std::uint64_t at = m_cursor.offset();
    auto text = string(what, limit);
    if (!text)
      m_cursor.fail(DumpErrc::missing_string, at, what + " is null (pg_dump always writes it)");
    return *text;
  }

  // A statement kept when short, stepped over when long: either way its
  // length is known and nothing beyond kKeptStatementLimit is allocated.
  std::string statement(const std::string& what, std::uint64_t& length) {
    const std::uint64_t at = m_cursor.offset();
    const std::int32_t n = m_cursor.read_int(what + " (length)");
    if (n == -1) return {};
    if (n < 0)
      m_cursor.fail(DumpErrc::bad_string_length, at,
                    what + " has length " + std::to_string(n) + " (only -1, for null, may be negative)");
    length = static_cast<std::uint64_t>(n);
    if (length > kTocStatementLimit)
      m_cursor.fail(DumpErrc::bad_string_length, at,
                    what + " has an implausible length of " + std::to_string(length) + " bytes (at most " +
                        std::to_string(kTocStatementLimit) + " expected)");
    if (length > kKeptStatementLimit) {
      m_cursor.skip(length, what);
      return {};
    }
    std::string text(static_cast<std::size_t>(length), '\0');
    m_cursor.read_bytes({reinterpret_cast<std::uint8_t*>(text.data()), text.size()}, what);
    charge(length, at);
    return text;
  }

  std::string catalog_id(const std::string& what) {
    const std::uint64_t at = m_cursor.offset();
    std::string text = required(what, kTocNameLimit);
    // sscanf("%u") in ReadToc; pg_dump writes an OID in decimal.
    if (!is_digits(text) || text.size() > 10)
      m_cursor.fail(DumpErrc::bad_toc_entry, at, what + " " + quote_bytes(text) + " is not an OID");
    return text;
  }

  TocEntry read_entry(std::int32_t index) {
    TocEntry e;
    e.entry_offset = m_cursor.offset();
    const std::uint64_t entry_at = e.entry_offset;
    const std::string n = "TOC entry " + std::to_string(index + 1);

    e.dump_id = m_cursor.read_int("the dump id of " + n);
    if (e.dump_id <= 0)
      m_cursor.fail(DumpErrc::bad_dump_id, entry_at,
                    "the dump id of " + n + " is " + std::to_string(e.dump_id) + " (dump ids are positive)");
    const std::string id = "entry " + std::to_string(e.dump_id);

    const std::uint64_t dumper_at = m_cursor.offset();
    const std::int32_t had_dumper = m_cursor.read_int("the hadDumper flag of " + id);
    if (had_dumper != 0 && had_dumper != 1)
      m_cursor.fail(DumpErrc::bad_toc_entry, dumper_at,
                    "the hadDumper flag of " + id + " is " + std::to_string(had_dumper) + " (pg_dump writes 0 or 1)");
    e.had_dumper = had_dumper == 1;
    e.table_oid = catalog_id("the table oid of " + id);
    e.oid = catalog_id("the oid of " + id);
    const std::uint64_t tag_at = m_cursor.offset();
    e.tag = required("the tag of " + id, kTocNameLimit);
    const std::uint64_t desc_at = m_cursor.offset();
    e.desc = required("the description of " + id, kTocNameLimit);

    const std::uint64_t section_at = m_cursor.offset();
    const std::int32_t section = m_cursor.read_int("the section of " + id);
    if (section < static_cast<int>(TocSection::none) || section > static_cast<int>(TocSection::post_data))
      m_cursor.fail(DumpErrc::bad_section, section_at,
                    "the section of " + id + " (" + quote_bytes(e.desc) + ") is " + std::to_string(section) +
                        " (pg_dump writes 1 none, 2 pre-data, 3 data, 4 post-data)");
    e.section = static_cast<TocSection>(section);

    const std::uint64_t defn_at = m_cursor.offset();
    e.defn = statement("the definition of " + id, e.defn_length);
    e.drop_stmt = statement("the drop statement of " + id, e.drop_stmt_length);
    const std::uint64_t copy_at = m_cursor.offset();
    e.copy_stmt = string("the copy statement of " + id, kCopyStatementLimit).value_or("");
    e.schema = string("the namespace of " + id, kTocNameLimit).value_or("");
    e.tablespace = string("the tablespace of " + id, kTocNameLimit).value_or("");
    if (*m_header.version >= kVersionTableAm) e.table_am = string("the table access method of " + id, kTocNameLimit).value_or("");
    if (*m_header.version >= kVersionRelkind) {
      const std::uint64_t relkind_at = m_cursor.offset();
      const std::int32_t relkind = m_cursor.read_int("the relkind of " + id);
      // A pg_class.relkind letter, or 0 for entries that are no relation.
      if (relkind < 0 || relkind > 127 || (relkind != 0 && !(relkind >= 'a' && relkind <= 'z')))
        m_cursor.fail(DumpErrc::bad_toc_entry, relkind_at,
                      "the relkind of " + id + " is " + std::to_string(relkind) + ", no pg_class.relkind letter");
      if (relkind != 0) e.relkind = static_cast<char>(relkind);
    }
    e.owner = string("the owner of " + id, kTocNameLimit).value_or("");

    const std::uint64_t oids_at = m_cursor.offset();
    const std::string with_oids = required("the withOids flag of " + id, kTocNameLimit);
    if (with_oids != "true" && with_oids != "false")
      m_cursor.fail(DumpErrc::bad_toc_entry, oids_at,
                    "the withOids flag of " + id + " is " + quote_bytes(with_oids) + ", neither \"true\" nor \"false\"");
    e.with_oids = with_oids == "true";

    while (true) {
      const std::uint64_t dep_at = m_cursor.offset();
      auto dep = string("a dependency of " + id, kTocNameLimit);
      if (!dep) break;
      int value = 0;
      const auto [end, ec] = std::from_chars(dep->data(), dep->data() + dep->size(), value);
      if (ec != std::errc() || end != dep->data() + dep->size() || value <= 0)
        m_cursor.fail(DumpErrc::bad_dependency, dep_at,
                      "a dependency of " + id + " is " + quote_bytes(*dep) + ", not a positive dump id");
      charge(sizeof(int), dep_at);
      e.dependencies.push_back(value);
    }

    validate(e, {desc_at, dumper_at, section_at, defn_at, copy_at, tag_at});

    const std::uint64_t extra_at = m_cursor.offset();
    if (m_header.format == ArchiveFormat::custom) {
      // _ReadExtraToc in pg_backup_custom.c.
      e.offset = m_cursor.read_offset("the data offset of " + id);
      if (e.offset.state == DataOffsetState::set && e.offset.value < m_header.toc_offset)
        m_cursor.fail(DumpErrc::bad_data_offset, extra_at,
                      "the data offset of " + id + " is " + std::to_string(e.offset.value) +
                          ", inside the archive's header (the TOC starts at byte offset " +
                          std::to_string(m_header.toc_offset) + ")");
    } else {
      // _ReadExtraToc in pg_backup_directory.c and pg_backup_tar.c: a file name, empty for none.
      e.filename = string("the data file name of " + id, kTocNameLimit).value_or("");
      // A name from the archive becomes a path: it must stay inside the archive.
      if (!e.filename.empty() &&
          (e.filename.find('/') != std::string::npos || e.filename.find('\0') != std::string::npos ||
           e.filename == "." || e.filename == ".."))
        m_cursor.fail(DumpErrc::bad_toc_entry, extra_at,
                      "the data file name of " + id + " is " + quote_bytes(e.filename) +
                          ", which is not a plain file name");
    }
    return e;
  }


  // Where the fields validate() looks at start, for its errors.
  struct FieldOffsets {
    std::uint64_t desc, dumper, section, defn, copy, tag;
  };

  // What pg_restore relies on besides the layout: an entry type pg_dump
  // writes in this archive version, data exactly where pg_dump gives it, the
  // data-bearing types in their section, settings pg_restore parses, and the
  // OIDs of listed large objects.
  void validate(const TocEntry& e, const FieldOffsets& at) {
    const std::string id = "entry " + std::to_string(e.dump_id);
    const ArchiveVersion& version = *m_header.version;
    const EntryType* type = find_entry_type(e.desc);
    if (!type)
      m_cursor.fail(DumpErrc::unknown_entry_type, at.desc,
                    "the type of " + id + " is " + quote_bytes(e.desc) +
                        ", which no pg_dump writes: the TOC is damaged (pg_restore stops at a type it cannot set "
                        "the owner of, and takes others for what they are not)");
    if (!written_in(*type, version))
      m_cursor.fail(DumpErrc::unknown_entry_type, at.desc,
                    "the type of " + id + " is " + quote_bytes(e.desc) + ", which pg_dump writes only in " +
                        written_by(*type) + ", not in this " + version.str() + " archive");
    const std::string what = id + " (" + std::string(type->desc) + (e.tag.empty() ? "" : " " + quote_bytes(e.tag)) + ")";
    if (type->has_data && !e.had_dumper)
      m_cursor.fail(DumpErrc::entry_without_data, at.dumper,
                    what + " has its hadDumper flag 0, which pg_dump never writes for " + std::string(type->desc) +
                        ": pg_restore would restore nothing of its data");
    if (!type->has_data && e.had_dumper)
      m_cursor.fail(DumpErrc::unexpected_entry_data, at.dumper,
                    what + " has its hadDumper flag 1, which pg_dump writes only for TABLE DATA and BLOBS");
    if (type->section && e.section != *type->section)
      m_cursor.fail(DumpErrc::bad_section, at.section,
                    what + " is in section " + std::string(to_string(e.section)) + ", but pg_dump writes " +
                        std::string(type->desc) + " in section " + std::string(to_string(*type->section)) +
                        " (pg_restore --section=" + std::string(to_string(*type->section)) + " would skip it)");
    if (e.desc == "ENCODING") check_encoding(e, what, at.defn);
    if (e.desc == "STDSTRINGS") check_std_strings(e, what, at.defn);
    if (e.is_table_data() && !e.copy_stmt.empty() && !parse_copy_statement(e.copy_stmt))
      m_cursor.fail(DumpErrc::bad_copy_statement, at.copy,
                    "the copy statement of " + what + " is " + quote_bytes(e.copy_stmt) +
                        ", not the \"COPY table (columns) FROM stdin;\" pg_dump writes");
    if (e.desc == "BLOB" && !parse_oid(e.tag))
      m_cursor.fail(DumpErrc::bad_large_object_entry, at.tag,
                    "the tag of " + id + " (BLOB) is " + quote_bytes(e.tag) + ", not the OID of a large object");
    if (e.desc == "BLOB METADATA") check_blob_metadata(e, id, at.defn);
  }

  // processEncodingEntry (pg_backup_archiver.c): "SET client_encoding = 'X';"
  // with X an encoding pg_restore knows, else it stops.
  void check_encoding(const TocEntry& e, const std::string& what, std::uint64_t at) {
    const std::size_t open = e.defn.find('\'');
    const std::size_t close = open == std::string::npos ? open : e.defn.find('\'', open + 1);
    if (close == std::string::npos)
      m_cursor.fail(DumpErrc::bad_encoding_entry, at,
                    "the definition of " + what + " is " + quote_bytes(e.defn) +
                        ", which names no quoted encoding (pg_restore stops: \"invalid ENCODING item\")");
    const std::string name = e.defn.substr(open + 1, close - open - 1);
    if (!is_known_encoding(name))
      m_cursor.fail(DumpErrc::bad_encoding_entry, at,
                    "the definition of " + what + " names the encoding " + quote_bytes(name) +
                        ", which PostgreSQL does not know (pg_restore stops: \"unrecognized encoding\")");
  }

  // processStdStringsEntry: the first quote must open 'on' or 'off'.
  void check_std_strings(const TocEntry& e, const std::string& what, std::uint64_t at) {
    const std::size_t open = e.defn.find('\'');
    const std::string_view rest = open == std::string::npos ? std::string_view() : std::string_view(e.defn).substr(open);
    if (rest.substr(0, 4) != "'on'" && rest.substr(0, 5) != "'off'")
      m_cursor.fail(DumpErrc::bad_stdstrings_entry, at,
                    "the definition of " + what + " is " + quote_bytes(e.defn) +
                        ", which sets standard_conforming_strings to neither 'on' nor 'off' (pg_restore stops: "
                        "\"invalid STDSTRINGS item\")");
  }

  // A BLOB METADATA definition lists its large objects' OIDs, each on a line
  // of its own (pg_restore's IssueCommandPerBlob wraps every line in
  // lo_create and ALTER LARGE OBJECT ... OWNER TO).
  void check_blob_metadata(const TocEntry& e, const std::string& id, std::uint64_t at) {
    if (e.defn_length > e.defn.size())
      m_cursor.fail(DumpErrc::bad_large_object_entry, at,
                    "the definition of " + id + " (BLOB METADATA) is " + std::to_string(e.defn_length) +
                        " bytes long; pg_dump lists at most 1000 OIDs in one");
    if (e.defn.empty() || e.defn.back() != '\n')
      m_cursor.fail(DumpErrc::bad_large_object_entry, at,
                    "the definition of " + id + " (BLOB METADATA) is " + quote_bytes(e.defn) +
                        ", not large object OIDs each ended by a newline");
    std::size_t line_at = 0;
    while (line_at < e.defn.size()) {
      const std::size_t end = e.defn.find('\n', line_at);
      const std::string_view line = std::string_view(e.defn).substr(line_at, end - line_at);
      if (!parse_oid(line))
        m_cursor.fail(DumpErrc::bad_large_object_entry, at,
                      "the definition of " + id + " (BLOB METADATA) lists " + quote_bytes(line) +
                          ", not the OID of a large object");
      line_at = end + 1;
    }
  }

  ArchiveCursor& m_cursor;
  const ArchiveHeader& m_header;
  std::uint64_t m_kept = 0;
};


// One identifier of a SQL name at pos: "quoted ""x""" or unquoted (downcased as
// the server would, though pg_dump only writes lowercase unquoted names).
std::optional<std::string> parse_identifier(std::string_view text, std::size_t& pos) {
  if (pos >= text.size()) return std::nullopt;
  std::string out;
  if (text[pos] == '"') {
    ++pos;
    while (true) {
      if (pos >= text.size()) return std::nullopt;
      if (text[pos] == '"') {
        if (pos + 1 < text.size() && text[pos + 1] == '"') {
          out += '"';
          pos += 2;
          continue;
        }
        ++pos;
        break;
      }
      out += text[pos++];
    }
    return out.empty() ? std::nullopt : std::optional(out);
  }
  while (pos < text.size()) {
    const char c = text[pos];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '$' || static_cast<unsigned char>(c) >= 0x80;
    if (!ok) break;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    ++pos;
  }
  return out.empty() ? std::nullopt : std::optional(out);
}

ArchiveToc read_binary_toc(const ByteSource& source, std::uint64_t begin, std::uint64_t end, ArchiveFormat format,
                           const std::string& region) {
  ArchiveCursor cursor(source, begin, end, region);
  ArchiveToc toc;
  toc.header = read_binary_header(cursor, format);
  toc.entries = read_toc_entries(cursor, toc.header);
  toc.data_start = cursor.offset();
  return toc;
}

void index_entries(ArchiveToc& toc) {
  toc.by_dump_id.reserve(toc.entries.size());
  for (std::size_t i = 0; i < toc.entries.size(); ++i) toc.by_dump_id.emplace(toc.entries[i].dump_id, i);
}

// The large objects the BLOB and BLOB METADATA entries list (their OIDs were
// checked as the TOC was read), by OID; one listed twice is refused, as
// pg_restore would fail creating it the second time.
void index_large_objects(ArchiveToc& toc) {
  std::vector<ListedLargeObject>& listed = toc.listed_large_objects;
  for (const TocEntry& e : toc.entries) {
    if (e.desc == "BLOB") {
      if (auto oid = parse_oid(e.tag)) listed.push_back({*oid, e.owner, e.dump_id});
    } else if (e.desc == "BLOB METADATA") {
      std::size_t at = 0;
      while (at < e.defn.size()) {
        const std::size_t end = std::min(e.defn.find('\n', at), e.defn.size());
        if (auto oid = parse_oid(std::string_view(e.defn).substr(at, end - at)))
          listed.push_back({*oid, e.owner, e.dump_id});
        at = end + 1;
      }
    }
  }
  std::stable_sort(listed.begin(), listed.end(),
                   [](const ListedLargeObject& a, const ListedLargeObject& b) { return a.oid < b.oid; });
  for (std::size_t i = 1; i < listed.size(); ++i) {
    if (listed[i].oid != listed[i - 1].oid) continue;
    const TocEntry& second = *toc.find(listed[i].dump_id);
    throw DumpError(DumpErrc::duplicate_large_object, toc.header.header_file, second.entry_offset,
                    "large object " + std::to_string(listed[i].oid) + " is listed twice: by entry " +
                        std::to_string(listed[i - 1].dump_id) + " and by entry " + std::to_string(listed[i].dump_id) +
                        " (pg_restore would fail creating it again)");
  }
}

}  // namespace

std::string TocEntry::plain_name() const { return schema.empty() ? tag : schema + "." + tag; }

std::string TocEntry::relation() const {
  return schema.empty() ? pg::canonical_ident(tag) : pg::canonical_ident(schema) + "." + pg::canonical_ident(tag);
}

std::optional<std::vector<std::string>> TocEntry::copy_columns() const {
  if (!is_table_data() || copy_stmt.empty()) return std::nullopt;
  auto target = parse_copy_statement(copy_stmt);
  return target ? target->columns : std::nullopt;
}

const TocEntry* ArchiveToc::find(int dump_id) const {
  auto it = by_dump_id.find(dump_id);
  return it == by_dump_id.end() ? nullptr : &entries[it->second];
}

std::vector<const TocEntry*> ArchiveToc::tables_with_data() const {
  std::vector<const TocEntry*> out;
  for (const TocEntry& e : entries)
    if (e.is_table_data() && e.had_dumper) out.push_back(&e);
  return out;
}

std::vector<const TocEntry*> ArchiveToc::large_object_entries() const {
  std::vector<const TocEntry*> out;
  for (const TocEntry& e : entries)
    if (e.is_large_objects() && e.had_dumper) out.push_back(&e);
  return out;
}

std::vector<const TocEntry*> ArchiveToc::entries_with_data() const {
  std::vector<const TocEntry*> out;
  for (const TocEntry& e : entries)
    if ((e.is_table_data() || e.is_large_objects()) && e.had_dumper) out.push_back(&e);
  return out;
}

bool ArchiveToc::holds_large_objects() const {
  return !listed_large_objects.empty() || !large_object_entries().empty();
}

const ListedLargeObject* ArchiveToc::listed_large_object(std::uint32_t oid) const {
  auto it = std::lower_bound(listed_large_objects.begin(), listed_large_objects.end(), oid,
                             [](const ListedLargeObject& l, std::uint32_t o) { return l.oid < o; });
  return it != listed_large_objects.end() && it->oid == oid ? &*it : nullptr;
}

std::string ArchiveToc::encoding() const {
  for (const TocEntry& e : entries) {
    if (e.desc != "ENCODING") continue;
    const std::size_t open = e.defn.find('\'');
    const std::size_t close = open == std::string::npos ? open : e.defn.find('\'', open + 1);
    if (close != std::string::npos) return e.defn.substr(open + 1, close - open - 1);
  }
  return "";
}

std::vector<const TocEntry*> ArchiveToc::extensions() const {
  std::vector<const TocEntry*> out;
  for (const TocEntry& e : entries)
    if (e.desc == "EXTENSION") out.push_back(&e);
  return out;
}

std::vector<SequenceSet> ArchiveToc::sequences_set() const {
  std::vector<SequenceSet> out;
  for (const TocEntry& e : entries) {
    if (e.desc != "SEQUENCE SET") continue;
    if (auto set = parse_setval(e.defn)) {
      set->entry = &e;
      out.push_back(std::move(*set));
    }
  }
  return out;
}

std::vector<TocEntry> read_toc_entries(ArchiveCursor& cursor, const ArchiveHeader& header) {
  return TocReader(cursor, header).read();
}

std::optional<SequenceSet> parse_setval(std::string_view sql) {
  // pg_dump.c, dumpSequenceData: "SELECT pg_catalog.setval(%s, %s, %s);\n".
  constexpr std::string_view prefix = "SELECT pg_catalog.setval('";
  if (sql.substr(0, prefix.size()) != prefix) return std::nullopt;
  std::size_t pos = prefix.size();
  SequenceSet set;
  while (true) {
    if (pos >= sql.size()) return std::nullopt;
    if (sql[pos] == '\'') {
      if (pos + 1 < sql.size() && sql[pos + 1] == '\'') {
        set.sequence += '\'';
        pos += 2;
        continue;
      }
      ++pos;
      break;
    }
    set.sequence += sql[pos++];
  }
  auto expect = [&](std::string_view s) {
    if (sql.substr(pos, s.size()) != s) return false;
    pos += s.size();
    return true;
  };
  if (!expect(", ")) return std::nullopt;
  const std::size_t value_at = pos;
  if (pos < sql.size() && sql[pos] == '-') ++pos;
  while (pos < sql.size() && sql[pos] >= '0' && sql[pos] <= '9') ++pos;
  set.value = std::string(sql.substr(value_at, pos - value_at));
  if (set.value.empty() || set.value == "-") return std::nullopt;
  if (expect(", true);")) set.is_called = true;
  else if (expect(", false);")) set.is_called = false;
  else return std::nullopt;
  return set;
}

std::optional<std::pair<std::string, std::string>> split_qualified_name(std::string_view quoted) {
  std::size_t pos = 0;
  auto first = parse_identifier(quoted, pos);
  if (!first) return std::nullopt;
  if (pos == quoted.size()) return std::pair(std::string(), std::move(*first));
  if (quoted[pos] != '.') return std::nullopt;
  ++pos;
  auto second = parse_identifier(quoted, pos);
  if (!second || pos != quoted.size()) return std::nullopt;
  return std::pair(std::move(*first), std::move(*second));
}

std::optional<CopyTarget> parse_copy_statement(std::string_view sql) {
  constexpr std::string_view prefix = "COPY ";
  if (sql.substr(0, prefix.size()) != prefix) return std::nullopt;
  std::size_t pos = prefix.size();
  CopyTarget target;
  auto first = parse_identifier(sql, pos);
  if (!first) return std::nullopt;
  if (pos < sql.size() && sql[pos] == '.') {
    ++pos;
    auto second = parse_identifier(sql, pos);
    if (!second) return std::nullopt;
    target.schema = std::move(*first);
    target.table = std::move(*second);
  } else {
    target.table = std::move(*first);
  }
  target.quoted = std::string(sql.substr(prefix.size(), pos - prefix.size()));
  std::string_view rest = sql.substr(pos);
  while (!rest.empty() && (rest.back() == '\n' || rest.back() == '\r')) rest.remove_suffix(1);
  constexpr std::string_view suffix = " FROM stdin;";
  if (rest.size() < suffix.size() || rest.substr(rest.size() - suffix.size()) != suffix) return std::nullopt;
  const std::string_view columns = rest.substr(0, rest.size() - suffix.size());
  // "" (no list), " " (pg_dump's empty list of a table without columns) or " (a, b)".
  if (columns.empty()) return target;
  target.columns.emplace();
  if (columns == " ") return target;
  if (columns.substr(0, 2) != " (" || columns.back() != ')') return std::nullopt;
  // fmtCopyColumnList: each name as fmtId writes it, joined by ", ".
  const std::string_view list = columns.substr(2, columns.size() - 3);
  std::size_t at = 0;
  while (true) {
    auto name = parse_identifier(list, at);
    if (!name) return std::nullopt;
    target.columns->push_back(std::move(*name));
    if (at == list.size()) break;
    if (list.substr(at, 2) != ", ") return std::nullopt;
    at += 2;
  }
  return target;
}

std::optional<std::uint32_t> parse_oid(std::string_view text) {
  if (!is_digits(text) || text.size() > 10) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  if (value == 0 || value > 0xffffffffull) return std::nullopt;
  return static_cast<std::uint32_t>(value);
}

ArchiveToc read_archive_toc(const fs::path& path) {
  const ArchiveHeader header = read_archive_header(path);
  ArchiveToc toc;
  switch (header.format) {
    case ArchiveFormat::custom: {
      FileSource source(path);
      toc = read_binary_toc(source, 0, source.size(), ArchiveFormat::custom, "the file");
      break;
    }
    case ArchiveFormat::directory: {
      FileSource source(header.header_file);
      toc = read_binary_toc(source, 0, source.size(), ArchiveFormat::directory, "the file");
      break;
    }
    case ArchiveFormat::tar: {
      FileSource source(path);
      const TarMember member = read_tar_member(source, 0);
      const bool fits = member.size <= source.size() - std::min(source.size(), member.data_offset);
      const std::uint64_t end = fits ? member.data_offset + member.size : source.size();
      toc = read_binary_toc(source, member.data_offset, end, ArchiveFormat::tar,
                            fits ? "the toc.dat member" : "the file");
      break;
    }
    case ArchiveFormat::plain:
      toc.header = header;
      toc.entries = detail::synthesize_plain_toc(path, header);
      break;
  }
  toc.path = path;
  index_entries(toc);
  index_large_objects(toc);
  return toc;
}

}  // namespace pgverify::dump
