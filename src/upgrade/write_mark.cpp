#include "upgrade/write_mark.hpp"

namespace pgverify::upgrade {

std::string WriteMark::describe() const {
  return "row changes counted " + tuples + ", relations " + relations.substr(0, 16) +
         (counted ? "" : " (track_counts is off: row changes are not counted)");
}

WriteMark read_write_mark(pg::Session& session, bool end_other_sessions) {
  if (end_other_sessions)
    session.query(
        "SELECT pg_catalog.count(pg_catalog.pg_terminate_backend(pid, 5000)) FROM pg_catalog.pg_stat_activity "
        "WHERE backend_type = 'client backend' AND pid <> pg_catalog.pg_backend_pid()");
  // pg_largeobject is a catalog, but its rows are the tenant's data.
  const auto counts = session.query(
      "SELECT coalesce(pg_catalog.sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::text, "
      "pg_catalog.current_setting('track_counts') FROM pg_catalog.pg_stat_all_tables "
      "WHERE (schemaname NOT IN ('pg_catalog', 'information_schema') AND schemaname NOT LIKE 'pg\\_toast%') "
      "OR relid IN ('pg_catalog.pg_largeobject'::pg_catalog.regclass, "
      "'pg_catalog.pg_largeobject_metadata'::pg_catalog.regclass)");
  const auto relations = session.query(
      "SELECT pg_catalog.md5(coalesce(pg_catalog.string_agg(c.oid::text || ':' || c.relfilenode::text, "
      "',' ORDER BY c.oid), '')) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
      "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'");
  WriteMark mark;
  mark.tuples = counts.at(0, 0).value_or("0");
  mark.counted = counts.at(0, 1).value_or("on") == "on";
  mark.relations = relations.at(0, 0).value_or("");
  return mark;
}

}  // namespace pgverify::upgrade
