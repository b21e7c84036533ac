#include "checks/source_port_forward.hpp"

#include <dirent.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "checks/common.hpp"

namespace pgverify::checks {

namespace {

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::string megabytes(std::uint64_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MB"; }

}  // namespace

std::optional<PortForward> parse_port_forward(int pid, const std::vector<std::string>& argv) {
  if (argv.empty() || std::filesystem::path(argv[0]).filename() != "kubectl") return std::nullopt;
  std::size_t i = 1;
  // Global flags may come first: kubectl -n ns port-forward ...
  const auto takes_value = [](const std::string& flag) {
    return flag == "-n" || flag == "--namespace" || flag == "--context" || flag == "--kubeconfig" ||
           flag == "--address" || flag == "--pod-running-timeout" || flag == "-s" || flag == "--server" ||
           flag == "--cluster" || flag == "--user";
  };
  for (; i < argv.size() && argv[i] != "port-forward"; ++i)
    if (takes_value(argv[i])) ++i;
  if (i >= argv.size()) return std::nullopt;
  PortForward forward{pid, {}};
  bool resource_seen = false;
  for (++i; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg.rfind("-", 0) == 0) {
      if (takes_value(arg)) ++i;
      continue;
    }
    if (!resource_seen) {  // pod/NAME, svc/NAME, deployment/NAME or a pod's name
      resource_seen = true;
      continue;
    }
    const auto colon = arg.find(':');
    forward.local_ports.push_back(colon == std::string::npos ? arg : arg.substr(0, colon));
  }
  return forward;
}

std::vector<PortForward> running_port_forwards() {
  std::vector<PortForward> found;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream file(entry.path() / "cmdline", std::ios::binary);
    const std::string raw((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    std::vector<std::string> argv;
    for (std::size_t start = 0; start < raw.size();) {
      const std::size_t end = raw.find('\0', start);
      argv.push_back(raw.substr(start, end == std::string::npos ? std::string::npos : end - start));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    if (auto forward = parse_port_forward(std::stoi(name), argv)) found.push_back(std::move(*forward));
  }
  return found;
}

const CheckInfo& SourcePortForward::info() const {
  static const CheckInfo info{
      .id = "source.port-forward",
      .phases = {Phase::pre},
      .summary = "the source is not reached through kubectl port-forward while the database is over 1 GB",
      .rationale =
          "The runbook: kubectl port-forward drops on transfers over about 1 GB, and the messages "
          "table with its embeddings is about that big. A dump taken through it ends early and "
          "the restored database is missing rows; --single-transaction through it is a "
          "guaranteed failure on large databases.",
      .remediation =
          "Take the dump inside the cluster (kubectl exec into the PostgreSQL pod, pg_dump there, "
          "kubectl cp the file out) and point source_dsn at a direct connection.",
      .options = "source_dsn",
      .applies_to = "a source_dsn on localhost/127.0.0.1/::1 with a kubectl port-forward running on "
                    "its port on this machine",
  };
  return info;
}

CheckResult SourcePortForward::run(Context& context) const {
  const auto endpoint = pg::dsn_endpoint(context.tenant.source_dsn);
  if (!endpoint) throw pg::InvalidDsn("source_dsn is not a valid connection string");
  if (!is_loopback(endpoint->host))
    return make_result(Status::pass, "the source is reached at " +
                                         (endpoint->host.empty() ? std::string("a local socket") : endpoint->host) +
                                         ", not through a local port");
  const std::string port = endpoint->port.empty() ? "5432" : endpoint->port;
  const PortForward* through = nullptr;
  const auto forwards = m_scan();
  for (const auto& forward : forwards)
    for (const auto& local : forward.local_ports)
      if (local == port || local.empty()) through = &forward;
  if (!through)
    return make_result(Status::pass, "no kubectl port-forward listens on the source's port " + port);

  auto source = connect_source(context);
  const std::uint64_t bytes = std::stoull(
      source->query("SELECT pg_catalog.pg_database_size(pg_catalog.current_database())").at(0, 0).value_or("0"));
  const std::string via = "kubectl port-forward (pid " + std::to_string(through->pid) + ") on port " + port;
  if (bytes <= m_risky_bytes)
    return make_result(Status::pass, "the source is reached through " + via + ", but its database is only " +
                                         megabytes(bytes));
  return make_result(Status::warn, "the source (" + megabytes(bytes) + ") is reached through " + via,
                     {{describe_server("the source", *source), "a direct or in-cluster connection", via,
                       "port-forward drops transfers over about 1 GB, and this database is " + megabytes(bytes) +
                           ": a dump through it can end early and lose rows",
                       "Dump inside the cluster: kubectl exec pg_dump in the PostgreSQL pod, then kubectl cp "
                       "the file out; never --single-transaction through port-forward."}});
}

}  // namespace pgverify::checks
