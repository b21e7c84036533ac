// platform/: where the tenant's database lives and how its steps are done
// there: one interface (this file), one implementation per kind (local.*; the
// Kubernetes and Cloud SQL ones are two more). Every program runs through
// exec/; a destructive operation takes a Permit (permit.hpp). The executor
// (upgrade/) calls it and never the other way round: platform/ does not
// depend on upgrade/. Depends on config/, dump/, exec/, files/, json/, pg/, text/.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "platform/permit.hpp"

namespace pgverify::platform {

using Evidence = nlohmann::ordered_json;

// An operation could not be done (a program failed, a file is not where it
// must be): the step fails, the journal says where, --resume goes on.
class PlatformError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A service that talks to the database: stopped before the dump, started
// again with its recorded count after the restore.
struct Dependent {
  std::string name;
  int replicas = 0;
};

// What step.inventory records and the later steps restore: read once, kept in
// the journal (a resumed run reads it back, it never takes it again).
struct Inventory {
  std::string volume_id;              // the source's volume, as volume_id() says
  std::vector<Dependent> dependents;
  Evidence details = Evidence::object();  // platform-specific (paths, chart values, ...)

  Evidence to_json() const;
  static Inventory from_json(const Evidence& json);  // PlatformError when malformed
};

// Where this run's files go on the operator's machine.
struct RunFiles {
  std::filesystem::path dir;    // OUT/upgrade-RUNID
  std::filesystem::path dump;   // DIR/DATABASE.dump
  std::filesystem::path roles;  // DIR/roles.sql (pg_dumpall --roles-only; 0600)
};

struct DumpResult {
  std::string sha256;
  std::uint64_t size = 0;
  Evidence evidence = Evidence::object();
};

// Bytes done so far and in all (0 when not known), for a progress line.
using ByteProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

// A throwaway server of the target's major, set up like the target will be
// (the source's roles in it), for preflight's checks of the target; removed
// with the object.
class ProbeTarget {
 public:
  virtual ~ProbeTarget() = default;
  virtual const std::string& dsn() const = 0;  // its `postgres` database
};

// One line of --dry-run: what a step runs, as the shell would read it.
struct PlannedCommand {
  std::string step;
  std::string command;
};

// Why `out_dir` (where the journal and the dump go) cannot serve the tenant's
// platform: inside what the upgrade moves or replaces (the local data
// directory), the journal and the only copy of the data would go with it.
// nullopt when it can.
std::optional<std::string> out_dir_problem(const TenantConfig& tenant, const std::filesystem::path& out_dir);

class Platform {
 public:
  virtual ~Platform() = default;

  virtual std::string_view kind() const = 0;
  // What the plan's fingerprint names: where the volume is ("local:/var/lib/postgresql/16/main:5432").
  virtual std::string identity() const = 0;
  // The commands each step would run, for --dry-run (secrets never among them).
  virtual std::vector<PlannedCommand> commands(const RunFiles& files) const = 0;

  // Preflight: a probe of the target, with the source's roles in it.
  virtual std::unique_ptr<ProbeTarget> probe_target(const RunFiles& files) = 0;
  // The source volume's identity now (PlatformError when there is none).
  virtual std::string volume_id() = 0;
  virtual Inventory inventory() = 0;

  // Stops every dependent; returns once none runs (PlatformError otherwise).
  virtual Evidence scale_down(const Inventory& inventory) = 0;
  // Source and target both: every dependent at its recorded count again.
  virtual Evidence scale_up(const Inventory& inventory) = 0;
  // The source server running on its volume (after a refusal before the
  // delete, or to verify again on resume); does nothing when it runs.
  virtual Evidence start_source() = 0;

  // The source's database into files.dump, its roles into files.roles.
  virtual DumpResult dump(const RunFiles& files, const ByteProgress& progress) = 0;

  // The point of no return: the source's volume goes (kept recoverable where
  // the platform can: the local one moves it to a trash folder beside it).
  // Checks the permit against the dump's SHA-256 and the volume's identity
  // first (PermitMismatch), then calls `last_check` as the last thing before
  // the source stops (it throws PermitMismatch when the source was written
  // after the gate).
  virtual Evidence delete_volume(const Permit& permit, const RunFiles& files, const Inventory& inventory,
                                 const std::function<void()>& last_check) = 0;
  // Whether the recorded volume is gone (a resumed delete that had finished).
  virtual bool volume_deleted(const Inventory& inventory) = 0;
  // Where the old data is kept until a purge, when it is (shown on refusal).
  virtual std::string kept_volume(const Inventory& inventory) const = 0;
  // `upgrade --purge` after a finished upgrade: the kept old volume removed,
  // only when it is still the recorded one (PlatformError otherwise).
  virtual Evidence purge(const Inventory& inventory) = 0;

  // The target major on a fresh volume, not started.
  virtual Evidence deploy_target(const Inventory& inventory) = 0;
  // The target server started, accepting connections.
  virtual Evidence start_target() = 0;
  // pg_restore of files.dump into the target's database (which exists, with
  // its extensions); `jobs` parallel jobs.
  virtual Evidence restore(const RunFiles& files, const ByteProgress& progress) = 0;
};

}  // namespace pgverify::platform
