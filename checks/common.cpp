#include "checks/common.hpp"

#include <map>
#include <set>
#include <stdexcept>

#include "pg/acl_sql.hpp"

namespace pgverify::checks {

KnownMajor target_major(Context& context) {
  if (context.tenant.target_major)
    return {*context.tenant.target_major, "target_major in the configuration"};
  if (context.tenant.target_dsn.empty())
    throw std::runtime_error("neither target_major nor target_dsn is configured for tenant '" +
                             context.tenant.name + "'");
  auto session = connect_target(context);
  return {pg::major_of(session->server_version_num()), describe_server("the target server", *session)};
}

std::string describe_server(const std::string& role, const pg::Session& session) {
  return role + " (PostgreSQL " + pg::format_server_version(session.server_version_num()) + " at " +
         session.describe() + ")";
}

std::string client_key(const Context& context, const std::string& tool) {
  return "tenants." + context.tenant.name + ".clients." + tool;
}

ProbedClient probe_client(Context& context, const std::string& tool, int wanted_major) {
  const ClientsConfig& clients = context.tenant.clients;
  const std::string& program = tool == "pg_dump"      ? clients.pg_dump
                               : tool == "pg_restore" ? clients.pg_restore
                                                      : clients.psql;
  ProbedClient probed;
  try {
    probed.version = pg::probe_client_version(context.tools, program);
  } catch (const exec::ProcessError& error) {
    const std::string major = std::to_string(wanted_major);
    Finding finding;
    finding.object = client_key(context, tool);
    finding.actual = program;
    finding.message = error.what();
    finding.hint = "Point " + finding.object + " at a working " + tool + " of PostgreSQL " + major +
                   " (for example /usr/lib/postgresql/" + major + "/bin/" + tool + ").";
    probed.failure = make_result(Status::fail, tool + " cannot be run", {finding});
  }
  return probed;
}

std::string describe_client(const pg::ClientVersion& version) {
  return version.program + " " + version.text.substr(0, version.text.find(' '));
}

int compare_dotted_versions(std::string_view a, std::string_view b) {
  auto next = [](std::string_view& text) {
    std::size_t dot = text.find('.');
    std::string_view part = text.substr(0, dot);
    text = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    return part;
  };
  auto numeric = [](std::string_view part) {
    return !part.empty() && part.size() < 10 &&
           part.find_first_not_of("0123456789") == std::string_view::npos;
  };
  while (!a.empty() || !b.empty()) {
    std::string_view x = next(a), y = next(b);
    if (numeric(x) && numeric(y)) {
      long vx = std::stol(std::string(x)), vy = std::stol(std::string(y));
      if (vx != vy) return vx < vy ? -1 : 1;
    } else if (x != y) {
      if (x.empty()) return -1;
      if (y.empty()) return 1;
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

const hash::RelationDigest* find_relation(const hash::DatabaseHash& hashed, const std::string& name) {
  for (const auto& r : hashed.relations)
    if (r.relation.name == name) return &r;
  return nullptr;
}

std::optional<Finding> populated_state_differs(const TableRecord& expected, const hash::RelationDigest& actual) {
  if (expected.populated == actual.relation.populated) return std::nullopt;
  if (expected.populated)
    return Finding{expected.name, "populated", "not populated",
                   "the materialized view is not populated on the target, so queries on it fail",
                   "Run REFRESH MATERIALIZED VIEW " + expected.name + " on the target."};
  return Finding{expected.name, "not populated", "populated",
                 "the materialized view was created WITH NO DATA on the source but is populated on the target",
                 "Check what populated it; pg_restore leaves a view the source had not populated empty."};
}

std::size_t placed_by_restore(const Manifest& baseline) {
  std::size_t count = 0;
  for (const TableRecord& table : baseline.tables) count += table.placed_by.empty() ? 0 : 1;
  return count;
}

std::vector<PlacedGroup> placed_groups_without_table(const Manifest& baseline, const hash::DatabaseHash& target) {
  std::map<std::string, PlacedGroup> groups;
  for (const TableRecord& table : baseline.tables) {
    // Leaves only: a partitioned table's digest is already its partitions' sum.
    if (table.placed_by.empty() || table.kind == "partitioned" || baseline.table(table.placed_by)) continue;
    PlacedGroup& group = groups[table.placed_by];
    group.table = table.placed_by;
    group.parts.push_back(table.name);
    hash::TableDigest expected;
    expected.rows = table.rows;
    expected.sum = hash::TableDigest::parse_hex(table.hash).value_or(0);
    group.expected += expected;
    if (const hash::RelationDigest* actual = find_relation(target, table.name))
      group.actual += actual->digest;
    else
      group.all_on_target = false;
  }
  std::vector<PlacedGroup> out;
  for (auto& [name, group] : groups) out.push_back(std::move(group));
  return out;
}

std::optional<Finding> placed_group_finding(const PlacedGroup& group, bool by_hash) {
  const bool rows_differ = group.expected.rows != group.actual.rows;
  if (!rows_differ && (!by_hash || group.expected.sum == group.actual.sum)) return std::nullopt;
  std::string parts;
  for (const auto& part : group.parts) parts += (parts.empty() ? "" : ", ") + part;
  Finding finding;
  finding.object = "partitions of " + group.table + " (" + parts + ")";
  finding.expected = std::to_string(group.expected.rows) + " rows" + (by_hash ? ", hash " + group.expected.hex() : "");
  finding.actual = std::to_string(group.actual.rows) + " rows" + (by_hash ? ", hash " + group.actual.hex() : "");
  finding.message = std::string(rows_differ ? "the partitions hold another number of rows in all"
                                            : "the partitions hold as many rows in all, but different ones") +
                    " (compared as one: the restore places their rows anew, by the target's enum OIDs)";
  finding.hint = group.all_on_target ? "Rows were lost or changed by the restore: restore " + group.table + " again."
                                     : "A partition is missing on the target: see schema.objects.";
  return finding;
}

std::string placed_by_restore_note(std::size_t count) {
  if (count == 0) return "";
  return "; " + std::to_string(count) + (count == 1 ? " partition" : " partitions") +
         " compared through the table hash-partitioned on an enum above " + (count == 1 ? "it" : "them") +
         " (the restore places their rows anew)";
}

CheckResult compared_with_baseline(const std::string& counted, std::initializer_list<Tally> problems,
                                   std::size_t extra, std::vector<Finding> findings) {
  return compared_with_baseline(counted, problems, {{extra, "extra on the target"}}, std::move(findings));
}

CheckResult compared_with_baseline(const std::string& counted, std::initializer_list<Tally> problems,
                                   std::initializer_list<Tally> warnings, std::vector<Finding> findings) {
  return compared_with_baseline(counted, std::vector<Tally>(problems), std::vector<Tally>(warnings),
                                std::move(findings));
}

CheckResult compared_with_baseline(const std::string& counted, const std::vector<Tally>& problems,
                                   const std::vector<Tally>& warnings, std::vector<Finding> findings) {
  std::string tallies;
  bool failed = false;
  for (const Tally& tally : problems) {
    tallies += (tallies.empty() ? "" : ", ") + std::to_string(tally.count) + " " + tally.what;
    failed = failed || tally.count;
  }
  if (failed) return make_result(Status::fail, counted + "; " + tallies, std::move(findings));
  std::string warned;
  for (const Tally& tally : warnings)
    if (tally.count) warned += (warned.empty() ? "" : ", ") + std::to_string(tally.count) + " " + tally.what;
  if (!warned.empty()) return make_result(Status::warn, counted + "; " + warned, std::move(findings));
  return make_result(Status::pass, counted, std::move(findings));
}

void FindingList::add(Finding finding) {
  if (m_findings.size() < kLimit) m_findings.push_back(std::move(finding));
  else ++m_more;
}

std::vector<Finding> FindingList::take() {
  if (m_more)
    m_findings.push_back({"...", "", "", "and " + std::to_string(m_more) + " more like these, not listed", ""});
  m_more = 0;
  return std::move(m_findings);
}

std::string describe_acl_change(const std::string& expected, const std::string& actual) {
  // Items grouped by grantee and grantor, so a lost grant reads as one phrase.
  using Key = std::pair<std::string, std::string>;
  auto group = [](const std::string& text) {
    std::map<Key, std::set<std::string>> out;
    for (const auto& item : pg::parse_acl_items(text))
      out[{item.grantee, item.grantor}].insert(item.privilege + (item.grant_option ? " with grant option" : ""));
    return out;
  };
  const auto before = group(expected), after = group(actual);
  std::string words;
  auto say = [&](const std::map<Key, std::set<std::string>>& from, const std::map<Key, std::set<std::string>>& to,
                 const char* verb) {
    for (const auto& [key, privileges] : from) {
      std::string changed;
      auto other = to.find(key);
      for (const auto& privilege : privileges)
        if (other == to.end() || !other->second.count(privilege))
          changed += (changed.empty() ? "" : ", ") + (privilege.empty() ? std::string("a malformed item") : privilege);
      if (changed.empty()) continue;
      words += (words.empty() ? "" : "; ") + key.first + " " + verb + " " + changed +
               (key.second.empty() ? "" : " (granted by " + key.second + ")");
    }
  };
  say(before, after, "lost");
  say(after, before, "gained");
  return words.empty() ? "the same privileges, written differently" : words;
}

Finding extra_on_target(std::string object, const std::string& kind, std::string actual) {
  return {std::move(object), "not in the baseline", std::move(actual),
          "the target has a " + kind + " the source did not have",
          "Check whether it belongs to this tenant; a restore does not add objects of its own."};
}

bool fernet_secret_configured(const TenantConfig& tenant) {
  return !tenant.fernet.secret_env.empty() || !tenant.fernet.secret_file.empty();
}

std::string fernet_secret_key(const TenantConfig& tenant) {
  return "tenants." + tenant.name + ".fernet." + (tenant.fernet.secret_env.empty() ? "secret_file" : "secret_env");
}

namespace {

std::unique_ptr<pg::Session> connect_configured(Context& context, const std::string& dsn, const char* key) {
  if (dsn.empty())
    throw std::runtime_error(std::string(key) + " is not configured for tenant '" + context.tenant.name + "'");
  return context.connector.connect(dsn);
}

}  // namespace

std::unique_ptr<pg::Session> connect_source(Context& context) {
  return connect_configured(context, context.tenant.source_dsn, "source_dsn");
}

std::unique_ptr<pg::Session> connect_target(Context& context) {
  return connect_configured(context, context.tenant.target_dsn, "target_dsn");
}

}  // namespace pgverify::checks
