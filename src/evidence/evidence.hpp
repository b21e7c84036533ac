// evidence/evidence: what the checks of one run compare, each piece taken once.
// The target hashed like the baseline (post), the dump read to its end (pre),
// the source hashed as pg_dump reads it (pre), the servers' majors (the runner).
// The first check that asks takes it; later ones get the same value, or the
// same error again.
#pragma once

#include <exception>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "evidence/dump_digest.hpp"
#include "evidence/manifest.hpp"
#include "hash/table_hasher.hpp"
#include "pg/session.hpp"

namespace pgverify {

// A server's major and where it was learned, for messages: "target_major",
// "the baseline", or the server's description ("target:5432/qrydb").
struct ServerMajor {
  int major = 0;
  std::string from;
};

// What the evidence is taken from.
struct EvidenceSources {
  const TenantConfig& tenant;
  pg::Connector& connector;
  // The dump pre checks (nullopt: none configured).
  std::optional<std::filesystem::path> dump_path;
  // The manifest post compares with (nullptr: no check of this run needs it).
  const Manifest* baseline = nullptr;
};

class Evidence {
 public:
  explicit Evidence(EvidenceSources sources) : m_sources(std::move(sources)) {}
  Evidence(const Evidence&) = delete;
  Evidence& operator=(const Evidence&) = delete;

  // Long reads report here (the CLI draws them on a terminal).
  std::function<void(const hash::Progress&)> on_hash_progress;
  std::function<void(const dump::ReadProgress&)> on_dump_progress;

  // post: the target hashed the way the baseline was (its mode, its session
  // settings, each table's columns, the tenant's filters and jobs).
  const hash::DatabaseHash& target_hash();
  // pre: the dump read and hashed with the tenant's jobs and filters.
  const DumpDigest& dump_digest();
  // pre: the source hashed in text mode, as pg_dump read its rows (the
  // session's TimeZone and bytea_output, the dump's encoding when it was read).
  const hash::DatabaseHash& source_text_hash();

  // The source's and the target's major, for the runner to compare with the
  // versions checks apply to (CheckInfo::source, ::target). The target's is
  // target_major when configured, else asked of the target server; the
  // source's is the one the baseline recorded, else asked of the source
  // server. nullopt when there is no such server or it cannot be asked: the
  // checks that need it say why.
  const std::optional<ServerMajor>& source_major();
  const std::optional<ServerMajor>& target_major();

  // The source's text-mode hash when a check took it (the baseline reuses it).
  const hash::DatabaseHash* source_text_hash_taken() const;

 private:
  // A value taken once, or the error taking it threw, rethrown on every later call.
  template <typename T>
  struct Once {
    std::optional<T> value;
    std::exception_ptr error;
    template <typename Take>
    const T& get(Take&& take) {
      if (value) return *value;
      if (error) std::rethrow_exception(error);
      try {
        value.emplace(take());
      } catch (...) {
        error = std::current_exception();
        throw;
      }
      return *value;
    }
  };

  EvidenceSources m_sources;
  Once<hash::DatabaseHash> m_target_hash;
  Once<DumpDigest> m_dump_digest;
  Once<hash::DatabaseHash> m_source_text_hash;
  Once<std::optional<ServerMajor>> m_source_major;
  Once<std::optional<ServerMajor>> m_target_major;
};

}  // namespace pgverify
