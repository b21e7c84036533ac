#include "cli/catalog.hpp"

#include <algorithm>
#include <string>

#include "checks/registry.hpp"

namespace pgverify::cli {

namespace {

std::string phases_of(const CheckInfo& info) {
  std::string out;
  for (Phase phase : info.phases) out += (out.empty() ? "" : "+") + std::string(to_string(phase));
  return out;
}

// "any", "target >= 18", "source >= 12, target >= 18"
std::string versions_of(const CheckInfo& info) {
  std::string out;
  if (!info.source.any()) out = abbreviate_range(info.source, "source");
  if (!info.target.any()) out += (out.empty() ? "" : ", ") + abbreviate_range(info.target, "target");
  return out.empty() ? "any" : out;
}

// "targets on PostgreSQL 18 and later; skipped on others"
std::string versions_explained(const CheckInfo& info) {
  if (info.source.any() && info.target.any()) return "every source and target major";
  std::string out;
  if (!info.source.any()) out = describe_range(info.source, "sources");
  if (!info.target.any()) out += (out.empty() ? "" : " and ") + describe_range(info.target, "targets");
  return out + "; skipped on others";
}

}  // namespace

void print_catalog(std::ostream& out, CatalogFormat format) {
  const auto& checks = all_checks();
  if (format == CatalogFormat::markdown) {
    out << "| id | phase | versions | what |\n|---|---|---|---|\n";
    for (const auto& check : checks)
      out << "| `" << check->info().id << "` | " << phases_of(check->info()) << " | "
          << versions_of(check->info()) << " | " << check->info().summary << " |\n";
    return;
  }
  std::size_t id_width = 2, phase_width = 5, versions_width = 8;
  for (const auto& check : checks) {
    id_width = std::max(id_width, check->info().id.size());
    phase_width = std::max(phase_width, phases_of(check->info()).size());
    versions_width = std::max(versions_width, versions_of(check->info()).size());
  }
  auto row = [&](std::string_view id, std::string_view phase, std::string_view versions, std::string_view summary) {
    out << id << std::string(id_width - id.size() + 2, ' ') << phase
        << std::string(phase_width - phase.size() + 2, ' ') << versions
        << std::string(versions_width - versions.size() + 2, ' ') << summary << '\n';
  };
  row("ID", "PHASE", "VERSIONS", "WHAT");
  for (const auto& check : checks)
    row(check->info().id, phases_of(check->info()), versions_of(check->info()), check->info().summary);
}

void print_explanation(std::ostream& out, const CheckInfo& info) {
  out << info.id << " (" << phases_of(info) << ")\n"
      << "  " << info.summary << "\n\n"
      << "Why:\n  " << info.rationale << "\n\n"
      << "Reads:\n  " << info.options << "\n\n"
      << "Versions:\n  " << versions_explained(info) << "\n\n"
      << "Applies to:\n  " << info.applies_to << "\n\n"
      << "When it fails:\n  " << info.remediation << "\n";
}

}  // namespace pgverify::cli
