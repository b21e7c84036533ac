// platform/local: PostgreSQL on this host (a VM, bare metal, the demo). Its
// data directory is "the volume": the delete moves it to a trash folder
// beside it (DATA.pgverify-trash-RUN, kept until a purge), the target's initdb
// runs in a staging folder beside it (DATA.pgverify-initdb-RUN) that then
// takes its place, and the target starts on the same port. The server
// binaries (initdb, pg_ctl) run through an optional wrapper (a chroot, sudo
// -u postgres); nothing more is assumed of them than that they behave like
// initdb and pg_ctl. Dependents are services stopped and started with their
// configured shell commands.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "exec/process.hpp"
#include "platform/platform.hpp"

namespace pgverify::platform {

// The identity of a data directory: its device and inode (kept by a rename,
// so the trash folder is still the source's) and the cluster's system
// identifier from global/pg_control (new with every initdb):
// "DEV:INODE:SYSTEM-ID". PlatformError when it is not a data directory.
std::string data_directory_identity(const std::filesystem::path& data_dir);

// The file the local platform writes into a data directory it created, with
// the run's id: how a resumed run knows the target it deployed.
inline constexpr const char* kRunMarkerFile = "pgverify-upgrade-run";

class LocalPlatform final : public Platform {
 public:
  LocalPlatform(const TenantConfig& tenant, std::string run_id, exec::ToolRunner& runner);

  std::string_view kind() const override { return "local"; }
  std::string identity() const override;
  std::vector<PlannedCommand> commands(const RunFiles& files) const override;

  std::unique_ptr<ProbeTarget> probe_target(const RunFiles& files) override;
  std::string volume_id() override;
  Inventory inventory() override;

  Evidence scale_down(const Inventory& inventory) override;
  Evidence scale_up(const Inventory& inventory) override;
  Evidence start_source() override;

  DumpResult dump(const RunFiles& files, const ByteProgress& progress) override;

  Evidence delete_volume(const Permit& permit, const RunFiles& files, const Inventory& inventory,
                         const std::function<void()>& last_check) override;
  bool volume_deleted(const Inventory& inventory) override;
  std::string kept_volume(const Inventory& inventory) const override;
  Evidence purge(const Inventory& inventory) override;

  Evidence deploy_target(const Inventory& inventory) override;
  Evidence start_target() override;
  Evidence restore(const RunFiles& files, const ByteProgress& progress) override;

  // Where this run keeps and builds things, beside the data directory.
  std::filesystem::path trash_dir() const;
  std::filesystem::path staging_dir() const;
  std::filesystem::path probe_dir() const;

 private:
  friend class LocalProbe;
  std::vector<std::string> server_argv(const std::string& bindir, const std::string& program,
                                       std::vector<std::string> args) const;
  std::vector<std::string> initdb_argv(const std::filesystem::path& dir) const;
  exec::ProcessRequest initdb_request(const std::filesystem::path& dir) const;
  std::vector<std::string> start_argv(const std::string& bindir, const std::filesystem::path& dir, int port) const;
  std::vector<std::string> stop_argv(const std::string& bindir, const std::filesystem::path& dir,
                                     const std::string& mode) const;
  std::vector<std::string> dump_argv(const std::filesystem::path& partial, std::string* note) const;
  std::vector<std::string> restore_argv(const RunFiles& files) const;
  bool server_running(const std::string& bindir, const std::filesystem::path& dir);
  void start_server(const std::string& bindir, const std::filesystem::path& dir, int port);
  void stop_server(const std::string& bindir, const std::filesystem::path& dir, const std::string& mode);
  void run_service(const LocalService& service, bool start);
  // That the server source_dsn reaches runs on data_dir: its system identifier
  // is the one in data_dir's pg_control and data_dir's postmaster.pid names
  // its port (PlatformError otherwise: the volume would not be the dumped one).
  void confirm_source_runs_here();

  const TenantConfig& m_tenant;
  const LocalPlatformConfig& m_local;
  std::string m_run_id;
  exec::ToolRunner& m_runner;
  mutable int m_pg_dump_major = 0;  // learned by the first dump_argv, which needs it
};

}  // namespace pgverify::platform
