// Plain SQL dumps (pg_dump -Fp, also gzip/lz4/zstd-compressed as a whole, as
// `gcloud sql export sql` writes .gz): their "TOC" is put together from the
// text, and their rows are the lines of each `COPY ... FROM stdin;` block up to
// its "\." line, the way psql reads them. Statements are lexed as psql splits
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
// offset of the first row), EXTENSION entries (CREATE EXTENSION lines) and
// SEQUENCE SET entries (setval lines), numbered 1, 2, ... in file order.
std::vector<TocEntry> synthesize_plain_toc(const std::filesystem::path& path, const ArchiveHeader& header);

// Streams the rows of `wanted` (TABLE DATA entries of toc, in file order; all
// of them, or one) to the sink.
void read_plain_tables(const ArchiveToc& toc, const std::vector<const TocEntry*>& wanted, RowSink& sink,
                       ProgressTracker& progress, std::size_t max_row_bytes);

}  // namespace pgverify::dump::detail
