#pragma once

// `pgverify checks` and `pgverify explain`: rendered from the checks' own
// metadata, which is also where the README's check list comes from.

#include <ostream>

#include "core/check.hpp"

namespace pgverify::cli {

enum class CatalogFormat { text, markdown };

void print_catalog(std::ostream& out, CatalogFormat format);
void print_explanation(std::ostream& out, const CheckInfo& info);

}  // namespace pgverify::cli
