#include "evidence/evidence.hpp"

#include <stdexcept>

#include "evidence/baseline.hpp"

namespace pgverify {

const hash::DatabaseHash& Evidence::target_hash() {
  return m_target_hash.get([&] {
    if (!m_sources.baseline) throw std::runtime_error("no baseline manifest to compare with");
    const TenantConfig& tenant = m_sources.tenant;
    if (tenant.target_dsn.empty())
      throw std::runtime_error("target_dsn is not configured for tenant '" + tenant.name + "'");
    const Manifest& baseline = *m_sources.baseline;
    // The baseline's mode wins over today's configuration: both sides must be read alike.
    hash::HashOptions options = hash_options_for(tenant, baseline_mode(baseline));
    read_like_baseline(baseline, options);
    options.large_objects = baseline.large_objects_recorded;
    options.on_progress = on_hash_progress;
    return hash::hash_database(m_sources.connector, tenant.target_dsn, options);
  });
}

const DumpDigest& Evidence::dump_digest() {
  return m_dump_digest.get([&] {
    if (!m_sources.dump_path) throw std::runtime_error("no dump to read");
    DumpDigestOptions options;
    options.jobs = m_sources.tenant.hash.jobs;
    options.filter.include = m_sources.tenant.hash.include;
    options.filter.exclude = m_sources.tenant.hash.exclude;
    options.on_progress = on_dump_progress;
    return digest_dump(*m_sources.dump_path, options);
  });
}

const hash::DatabaseHash& Evidence::source_text_hash() {
  return m_source_text_hash.get([&] {
    hash::HashOptions options = hashed_as_dumped(hash_options_for(m_sources.tenant, hash::Mode::text),
                                                 m_dump_digest.value ? m_dump_digest.value->toc.encoding() : "");
    options.on_progress = on_hash_progress;
    return hash::hash_database(m_sources.connector, m_sources.tenant.source_dsn, options);
  });
}

namespace {

// The major of the server at `dsn`; nullopt when none is configured or it cannot be reached.
std::optional<ServerMajor> ask_major(pg::Connector& connector, const std::string& dsn) {
  if (dsn.empty()) return std::nullopt;
  try {
    auto session = connector.connect(dsn);
    return ServerMajor{pg::major_of(session->server_version_num()), session->describe()};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

const std::optional<ServerMajor>& Evidence::source_major() {
  return m_source_major.get([&]() -> std::optional<ServerMajor> {
    if (m_sources.baseline && m_sources.baseline->server_version_num > 0)
      return ServerMajor{pg::major_of(m_sources.baseline->server_version_num), "the baseline"};
    return ask_major(m_sources.connector, m_sources.tenant.source_dsn);
  });
}

const std::optional<ServerMajor>& Evidence::target_major() {
  return m_target_major.get([&]() -> std::optional<ServerMajor> {
    if (m_sources.tenant.target_major) return ServerMajor{*m_sources.tenant.target_major, "target_major"};
    return ask_major(m_sources.connector, m_sources.tenant.target_dsn);
  });
}

const hash::DatabaseHash* Evidence::source_text_hash_taken() const {
  return m_source_text_hash.value ? &*m_source_text_hash.value : nullptr;
}

}  // namespace pgverify
