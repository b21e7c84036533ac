#pragma once

#include <functional>

#include "core/check.hpp"
#include "evidence/dump_digest.hpp"
#include "hash/table_hasher.hpp"
#include "inventory/dump_extras.hpp"

namespace pgverify::checks {

class DumpMatchesSource final : public Check {
 public:
  const CheckInfo& info() const override;
  CheckResult run(Context& context) const override;
};

// The comparison dump.matches-source makes, for anyone holding a dump's
// digest and the source hashed as pg_dump read it (Evidence::source_text_hash,
// pgverify dump verify --against): every table's rows and COPY columns, every
// large object, and, when `source_extras` is given (a dump of the whole
// database), whether the dump lacks a kind of object the source has besides
// data. The result's id is left to the caller.
CheckResult compare_dump_with_source(const DumpDigest& dump, const hash::DatabaseHash& source,
                                     const std::function<inventory::DumpableExtras()>& source_extras);

}  // namespace pgverify::checks
