// Which versions a specifier set lets pip install, decided over every PEP 440
// version rather than a list of known releases: whether any of them is older
// than a given version, and whether any is that version or newer.
#pragma once

#include "pydeps/pep440.hpp"

namespace pgverify::pydeps {

struct AdmittedSides {
  bool below = false;        // some admitted version is older than the threshold
  bool at_or_above = false;  // some admitted version is the threshold or newer
  // False when a "===" clause names a string that is no PEP 440 version (pip
  // compares it as text with a release's own spelling, which says nothing about
  // its place in the order), or a clause's version has a number at the end of
  // 64 bits, with no neighbour to place regions by.
  bool decidable = true;
};

// The versions pip may install for `range`: those every clause matches, as
// Specifier::matches decides it; pre-releases only when a clause names one or,
// like packaging's SpecifierSet.filter, when no final release matches at all.
// `threshold` sorts as PEP 440 orders versions: 0.31.0rc1 is below 0.31.0.
AdmittedSides admitted_around(const SpecifierSet& range, const Version& threshold);

}  // namespace pgverify::pydeps
