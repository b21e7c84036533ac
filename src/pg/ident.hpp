// Identifiers spelled the same on every major. quote_ident and format('%I')
// quote by the server's own keyword list, which grows (json, json_table and
// merge_action became keywords in 16 and 17), and pg_dump --quote-all-identifiers
// quotes everything: one table would be "public.json_table" on a 15 source and
// 'public."json_table"' on 18. pgverify names and compares objects in a
// canonical spelling instead, quoted only where no keyword list matters
// (anything but [a-z_][a-z0-9_$]*), and sends SQL with every identifier quoted,
// which every server reads alike. Dependency-free.
#pragma once

#include <string>
#include <string_view>

namespace pgverify::pg {

// A raw name in canonical spelling: as is when it is [a-z_][a-z0-9_$]*, else in
// double quotes with embedded quotes doubled.
std::string canonical_ident(std::string_view raw);

// A raw name always in double quotes: valid SQL on every server, keyword or not.
std::string quote_always(std::string_view raw);

// The raw name of a canonical (or any quote_ident-style) identifier: "a""b" -> a"b.
std::string unquote_ident(std::string_view ident);

// Text with SQL identifiers in it (format('%I.%I'), pg_get_indexdef, ...) in
// canonical spelling: every double-quoted identifier that needs no quotes loses
// them. String literals ('...', E'...') are left as they are.
std::string canonical_text(std::string_view text);

}  // namespace pgverify::pg
