// inventory/records: what the inventory reads of a database, as the baseline
// manifest records it and post compares it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pgverify {

struct SequenceRecord {
  std::string name;  // schema-qualified
  std::optional<std::int64_t> last_value;  // nullopt: never used (no nextval yet)
  // Which way it moves: a descending sequence (increment < 0) is ahead when
  // its value is lower. 1 in a format 1 manifest, which did not record it.
  std::int64_t increment = 1;
  bool cycle = false;
};

// One object of the schema inventory: its kind (table, column, index,
// constraint, view, function, trigger, extension, owner, ...), its identity,
// and the detail that must match (a type, a definition, an owner).
struct SchemaObject {
  std::string kind;
  std::string name;
  std::string detail;
};

}  // namespace pgverify
