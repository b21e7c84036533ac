#pragma once

// Pieces several checks share: finding the target's major, asking a client its version.

#include <optional>
#include <string>

#include "core/check.hpp"
#include "core/context.hpp"
#include "core/result.hpp"
#include "pg/client_version.hpp"

namespace pgverify::checks {

struct KnownMajor {
  int major = 0;
  std::string from;  // where it came from, for messages
};

// The target's major: target_major from the config, else asked of the target
// server. Throws (pg::PgError, std::runtime_error) when neither is available.
KnownMajor target_major(Context& context);

// "the source server (127.0.0.1:54017/qrydb)"
std::string describe_server(const std::string& role, const pg::Session& session);

// A configured client program's version. When it cannot be run, `failure`
// holds the failing result to return, naming the configuration key to fix.
struct ProbedClient {
  std::optional<pg::ClientVersion> version;
  CheckResult failure;
};

// `tool` is "pg_dump", "pg_restore" or "psql"; `wanted_major` goes into the hint.
ProbedClient probe_client(Context& context, const std::string& tool, int wanted_major);

// "tenants.demo.clients.pg_dump"
std::string client_key(const Context& context, const std::string& tool);

// "pg_dump 17.12" style, for summaries.
std::string describe_client(const pg::ClientVersion& version);

// Compares dotted numeric versions ("0.8.0" < "0.8.10"); non-numeric parts compare as text.
int compare_dotted_versions(std::string_view a, std::string_view b);

// The target's digest of a relation, by name; nullptr when the target has none.
const hash::RelationDigest* find_relation(const hash::DatabaseHash& hashed, const std::string& name);

// pg_restore refreshes every populated materialized view (its MATERIALIZED
// VIEW DATA entry is a REFRESH), so the target holds what the view's query
// returns at restore time: a stale source view differs without any loss.
inline constexpr const char* kMatviewRefreshed =
    "the materialized view was refreshed by the restore, so it holds what its query returns now; the source's "
    "copy was stale (its base tables changed after its last REFRESH)";
inline constexpr const char* kMatviewRefreshedHint =
    "Nothing was lost if the base tables match. To compare it exactly, run REFRESH MATERIALIZED VIEW on the "
    "source before the dump and the baseline.";

// When a materialized view's populated state differs between the baseline and
// the target (REFRESH ... WITH NO DATA, or a view populated since), the finding
// that says so; nullopt when it does not differ.
std::optional<Finding> populated_state_differs(const TableRecord& expected, const hash::RelationDigest& actual);

// How many of the baseline's tables sit below a table hash-partitioned on an
// enum, whose rows the restore places in partitions of its own choosing: they
// are compared through that table (TableRecord::placed_by), not one by one.
std::size_t placed_by_restore(const Manifest& baseline);

// Partitions placed by the restore whose table hash-partitioned on an enum is
// not in the baseline itself (the tenant's include/exclude left it out):
// compared as one sum per such table instead, baseline against target.
struct PlacedGroup {
  std::string table;               // the placed_by table
  std::vector<std::string> parts;  // its partitions in the baseline
  hash::TableDigest expected, actual;
  bool all_on_target = true;
};
std::vector<PlacedGroup> placed_groups_without_table(const Manifest& baseline, const hash::DatabaseHash& target);
// The finding for a group whose sums differ; nullopt when they match.
std::optional<Finding> placed_group_finding(const PlacedGroup& group, bool by_hash);
// What the summaries add when there are such tables: "; 2 partitions compared
// through their table hash-partitioned on an enum"; empty when none.
std::string placed_by_restore_note(std::size_t count);

// The post checks that compare the target with the baseline end alike: fail
// when any problem was counted ("COUNTED; 2 behind, 0 missing"), warn when the
// target only has objects the baseline does not ("COUNTED; 1 extra on the
// target"), pass otherwise.
struct Tally {
  std::size_t count = 0;
  const char* what = "";
};
CheckResult compared_with_baseline(const std::string& counted, std::initializer_list<Tally> problems,
                                   std::size_t extra, std::vector<Finding> findings);
// The same with warnings of other kinds than extra objects ("1 refreshed by the restore").
CheckResult compared_with_baseline(const std::string& counted, std::initializer_list<Tally> problems,
                                   std::initializer_list<Tally> warnings, std::vector<Finding> findings);
CheckResult compared_with_baseline(const std::string& counted, const std::vector<Tally>& problems,
                                   const std::vector<Tally>& warnings, std::vector<Finding> findings);

// Findings of a comparison that may find a great many (a restore that lost
// every large object): the first kLimit are kept, and one more says how many
// others there were, so a report stays readable.
class FindingList {
 public:
  static constexpr std::size_t kLimit = 200;
  void add(Finding finding);
  std::vector<Finding> take();

 private:
  std::vector<Finding> m_findings;
  std::size_t m_more = 0;
};

// What changed between two ACL texts (pg/acl_sql.hpp), in words:
// "pgv_app lost SELECT, UPDATE (granted by postgres); PUBLIC gained USAGE (granted by alice)".
std::string describe_acl_change(const std::string& expected, const std::string& actual);

// A finding for an object the target has and the baseline does not; `kind`
// is "table", "sequence", ...
Finding extra_on_target(std::string object, const std::string& kind, std::string actual);

// Whether the tenant names a Fernet secret (secret_env or secret_file).
bool fernet_secret_configured(const TenantConfig& tenant);

// "tenants.demo.fernet.secret_env" or ".secret_file", whichever is configured.
std::string fernet_secret_key(const TenantConfig& tenant);

// A session on the tenant's source or target. An empty DSN is never handed to
// libpq (which would quietly use PGHOST and friends, possibly the other
// server): it throws "source_dsn is not configured for tenant 'x'".
std::unique_ptr<pg::Session> connect_source(Context& context);
std::unique_ptr<pg::Session> connect_target(Context& context);

}  // namespace pgverify::checks
