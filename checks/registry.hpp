// checks/: one .cpp per check, named after its id (version.pg-dump ->
// version_pg_dump.cpp) and declared in checks.hpp, and the registry below. Checks depend on core/,
// evidence/ and the folders below them (CMakeLists.txt: pgverify_layer(checks));
// never on phases/, cli/ or reports/.
#pragma once

#include <memory>
#include <vector>

#include "core/check.hpp"

namespace pgverify {

// Every check pgverify has, sorted by id. Listed explicitly, no self-registration,
// so the list reads in one place.
const std::vector<std::unique_ptr<Check>>& all_checks();

const Check* find_check(std::string_view id);

}  // namespace pgverify
