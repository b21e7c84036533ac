#include "core/status.hpp"

#include "core/result.hpp"

namespace pgverify {

std::string_view to_string(Status status) {
  switch (status) {
    case Status::pass: return "pass";
    case Status::warn: return "warn";
    case Status::skip: return "skip";
    case Status::fail: return "fail";
    case Status::error: return "error";
  }
  return "error";
}

std::string_view to_string(Phase phase) {
  switch (phase) {
    case Phase::pre: return "pre";
    case Phase::post: return "post";
    case Phase::upgrade: return "upgrade";
  }
  return "pre";
}

std::optional<Phase> parse_phase(std::string_view text) {
  if (text == "pre") return Phase::pre;
  if (text == "post") return Phase::post;
  if (text == "upgrade") return Phase::upgrade;
  return std::nullopt;
}

Status overall_status(const std::vector<CheckResult>& results) {
  bool failed = false;
  for (const auto& check : results) {
    if (check.status == Status::error) return Status::error;
    if (check.status == Status::fail) failed = true;
  }
  return failed ? Status::fail : Status::pass;
}

Status RunReport::overall() const { return overall_status(checks); }

}  // namespace pgverify
