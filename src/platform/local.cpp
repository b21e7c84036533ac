#include "platform/local.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "dump/archive_toc.hpp"
#include "dump/identity.hpp"
#include "dump/sha256.hpp"
#include "pg/client_version.hpp"
#include "pg/dsn_edit.hpp"
#include "pg/session.hpp"
#include "platform/programs.hpp"
#include "text/quote.hpp"
#include "text/shell.hpp"

namespace pgverify::platform {

namespace fs = std::filesystem;

namespace {

constexpr auto kServiceTimeout = std::chrono::minutes(5);
// pg_dump and pg_restore of a large database: hours, not the default minute.
constexpr auto kDataTimeout = std::chrono::hours(48);

std::string shown(const fs::path& path) { return text::quote_bytes(path.string(), 200, '\''); }

[[noreturn]] void fail_errno(const std::string& what, const fs::path& path, int error) {
  throw PlatformError(what + " " + shown(path) + ": " + std::strerror(error));
}

void fsync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail_errno("cannot open directory", dir, errno);
  const bool ok = ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  if (!ok) fail_errno("cannot fsync directory", dir, error);
}

// rename(2) and the directory's fsync: once this returns, a crash keeps the move.
void move_durably(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    const int error = errno;
    throw PlatformError("cannot move " + shown(from) + " to " + shown(to) + ": " + std::strerror(error));
  }
  fsync_directory(to.parent_path());
}

bool exists_no_follow(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

std::string read_marker(const fs::path& data_dir) {
  std::ifstream in(data_dir / kRunMarkerFile);
  std::string run;
  std::getline(in, run);
  return run;
}

int free_local_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw PlatformError(std::string("cannot find a free port: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  if (!ok) throw PlatformError(std::string("cannot find a free port: ") + std::strerror(errno));
  return ntohs(address.sin_port);
}

// pg_dump's output on its way to disk: the file, its SHA-256 and its size at once.
class DumpSink final : public exec::OutputSink {
 public:
  DumpSink(const fs::path& path, const ByteProgress& progress) : m_path(path), m_progress(progress) {
    m_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (m_fd < 0) fail_errno("cannot create", path, errno);
  }
  ~DumpSink() override {
    if (m_fd >= 0) ::close(m_fd);
  }
  void write(std::string_view chunk) override {
    while (!chunk.empty()) {
      const ssize_t n = ::write(m_fd, chunk.data(), chunk.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail_errno("cannot write", m_path, errno);
      m_sha.update(chunk.data(), static_cast<std::size_t>(n));
      m_size += static_cast<std::uint64_t>(n);
      chunk.remove_prefix(static_cast<std::size_t>(n));
    }
    if (m_progress) m_progress(m_size, 0);
  }
  // fsync and close; the digest of every byte written.
  std::string finish() {
    if (::fsync(m_fd) != 0) fail_errno("cannot fsync", m_path, errno);
    ::close(m_fd);
    m_fd = -1;
    return m_sha.hex();
  }
  std::uint64_t size() const { return m_size; }

 private:
  fs::path m_path;
  const ByteProgress& m_progress;
  int m_fd = -1;
  dump::Sha256 m_sha;
  std::uint64_t m_size = 0;
};

class LocalProbeTarget final : public ProbeTarget {
 public:
  LocalProbeTarget(std::function<void()> cleanup, std::string dsn) : m_cleanup(std::move(cleanup)), m_dsn(std::move(dsn)) {}
  ~LocalProbeTarget() override {
    try {
      m_cleanup();
    } catch (...) {
      // A probe left behind is named by the next run's cleanup; never an exception here.
    }
  }
  const std::string& dsn() const override { return m_dsn; }

 private:
  std::function<void()> m_cleanup;
  std::string m_dsn;
};

}  // namespace

std::optional<std::string> out_dir_problem(const TenantConfig& tenant, const fs::path& out_dir) {
  if (tenant.platform.kind != "local" || tenant.platform.local.data_dir.empty()) return std::nullopt;
  std::error_code ec;
  const std::string out = fs::weakly_canonical(fs::absolute(out_dir, ec), ec).string();
  const std::string data = fs::weakly_canonical(tenant.platform.local.data_dir, ec).string();
  if (out == data || out.starts_with(data + "/") || out.starts_with(data + ".pgverify-"))
    return "--out " + shown(out_dir) + " is inside the data directory " + shown(tenant.platform.local.data_dir) +
           ", which the upgrade moves aside: the journal and the dump would go with it; choose a directory elsewhere";
  return std::nullopt;
}

std::string data_directory_identity(const fs::path& data_dir) {
  struct stat st {};
  if (::lstat(data_dir.c_str(), &st) != 0) fail_errno("no data directory at", data_dir, errno);
  if (!S_ISDIR(st.st_mode)) throw PlatformError(shown(data_dir) + " is not a directory");
  const fs::path control = data_dir / "global" / "pg_control";
  const int fd = ::open(control.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) fail_errno("not a PostgreSQL data directory: cannot read", control, errno);
  // ControlFileData begins with the cluster's system identifier (uint64, host byte order).
  std::uint64_t system_id = 0;
  const ssize_t n = ::read(fd, &system_id, sizeof system_id);
  ::close(fd);
  if (n != static_cast<ssize_t>(sizeof system_id))
    throw PlatformError("not a PostgreSQL data directory: " + shown(control) + " is too short");
  return std::to_string(static_cast<unsigned long long>(st.st_dev)) + ":" +
         std::to_string(static_cast<unsigned long long>(st.st_ino)) + ":" +
         std::to_string(static_cast<unsigned long long>(system_id));
}

LocalPlatform::LocalPlatform(const TenantConfig& tenant, std::string run_id, exec::ToolRunner& runner)
    : m_tenant(tenant), m_local(tenant.platform.local), m_run_id(std::move(run_id)), m_runner(runner) {}

std::string LocalPlatform::identity() const {
  return "local:" + m_local.data_dir + ":" + std::to_string(m_local.port);
}

fs::path LocalPlatform::trash_dir() const { return m_local.data_dir + ".pgverify-trash-" + m_run_id; }
fs::path LocalPlatform::staging_dir() const { return m_local.data_dir + ".pgverify-initdb-" + m_run_id; }
fs::path LocalPlatform::probe_dir() const { return m_local.data_dir + ".pgverify-probe-" + m_run_id; }

std::vector<std::string> LocalPlatform::server_argv(const std::string& bindir, const std::string& program,
                                                    std::vector<std::string> args) const {
  std::vector<std::string> argv = m_local.server_wrapper;
  argv.push_back((fs::path(bindir) / program).string());
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::vector<std::string> LocalPlatform::initdb_argv(const fs::path& dir) const {
  std::vector<std::string> args{"-D", dir.string()};
  args.insert(args.end(), m_local.initdb_options.begin(), m_local.initdb_options.end());
  return server_argv(m_local.target_bindir, "initdb", std::move(args));
}

exec::ProcessRequest LocalPlatform::initdb_request(const fs::path& dir) const {
  exec::ProcessRequest request;
  request.argv = initdb_argv(dir);
  request.timeout = std::chrono::minutes(10);
  return request;
}

std::vector<std::string> LocalPlatform::start_argv(const std::string& bindir, const fs::path& dir, int port) const {
  std::string options = "-p " + std::to_string(port);
  for (const auto& option : m_local.server_options) options += " -c " + text::shell_word(option);
  return server_argv(bindir, "pg_ctl",
                     {"-D", dir.string(), "-l", (dir / "pgverify-server.log").string(), "-w", "-t",
                      std::to_string(m_local.start_timeout.count()), "-o", options, "start"});
}

std::vector<std::string> LocalPlatform::stop_argv(const std::string& bindir, const fs::path& dir,
                                                  const std::string& mode) const {
  return server_argv(bindir, "pg_ctl",
                     {"-D", dir.string(), "-m", mode, "-w", "-t", std::to_string(m_local.start_timeout.count()), "stop"});
}

std::vector<std::string> LocalPlatform::dump_argv(const fs::path& partial, std::string* note) const {
  const auto& platform = m_tenant.platform;
  if (m_pg_dump_major == 0) {
    try {
      m_pg_dump_major = pg::probe_client_version(m_runner, m_tenant.clients.pg_dump).major;
    } catch (const std::exception& error) {
      throw PlatformError(std::string("cannot run pg_dump: ") + error.what());
    }
  }
  std::vector<std::string> argv{m_tenant.clients.pg_dump};
  if (platform.dump_format == "directory") {
    argv.insert(argv.end(), {"-Fd", "-j", std::to_string(platform.jobs), "-f", partial.string()});
  } else {
    argv.push_back("-Fc");  // to standard output: hashed as it is written
  }
  // pg_dump 16 added lz4 and zstd (--compress=METHOD); 15 compresses with gzip only.
  const std::string method = effective_dump_compression(platform.dump_compression, m_pg_dump_major, note);
  if (m_pg_dump_major < 16)
    argv.push_back(method == "none" ? "--compress=0" : "--compress=6");
  else
    argv.push_back("--compress=" + method);
  argv.insert(argv.end(), {"-d", m_tenant.source_dsn});
  return argv;
}

std::vector<std::string> LocalPlatform::restore_argv(const RunFiles& files) const {
  return {m_tenant.clients.pg_restore, "-j", std::to_string(m_tenant.platform.jobs), "-d", m_tenant.target_dsn,
          files.dump.string()};
}

bool LocalPlatform::server_running(const std::string& bindir, const fs::path& dir) {
  exec::ProcessRequest request;
  request.argv = server_argv(bindir, "pg_ctl", {"-D", dir.string(), "status"});
  exec::ProcessResult result;
  try {
    result = m_runner.run(request);
  } catch (const exec::ProcessError& error) {
    throw PlatformError(std::string("cannot run pg_ctl: ") + error.what());
  }
  if (result.end == exec::ProcessEnd::exited && result.exit_code == 0) return true;
  if (result.end == exec::ProcessEnd::exited && (result.exit_code == 3 || result.exit_code == 4)) return false;
  throw PlatformError("pg_ctl status failed: " + shown_command(request.argv) + " " + exec::describe_end(result) + ": " +
                      last_line(result.err));
}

void LocalPlatform::start_server(const std::string& bindir, const fs::path& dir, int port) {
  exec::ProcessRequest request;
  request.argv = start_argv(bindir, dir, port);
  request.timeout = m_local.start_timeout + std::chrono::seconds(30);
  try {
    run_checked(m_runner, request, "starting the server in " + shown(dir));
  } catch (const PlatformError& error) {
    std::string log_line;
    {
      std::ifstream log(dir / "pgverify-server.log");
      std::string line;
      while (std::getline(log, line))
        if (!line.empty()) log_line = line;
    }
    throw PlatformError(std::string(error.what()) +
                        (log_line.empty() ? "" : "; the server's log ends: " + text::printable(log_line)));
  }
}

void LocalPlatform::stop_server(const std::string& bindir, const fs::path& dir, const std::string& mode) {
  if (!server_running(bindir, dir)) return;
  exec::ProcessRequest request;
  request.argv = stop_argv(bindir, dir, mode);
  request.timeout = m_local.start_timeout + std::chrono::seconds(30);
  run_checked(m_runner, request, "stopping the server in " + shown(dir));
}

void LocalPlatform::run_service(const LocalService& service, bool start) {
  exec::ProcessRequest request;
  request.argv = {"/bin/sh", "-c", start ? service.start : service.stop};
  request.timeout = kServiceTimeout;
  run_checked(m_runner, request, std::string(start ? "starting " : "stopping ") + "the service " + service.name);
}

std::vector<PlannedCommand> LocalPlatform::commands(const RunFiles& files) const {
  std::vector<PlannedCommand> out;
  const std::vector<std::string> dsns{m_tenant.source_dsn, m_tenant.target_dsn};
  const auto add = [&](std::string step, const std::vector<std::string>& argv) {
    out.push_back({std::move(step), shown_command(argv, dsns)});
  };
  const fs::path data(m_local.data_dir);
  add("step.preflight", initdb_argv(probe_dir()));
  for (const auto& service : m_local.services) add("step.scale-down", {"/bin/sh", "-c", service.stop});
  std::vector<std::string> dump;
  try {
    dump = dump_argv(files.dump.string() + ".partial", nullptr);
  } catch (const PlatformError&) {
    dump = {m_tenant.clients.pg_dump, "-Fc", "--compress=" + m_tenant.platform.dump_compression, "-d",
            m_tenant.source_dsn};
  }
  if (m_tenant.platform.dump_format != "directory") {
    out.push_back({"step.dump", shown_command(dump, dsns) + " > " + text::shell_word(files.dump.string() + ".partial")});
  } else {
    add("step.dump", dump);
  }
  out.push_back({"step.dump", "mv " + text::shell_word(files.dump.string() + ".partial") + " " +
                                  text::shell_word(files.dump.string())});
  add("step.dump", {sibling_program(m_tenant.clients.pg_dump, "pg_dumpall"), "--roles-only", "-d",
                    m_tenant.source_dsn, "-f", files.roles.string()});
  add("step.delete-volume", stop_argv(m_local.source_bindir, data, "fast"));
  out.push_back({"step.delete-volume",
                 "mv " + text::shell_word(data.string()) + " " + text::shell_word(trash_dir().string())});
  add("step.deploy-target", initdb_argv(staging_dir()));
  out.push_back({"step.deploy-target",
                 "mv " + text::shell_word(staging_dir().string()) + " " + text::shell_word(data.string())});
  add("step.start-target", start_argv(m_local.target_bindir, data, m_local.port));
  add("step.restore", restore_argv(files));
  for (const auto& service : m_local.services) add("step.scale-up", {"/bin/sh", "-c", service.start});
  return out;
}

std::string LocalPlatform::volume_id() { return data_directory_identity(m_local.data_dir); }

void LocalPlatform::confirm_source_runs_here() {
  const std::string id = volume_id();
  const std::string data_sysid = id.substr(id.rfind(':') + 1);
  std::string sysid, port;
  try {
    pg::LibpqConnector connector;
    auto session = connector.connect(m_tenant.source_dsn);
    const auto row = session->query(
        "SELECT system_identifier::text, pg_catalog.current_setting('port') FROM pg_catalog.pg_control_system()");
    sysid = row.at(0, 0).value_or("");
    port = row.at(0, 1).value_or("");
  } catch (const pg::PgError& error) {
    throw PlatformError("cannot tell which data directory the source runs on: " + text::printable(error.what()));
  }
  if (sysid != data_sysid)
    throw PlatformError("the server source_dsn reaches is not the one of data_dir " + shown(m_local.data_dir) +
                        ": its system identifier is " + sysid + ", data_dir's pg_control says " + data_sysid +
                        " (is data_dir another cluster's?)");
  // A copy of the cluster has its system identifier too: the running one writes its port in postmaster.pid.
  std::ifstream pid_file(fs::path(m_local.data_dir) / "postmaster.pid");
  std::string line, pid_port;
  for (int n = 1; n <= 4 && std::getline(pid_file, line); ++n)
    if (n == 4) pid_port = line;
  if (pid_port != port || port != std::to_string(m_local.port))
    throw PlatformError("the server source_dsn reaches (port " + port + ") does not run on data_dir " +
                        shown(m_local.data_dir) + " (its postmaster.pid " +
                        (pid_port.empty() ? std::string("is missing") : "names port " + pid_port) +
                        "; the platform's port is " + std::to_string(m_local.port) + ")");
}

Inventory LocalPlatform::inventory() {
  confirm_source_runs_here();
  Inventory inventory;
  inventory.volume_id = volume_id();
  for (const auto& service : m_local.services) inventory.dependents.push_back({service.name, service.replicas});
  inventory.details["data_dir"] = m_local.data_dir;
  inventory.details["port"] = m_local.port;
  inventory.details["source_bindir"] = m_local.source_bindir;
  inventory.details["trash_dir"] = trash_dir().string();
  return inventory;
}

Evidence LocalPlatform::scale_down(const Inventory& inventory) {
  Evidence stopped = Evidence::array();
  for (const auto& dependent : inventory.dependents)
    for (const auto& service : m_local.services)
      if (service.name == dependent.name) {
        run_service(service, false);
        stopped.push_back(service.name);
      }
  return Evidence{{"stopped", stopped}};
}

Evidence LocalPlatform::scale_up(const Inventory& inventory) {
  Evidence started = Evidence::array();
  for (const auto& dependent : inventory.dependents)
    for (const auto& service : m_local.services)
      if (service.name == dependent.name && dependent.replicas > 0) {
        run_service(service, true);
        started.push_back({{"name", service.name}, {"replicas", dependent.replicas}});
      }
  return Evidence{{"started", started}};
}

Evidence LocalPlatform::start_source() {
  if (server_running(m_local.source_bindir, m_local.data_dir)) return Evidence{{"already_running", true}};
  start_server(m_local.source_bindir, m_local.data_dir, m_local.port);
  return Evidence{{"started", m_local.data_dir}};
}

std::unique_ptr<ProbeTarget> LocalPlatform::probe_target(const RunFiles& files) {
  const fs::path dir = probe_dir();
  // Named after this run: one left by an earlier attempt of it is ours to remove.
  if (exists_no_follow(dir)) {
    try {
      stop_server(m_local.target_bindir, dir, "immediate");
    } catch (const PlatformError&) {
    }
    fs::remove_all(dir);
  }
  run_checked(m_runner, initdb_request(dir), "initdb of a probe of the target");
  const auto cleanup = [this, dir, roles = files.dir / "probe-roles.sql"] {
    try {
      stop_server(m_local.target_bindir, dir, "immediate");
    } catch (const PlatformError&) {
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::remove(roles, ec);
  };
  try {
    const int port = free_local_port();
    start_server(m_local.target_bindir, dir, port);
    const std::string dsn = pg::with_dbname(pg::with_port(m_tenant.target_dsn, port), "postgres");
    const fs::path roles = files.dir / "probe-roles.sql";
    dump_roles(m_runner, m_tenant.clients.pg_dump, m_tenant.source_dsn, roles.string());
    apply_roles(m_runner, m_tenant.clients.psql, dsn, roles.string());
    return std::make_unique<LocalProbeTarget>(cleanup, dsn);
  } catch (...) {
    cleanup();
    throw;
  }
}

DumpResult LocalPlatform::dump(const RunFiles& files, const ByteProgress& progress) {
  DumpResult result;
  const fs::path partial = files.dump.string() + ".partial";
  std::error_code ec;
  fs::remove_all(partial, ec);  // an earlier attempt's, never verified
  std::string note;
  exec::ProcessRequest request;
  request.argv = dump_argv(partial, &note);
  request.timeout = kDataTimeout;
  const std::vector<std::string> dsns{m_tenant.source_dsn};
  try {
    if (m_tenant.platform.dump_format == "directory") {
      run_checked(m_runner, request, "pg_dump", dsns);
      const auto identity = dump::identify_dump(partial, progress);
      result.sha256 = identity.sha256;
      result.size = identity.size;
    } else {
      DumpSink sink(partial, progress);
      request.out = exec::Output::streamed(sink);
      run_checked(m_runner, request, "pg_dump", dsns);
      result.sha256 = sink.finish();
      result.size = sink.size();
    }
  } catch (...) {
    // A dump that failed is no copy of anything: it goes, and with it the disk it filled.
    fs::remove_all(partial, ec);
    throw;
  }
  if (fs::exists(files.dump, ec)) fs::remove_all(files.dump, ec);
  move_durably(partial, files.dump);
  dump_roles(m_runner, m_tenant.clients.pg_dump, m_tenant.source_dsn, files.roles.string());
  result.evidence = Evidence{{"path", files.dump.string()},
                             {"format", m_tenant.platform.dump_format},
                             {"pg_dump_major", m_pg_dump_major},
                             {"size", result.size},
                             {"sha256", result.sha256},
                             {"roles", files.roles.string()}};
  if (!note.empty()) result.evidence["note"] = note;
  return result;
}

Evidence LocalPlatform::delete_volume(const Permit& permit, const RunFiles& files, const Inventory& inventory,
                                      const std::function<void()>& last_check) {
  const std::string observed_dump = dump::identify_dump(files.dump).sha256;
  const std::string observed_volume = volume_id();
  permit.require("step.delete-volume", m_tenant.name, m_run_id, observed_dump, observed_volume);
  if (observed_volume != inventory.volume_id)
    throw PermitMismatch("the data directory is not the one step.inventory recorded");
  const fs::path trash = trash_dir();
  if (exists_no_follow(trash)) throw PlatformError(shown(trash) + " exists already: move it away first");
  confirm_source_runs_here();
  if (last_check) last_check();
  stop_server(m_local.source_bindir, m_local.data_dir, "fast");
  move_durably(m_local.data_dir, trash);
  return Evidence{{"trash_dir", trash.string()}, {"volume_id", observed_volume}, {"dump_sha256", observed_dump}};
}

bool LocalPlatform::volume_deleted(const Inventory& inventory) {
  const fs::path trash = trash_dir();
  if (!exists_no_follow(trash)) return false;
  std::string kept;
  try {
    kept = data_directory_identity(trash);
  } catch (const PlatformError&) {
    return false;
  }
  return kept == inventory.volume_id;
}

std::string LocalPlatform::kept_volume(const Inventory&) const { return trash_dir().string(); }

Evidence LocalPlatform::purge(const Inventory& inventory) {
  const fs::path trash = trash_dir();
  // Only the very folder the delete moved away: a path the journal names is not enough.
  if (!volume_deleted(inventory))
    throw PlatformError(shown(trash) + " is not the source's data directory the delete kept");
  if (server_running(m_local.source_bindir, trash))
    throw PlatformError("a server is running on " + shown(trash) + ": stop it first");
  std::error_code ec;
  const auto removed = fs::remove_all(trash, ec);
  if (ec) throw PlatformError("cannot remove " + shown(trash) + ": " + ec.message());
  fsync_directory(trash.parent_path());
  return Evidence{{"removed", trash.string()}, {"entries", removed}};
}

Evidence LocalPlatform::deploy_target(const Inventory& inventory) {
  const fs::path data(m_local.data_dir);
  if (exists_no_follow(data)) {
    if (read_marker(data) == m_run_id)
      return Evidence{{"data_dir", data.string()}, {"volume_id", volume_id()}, {"already_deployed", true}};
    std::string id;
    try {
      id = data_directory_identity(data);
    } catch (const PlatformError&) {
    }
    if (id == inventory.volume_id)
      throw PlatformError("the source's data directory is still at " + shown(data) + ": step.delete-volume has not run");
    throw PlatformError(shown(data) + " exists and this run did not create it: move it away, then --resume");
  }
  const fs::path staging = staging_dir();
  // Named after this run: what an interrupted attempt left there is ours.
  if (exists_no_follow(staging)) fs::remove_all(staging);
  run_checked(m_runner, initdb_request(staging), "initdb of the target");
  {
    const fs::path marker = staging / kRunMarkerFile;
    std::ofstream out(marker);
    out << m_run_id << '\n';
    out.close();
    if (!out) throw PlatformError("cannot write " + shown(marker));
  }
  move_durably(staging, data);
  return Evidence{{"data_dir", data.string()}, {"volume_id", volume_id()}};
}

Evidence LocalPlatform::start_target() {
  if (read_marker(m_local.data_dir) != m_run_id)
    throw PlatformError(shown(fs::path(m_local.data_dir)) + " is not the target this run deployed");
  if (server_running(m_local.target_bindir, m_local.data_dir)) return Evidence{{"already_running", true}};
  start_server(m_local.target_bindir, m_local.data_dir, m_local.port);
  return Evidence{{"port", m_local.port}};
}

namespace {

// pg_restore -v's stderr as it comes: a table's data done at each "processing
// data for table" line (its progress), and the lines that say error: kept.
class RestoreLog final : public exec::OutputSink {
 public:
  RestoreLog(const ByteProgress& progress, std::uint64_t tables) : m_progress(progress), m_tables(tables) {}
  void write(std::string_view chunk) override {
    m_pending.append(chunk);
    std::size_t start = 0;
    for (std::size_t end; (end = m_pending.find('\n', start)) != std::string::npos; start = end + 1)
      line(std::string_view(m_pending).substr(start, end - start));
    m_pending.erase(0, start);
    if (m_pending.size() > 65536) m_pending.erase(0, m_pending.size() - 4096);  // a line without end: its tail
  }
  void finish() {
    if (!m_pending.empty()) line(m_pending);
    m_pending.clear();
  }
  Evidence errors = Evidence::array();
  std::size_t error_count = 0;
  std::string last;

 private:
  void line(std::string_view text) {
    if (text.find("processing data for table") != std::string_view::npos) {
      ++m_done;
      if (m_progress) m_progress(m_done, m_tables);
    }
    if (text.find("error:") != std::string_view::npos) {
      ++error_count;
      if (errors.size() < 10)
        errors.push_back(text::printable(text.size() > 200 ? std::string(text.substr(0, 200)) + "..." : std::string(text)));
    }
    if (text.find_first_not_of(" \t\r") != std::string_view::npos) last = text::printable(text);
  }
  const ByteProgress& m_progress;
  std::uint64_t m_tables;
  std::uint64_t m_done = 0;
  std::string m_pending;
};

}  // namespace

Evidence LocalPlatform::restore(const RunFiles& files, const ByteProgress& progress) {
  std::uint64_t tables = 0;
  try {
    tables = dump::read_archive_toc(files.dump).tables_with_data().size();
  } catch (const std::exception&) {
    // The verified dump's TOC reads; if not, the progress has no total.
  }
  exec::ProcessRequest request;
  request.argv = restore_argv(files);
  request.argv.insert(request.argv.begin() + 1, "-v");
  request.timeout = kDataTimeout;
  RestoreLog log(progress, tables);
  request.err = exec::Output::streamed(log);
  exec::ProcessResult result;
  try {
    result = m_runner.run(hide_passwords(request, {m_tenant.target_dsn}));
  } catch (const exec::ProcessError& error) {
    throw PlatformError(std::string("pg_restore failed: ") + error.what());
  }
  log.finish();
  if (result.end != exec::ProcessEnd::exited)
    throw PlatformError("pg_restore failed: " + shown_command(request.argv, {m_tenant.target_dsn}) + " " +
                        exec::describe_end(result) + (log.last.empty() ? "" : ": " + log.last));
  // pg_restore goes on after an error and exits 1 at the end: what it lost is
  // for step.post to find (row counts, hashes, schema); its own words are kept.
  return Evidence{{"exit_code", result.exit_code},
                  {"tables", tables},
                  {"error_count", log.error_count},
                  {"errors", log.errors}};
}

}  // namespace pgverify::platform
