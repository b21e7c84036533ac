// The table of contents of a pg_dump archive: every object the archive holds,
// read natively as pg_restore's ReadToc (pg_backup_archiver.c) does for archive
// versions 1.12 to 1.16, with the format's own part of each entry (a custom
// archive's data offset, a directory or tar archive's data file name). A plain
// SQL dump has no TOC; one is put together from its COPY blocks, CREATE
// EXTENSION, setval and large object lines (plain_dump.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dump/archive_cursor.hpp"
#include "dump/archive_header.hpp"
#include "dump/entry_types.hpp"

namespace pgverify::dump {

struct TocEntry {
  int dump_id = 0;
  bool had_dumper = false;  // the entry has data (TABLE DATA, BLOBS)
  std::string table_oid;    // catalog ids as pg_dump writes them: decimal digits
  std::string oid;
  std::string tag;          // unquoted: the table's name for TABLE DATA
  std::string desc;         // "TABLE DATA", "SEQUENCE SET", "EXTENSION", ...
  TocSection section = TocSection::none;
  // The SQL that creates and drops the object. Kept whole up to
  // kKeptStatementLimit bytes; a longer one is stepped over and left empty,
  // its length kept (a function body of many MB is of no use here).
  std::string defn;
  std::string drop_stmt;
  std::uint64_t defn_length = 0;
  std::uint64_t drop_stmt_length = 0;
  std::string copy_stmt;    // "COPY public.t (a, b) FROM stdin;\n" (TABLE DATA only)
  std::string schema;       // the namespace, unquoted; empty when none
  std::string tablespace;
  std::string table_am;     // 1.14+
  std::optional<char> relkind;  // 1.16+: 'r', 'p', 'S'... (nullopt when not a relation)
  std::string owner;
  bool with_oids = false;   // "true" only from pg_dump 11 and older on tables WITH OIDS
  std::vector<int> dependencies;
  DataOffset offset;        // custom: where the data block starts; plain: where the rows start
  std::string filename;     // directory and tar: the data file ("3659.dat"); empty when none
  std::uint64_t entry_offset = 0;  // where the entry starts in the file holding the TOC

  bool is_table_data() const { return desc == "TABLE DATA"; }
  bool is_large_objects() const { return desc == "BLOBS"; }  // a BLOBS entry: large objects' data
  // schema.tag unquoted ("public.Mixed Case"), as filters and hash::RelationSpec::plain_name read.
  std::string plain_name() const;
  // schema.tag in canonical spelling (pg/ident.hpp: public."Mixed Case",
  // public.json_table), as hash::RelationSpec::name reads: the entry's own
  // table, also when its COPY loads it through the partition root.
  std::string relation() const;
  // The columns a TABLE DATA entry's COPY statement loads, unquoted, in its
  // order; nullopt when it names none (no list, or the data is INSERT statements).
  std::optional<std::vector<std::string>> copy_columns() const;
  // A TABLE DATA entry whose data is SQL statements (pg_dump --inserts or
  // --column-inserts): pg_dump writes it no COPY statement.
  bool data_as_statements() const { return is_table_data() && copy_stmt.empty(); }
};

// "SELECT pg_catalog.setval('public.counter', 6, true);" of a SEQUENCE SET entry.
struct SequenceSet {
  std::string sequence;  // as quoted inside the literal: public.counter, public."My Seq"
  std::string value;     // decimal, as written (sequences are bigint; kept as text)
  bool is_called = true;
  const TocEntry* entry = nullptr;
};

// A large object the TOC lists: a BLOB entry (archives before 1.16: the tag is
// the OID) or a line of a BLOB METADATA entry's definition (1.16: one OID a
// line, a group of up to 1000 sharing one owner). A plain dump lists each with
// "SELECT pg_catalog.lo_create('OID');" and its owner with "ALTER LARGE OBJECT".
struct ListedLargeObject {
  std::uint32_t oid = 0;
  std::string owner;  // the role the archive records; empty when it records none (plain, pg_dump -O)
  int dump_id = 0;    // the BLOB or BLOB METADATA entry
};

struct ArchiveToc {
  ArchiveHeader header;
  std::filesystem::path path;  // the archive as named: file, or directory
  std::vector<TocEntry> entries;  // in archive order
  // Custom: the first byte after the TOC, where data blocks begin.
  std::uint64_t data_start = 0;
  // dump id → index into entries.
  std::unordered_map<int, std::size_t> by_dump_id;
  // Every large object the TOC lists, in OID order (no OID twice).
  std::vector<ListedLargeObject> listed_large_objects;

  const TocEntry* find(int dump_id) const;
  // TABLE DATA entries (with a dumper), in archive order; BLOBS are not tables.
  std::vector<const TocEntry*> tables_with_data() const;
  // BLOBS entries (with a dumper), in archive order: the large objects' data.
  std::vector<const TocEntry*> large_object_entries() const;
  // Every entry whose data the readers stream: tables and large objects, in archive order.
  std::vector<const TocEntry*> entries_with_data() const;
  // Whether the archive holds large objects at all: any listed, or any BLOBS data.
  bool holds_large_objects() const;
  // The listing of one OID; nullptr when the TOC does not list it.
  const ListedLargeObject* listed_large_object(std::uint32_t oid) const;
  std::vector<const TocEntry*> extensions() const;  // EXTENSION entries: tag = extension name
  // The encoding the archive's text is in (its ENCODING entry: "SET
  // client_encoding = 'X';"); empty when it has none.
  std::string encoding() const;
  // Every SEQUENCE SET entry whose setval call parses.
  std::vector<SequenceSet> sequences_set() const;
};

// Reads the header and the whole TOC of a custom, directory, tar or plain
// archive. Throws DumpError on anything unreadable.
ArchiveToc read_archive_toc(const std::filesystem::path& path);

// Reads the TOC at the cursor, which read_binary_header left right after the
// header; leaves the cursor after the TOC.
std::vector<TocEntry> read_toc_entries(ArchiveCursor& cursor, const ArchiveHeader& header);

// Parses "SELECT pg_catalog.setval('public.s', 6, true);"; nullopt when it is not that.
std::optional<SequenceSet> parse_setval(std::string_view sql);

// "public.\"My Seq\"" → {"public", "My Seq"}; a name without schema → {"", name};
// nullopt when it is no SQL name (whole text).
std::optional<std::pair<std::string, std::string>> split_qualified_name(std::string_view quoted);

// Splits "COPY schema.table (cols) FROM stdin;" into its unquoted schema and
// table and the quoted name as written; nullopt when it is not a COPY FROM stdin.
// A table without columns has no list: pg_dump writes "COPY public.t  FROM
// stdin;" (its "COPY %s %s FROM stdin;" with an empty list, so two spaces).
struct CopyTarget {
  std::string schema;
  std::string table;
  std::string quoted;  // schema.table exactly as the statement writes it
  // A plain dump's "-- Data for Name: T; Type: TABLE DATA; Schema: S" header
  // before the COPY: the table the data belongs to, which is not the COPY's
  // target when pg_dump loads a partition through its root
  // (--load-via-partition-root, forced for hash partitions on an enum).
  std::string entry_schema;
  std::string entry_table;
  // The columns the rows go into, in order, unquoted ("id", "Mixed Case");
  // empty for pg_dump's empty list; nullopt when the statement has no list
  // (pg_dump always writes one).
  std::optional<std::vector<std::string>> columns;
};
std::optional<CopyTarget> parse_copy_statement(std::string_view sql);

// Limits that keep memory bounded whatever the TOC says.
inline constexpr std::size_t kTocNameLimit = 64 * 1024;            // tag, desc, schema, owner, ...
inline constexpr std::size_t kTocStatementLimit = 1024u * 1024 * 1024;  // defn, dropStmt, copyStmt lengths
inline constexpr std::size_t kKeptStatementLimit = 1024 * 1024;   // defn and dropStmt kept up to this
inline constexpr std::uint64_t kTocMemoryLimit = 2ull * 1024 * 1024 * 1024;  // all kept strings together
inline constexpr std::int32_t kMaxTocEntries = 50'000'000;

// An OID as pg_dump writes it in text ("424201"): decimal digits, 1 to
// 4294967295 (OIDs are unsigned 32-bit; 0 is InvalidOid). nullopt otherwise.
std::optional<std::uint32_t> parse_oid(std::string_view text);

}  // namespace pgverify::dump
