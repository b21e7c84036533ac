// Plain SQL dumps (pg_dump -Fp, also gzip/lz4/zstd-compressed as a whole, as
// `gcloud sql export sql` writes .gz): their "TOC" is put together from the
// text, their rows are the lines of each `COPY ... FROM stdin;` block up to its
// "\." line, and their large objects the lo_open / lowrite / lo_close calls
// pg_dump writes, the way psql reads them. Statements are lexed as psql splits
// them (quotes, dollar quotes, comments), so only a statement that starts a line
// at a statement's start is looked at: a COPY line inside a function body or a
// multi-line literal is not taken for one. COPY data is not lexed. Internal to dump/.
#pragma once

#include <filesystem>
#include <vector>

#include "dump/archive_data.hpp"
#include "dump/archive_toc.hpp"
#include "dump/copy_stream.hpp"

namespace pgverify::dump::detail {

// TABLE DATA entries (one per COPY block: tag, schema, copy_stmt, offset = text
// offset of the first row; or, for data pg_dump wrote as INSERT statements, one
// per "-- Data for Name: ...; Type: TABLE DATA" header that no COPY follows,
// without copy_stmt, offset = the header's), EXTENSION entries (CREATE
// EXTENSION lines), SEQUENCE SET entries (setval lines), BLOB entries
// (lo_create lines: tag the OID, owner from ALTER LARGE OBJECT ... OWNER TO),
// BLOBS entries (each run of lo_open / lowrite / lo_close: offset = text
// offset of its first lo_open), and an entry without data for every other
// object pg_dump heads with "-- Name: TAG; Type: DESC; Schema: S; Owner: O"
// (TABLE, ACL, COMMENT, PUBLICATION, ...: desc, tag, schema and owner, empty
// for "-"), numbered 1, 2, ... in file order.
std::vector<TocEntry> synthesize_plain_toc(const std::filesystem::path& path, const ArchiveHeader& header);

// Streams the rows and large objects of `wanted` (TABLE DATA and BLOBS
// entries of toc, in file order; all of them, or one) to the sink.
void read_plain_tables(const ArchiveToc& toc, const std::vector<const TocEntry*>& wanted, ReadContext& context);

}  // namespace pgverify::dump::detail
