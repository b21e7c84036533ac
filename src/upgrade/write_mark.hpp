// upgrade/write_mark: whether anything wrote to the source's database
// between the gate of the delete and the moment its server stops. The dump
// gate proves the dump holds what the source held when it was hashed; a row
// written after that (a dependent not stopped, a job, an operator at a
// prompt) would be in neither the dump nor the baseline, and every later gate
// would pass without it. The mark is read when the gate passes and again
// right before the source stops; they must be equal.
#pragma once

#include <string>

#include "pg/session.hpp"

namespace pgverify::upgrade {

struct WriteMark {
  std::string tuples;     // rows inserted, updated and deleted in the database's tables (and large objects), as counted
  std::string relations;  // a digest of every table's oid and file (a TRUNCATE, CREATE or DROP changes it)
  bool counted = true;    // track_counts is on: without it the row counters never move

  bool operator==(const WriteMark&) const = default;
  std::string describe() const;  // for the journal and a refusal: "rows 120 changed, relations 3f2a..."
};

// Reads the mark of the database `session` is connected to. With
// `end_other_sessions`, every other client session of the server is ended
// first (and waited for: a session flushes its counters as it exits); only
// right before the server stops, when nothing may be connected anyway.
WriteMark read_write_mark(pg::Session& session, bool end_other_sessions);

}  // namespace pgverify::upgrade
