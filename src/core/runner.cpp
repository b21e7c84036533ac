#include "core/runner.hpp"

#include <algorithm>
#include <chrono>
#include <set>

namespace pgverify {

namespace {

std::vector<std::string> split_ids(const std::vector<std::string>& lists) {
  std::vector<std::string> ids;
  for (const auto& list : lists) {
    std::size_t start = 0;
    while (start <= list.size()) {
      std::size_t comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      std::string id = list.substr(start, comma - start);
      id.erase(0, id.find_first_not_of(" \t"));
      id.erase(id.find_last_not_of(" \t") + 1);
      if (!id.empty()) ids.push_back(id);
      start = comma + 1;
    }
  }
  return ids;
}

}  // namespace

std::vector<const Check*> select_checks(const std::vector<std::unique_ptr<Check>>& all, Phase phase,
                                        const std::vector<std::string>& only,
                                        const std::vector<std::string>& skip) {
  auto find = [&](const std::string& id, const char* option) -> const Check* {
    for (const auto& check : all)
      if (check->info().id == id) return check.get();
    throw SelectionError(std::string(option) + ": unknown check id '" + id +
                         "' (run 'pgverify checks' for the list)");
  };
  // --only "" (an unset shell variable) must not select every check.
  if (!only.empty() && split_ids(only).empty()) throw SelectionError("--only: no check id given");
  if (!skip.empty() && split_ids(skip).empty()) throw SelectionError("--skip: no check id given");
  std::set<const Check*> wanted, unwanted;
  for (const auto& id : split_ids(only)) {
    const Check* check = find(id, "--only");
    if (!check->info().runs_in(phase))
      throw SelectionError("--only: check '" + id + "' does not run in " +
                           std::string(to_string(phase)));
    wanted.insert(check);
  }
  for (const auto& id : split_ids(skip)) unwanted.insert(find(id, "--skip"));

  std::vector<const Check*> selected;
  for (const auto& check : all) {
    if (!check->info().runs_in(phase)) continue;
    if (!wanted.empty() && !wanted.count(check.get())) continue;
    if (unwanted.count(check.get())) continue;
    selected.push_back(check.get());
  }
  if (selected.empty()) {
    std::string selection;
    for (const auto& list : only) selection += " --only " + list;
    for (const auto& list : skip) selection += " --skip " + list;
    throw SelectionError("the selection" + selection + " leaves no " + std::string(to_string(phase)) +
                         " check to run");
  }
  return selected;
}

std::optional<CheckResult> outside_versions(const CheckInfo& info, Evidence& evidence) {
  auto outside = [](const VersionRange& range, const std::optional<ServerMajor>& known,
                    const char* servers, const char* server) -> std::optional<CheckResult> {
    if (!known || range.contains(known->major)) return std::nullopt;
    return make_result(Status::skip, "applies to " + describe_range(range, servers) + "; the " + server + " is " +
                                         format_major(known->major) + " (" + known->from + ")");
  };
  // Each major is learned only for a check that has a range for it.
  if (!info.source.any())
    if (auto skipped = outside(info.source, evidence.source_major(), "sources", "source")) return skipped;
  if (!info.target.any())
    if (auto skipped = outside(info.target, evidence.target_major(), "targets", "target")) return skipped;
  return std::nullopt;
}

std::vector<CheckResult> run_checks(const std::vector<const Check*>& checks, Context& context) {
  std::vector<CheckResult> results;
  results.reserve(checks.size());
  for (const Check* check : checks) {
    auto start = std::chrono::steady_clock::now();
    CheckResult result;
    try {
      if (auto skipped = outside_versions(check->info(), context.evidence))
        result = std::move(*skipped);
      else
        result = check->run(context);
    } catch (const std::exception& error) {
      result = make_result(Status::error, std::string("could not run: ") + error.what());
    } catch (...) {
      result = make_result(Status::error, "could not run: unknown error");
    }
    result.id = std::string(check->info().id);
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    results.push_back(std::move(result));
  }
  return results;
}

ExitCode exit_code_for(const std::vector<CheckResult>& results) {
  switch (overall_status(results)) {
    case Status::error: return ExitCode::check_error;
    case Status::fail: return ExitCode::check_failed;
    default: return ExitCode::ok;
  }
}


}  // namespace pgverify
