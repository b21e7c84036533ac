#include "upgrade/steps.hpp"

#include <algorithm>

namespace pgverify::upgrade {

const std::vector<StepInfo>& standard_steps() {
  static const std::vector<StepInfo> steps{
      {.id = "step.preflight",
       .gate = "every pre check but the dump's passes, against a probe of the target (a throwaway server of the "
               "target major with the source's roles), and --out has room for the dump the estimate expects",
       .operation = "runs pre without dump.readable and dump.matches-source, then measures what the downtime "
                    "estimate needs (the source's sizes, COPY and hashing speed, the compression on a sample, the probe "
                    "loading that sample in a transaction rolled back, its index speed); changes nothing",
       .rationale = "wrong client majors, an asyncpg too old for PostgreSQL 18, an extension the target lacks, "
                    "roles the target would miss, a disk too small for the dump: found before anything is stopped",
       .resume = "runs again"},
      {.id = "step.inventory",
       .operation = "records what must come back: each dependent's replica count, the volume's identity, the "
                    "database's owner, encoding and locale",
       .rationale = "the runbook scales back up from memory; a resumed run reads the counts from the journal, "
                    "never from a cluster already scaled to 0",
       .resume = "taken again only when it was not recorded"},
      {.id = "step.scale-down",
       .gate = "no application session is left in pg_stat_activity",
       .operation = "stops every dependent, then waits until no client of the database is connected",
       .rationale = "a row written after the dump is lost with the volume",
       .resume = "stops the dependents again (stopping a stopped service does nothing)"},
      {.id = "step.dump",
       .operation = "pg_dump of the source into the run's directory, hashed (SHA-256) as it is written, and the "
                    "source's roles (pg_dumpall --roles-only)",
       .rationale = "the dump is the only copy once the volume goes: it is identified by its hash from its "
                    "first byte",
       .resume = "dumps again into a fresh file"},
      {.id = "step.verify-dump",
       .gate = "dump.readable and dump.matches-source pass on this very dump (by its SHA-256), and the baseline "
               "for post is recorded",
       .operation = "reads the dump to its last byte and compares every table's rows and large objects with the "
                    "quiet source; records the baseline post compares the target with",
       .rationale = "a truncated dump, or a dump missing rows written after it, must never be the only copy",
       .resume = "runs again; it is always run again before step.delete-volume"},
      {.id = "step.delete-volume",
       .destructive = true,
       .gate = "a permit from step.verify-dump, bound to the tenant, the run, the dump's SHA-256 and the volume's "
               "identity, all checked again right before acting; and nothing written to the source since the gate "
               "(its row counters and tables read again after every other session is ended)",
       .operation = "local: stops the source server and moves its data directory to DATA.pgverify-trash-RUN "
                    "(kept until upgrade --purge)",
       .rationale = "the point of no return: it takes a value only a passed gate can make",
       .resume = "done when the recorded volume is gone; else the gate is evaluated again and it acts"},
      {.id = "step.deploy-target",
       .operation = "the target major on a fresh volume: local: initdb with the configured options in a staging "
                    "directory that then takes the data directory's place",
       .rationale = "the new volume is built aside and moved into place, so a kill never leaves half of one",
       .resume = "done when the data directory is this run's; else builds it again"},
      {.id = "step.start-target",
       .gate = "the server answers and its major is the target's",
       .operation = "starts the target server on the source's port",
       .rationale = "a wrong image or binary directory is found before any data goes in",
       .resume = "starts it when it is not running"},
      {.id = "step.create-database",
       .operation = "applies the source's roles (an existing role is kept) and creates the database with the "
                    "source's owner, encoding and locale",
       .rationale = "pg_restore into a cluster without a role loses, silently, every grant, policy and ownership "
                    "naming it",
       .resume = "creates what is missing"},
      {.id = "step.create-extension",
       .operation = "CREATE EXTENSION IF NOT EXISTS for every extension the baseline lists that the target "
                    "offers, vector first",
       .rationale = "the runbook's step 6: the vector type must exist before tables using it are restored",
       .resume = "runs again (IF NOT EXISTS)"},
      {.id = "step.restore",
       .operation = "pg_restore -j JOBS of the verified dump into the target's database",
       .rationale = "pg_restore goes on after errors; what it lost is for step.post to find",
       .resume = "drops the half-restored database, creates it and its extensions again, restores again"},
      {.id = "step.post",
       .gate = "every post check but app.health passes against the baseline step.verify-dump recorded",
       .operation = "runs post: rows, content hashes, large objects, sequences, schema, privileges, policies, "
                    "extensions, Fernet credentials",
       .rationale = "the dependents come back only to a target proven equal to the source",
       .resume = "runs again"},
      {.id = "step.scale-up",
       .operation = "starts every dependent with its recorded replica count",
       .rationale = "from the journal's inventory, not from memory",
       .resume = "starts them again (starting a running service does nothing)"},
      {.id = "step.health",
       .gate = "app.health: the health URL answers 200",
       .operation = "asks the application's health URL, with retries until its deadline",
       .rationale = "the runbook's last step: the application works on the new major",
       .resume = "runs again"},
  };
  return steps;
}

const StepInfo* find_step(std::string_view id) {
  const auto& steps = standard_steps();
  const auto it = std::find_if(steps.begin(), steps.end(), [&](const StepInfo& step) { return step.id == id; });
  return it == steps.end() ? nullptr : &*it;
}

}  // namespace pgverify::upgrade
