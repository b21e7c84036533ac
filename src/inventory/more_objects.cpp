// The objects beside tables and functions that pg_dump carries and a restore
// can drop without failing: rules, extended statistics, publications, event
// triggers, comments, foreign data wrappers and servers.

#include "inventory/queries.hpp"

namespace pgverify::inventory::detail {

namespace {

// The enabled state of a trigger-like object (rules, event triggers).
std::string enabled_state(const std::string& column) {
  return "CASE " + column + " WHEN 'D' THEN ' (disabled)' WHEN 'R' THEN ' (enabled replica)' "
         "WHEN 'A' THEN ' (enabled always)' ELSE '' END";
}

// Generic options ("key=value") sorted; the values of options whose name
// suggests a secret are left out, so the manifest never holds one.
std::string options_text(const std::string& column) {
  return "COALESCE(' options: ' || (SELECT pg_catalog.string_agg(CASE WHEN pg_catalog.split_part(o, '=', 1) "
         "                                  ~* '(pass|secret|token|key)' "
         "                                  THEN pg_catalog.split_part(o, '=', 1) || '=(not recorded)' ELSE o END, "
         "                                  ', ' ORDER BY o COLLATE \"C\") "
         "                             FROM pg_catalog.unnest(" + column + ") o), '')";
}

std::string function_or_none(const std::string& column) {
  return "CASE WHEN " + column + " = 0 THEN '-' ELSE " + column + "::pg_catalog.regprocedure::text END";
}

}  // namespace

// A view's query is its _RETURN rule, inventoried with the view.
std::string rules_query() {
  return tagged("rule",
                "SELECT pg_catalog.format('%I.%I.%I', n.nspname, c.relname, r.rulename), "
                "       pg_catalog.pg_get_ruledef(r.oid) || " + enabled_state("r.ev_enabled") +
                "  FROM pg_catalog.pg_rewrite r "
                "  JOIN pg_catalog.pg_class c ON c.oid = r.ev_class "
                "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                " WHERE r.rulename <> '_RETURN' AND" +
                    relation_conditions());
}

std::string statistics_query() {
  return tagged("statistics",
                "SELECT pg_catalog.format('%I.%I', n.nspname, s.stxname), "
                "       pg_catalog.pg_get_statisticsobjdef(s.oid) || ' owner=' || pg_catalog.pg_get_userbyid(s.stxowner) "
                "  FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace "
                " WHERE " + std::string(user_schema_condition) + " AND " +
                    not_extension_member("pg_statistic_ext", "s.oid"));
}

std::string publications_query(int version) {
  // PostgreSQL 11 added TRUNCATE to what a publication publishes, 13 publishing
  // through the partition root, 15 row filters, column lists and schemas.
  const std::string truncate = version >= 110000 ? ", CASE WHEN p.pubtruncate THEN 'truncate' END" : "";
  const std::string via_root = version >= 130000 ? " || CASE WHEN p.pubviaroot THEN ' via root' ELSE '' END" : "";
  const std::string table_detail =
      version >= 150000
          ? " || COALESCE(' (' || (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' "
            "                                                    ORDER BY a.attname COLLATE \"C\") "
            "                          FROM pg_catalog.pg_attribute a "
            "                         WHERE a.attrelid = pr.prrelid AND a.attnum = ANY (pr.prattrs)) || ')', '') "
            " || COALESCE(' where (' || pg_catalog.pg_get_expr(pr.prqual, pr.prrelid) || ')', '')"
          : "";
  const std::string schemas =
      version >= 150000
          ? " || COALESCE(' schemas: ' || (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(sn.nspname), ', ' "
            "                                                          ORDER BY sn.nspname COLLATE \"C\") "
            "                                FROM pg_catalog.pg_publication_namespace pn "
            "                                JOIN pg_catalog.pg_namespace sn ON sn.oid = pn.pnnspid "
            "                               WHERE pn.pnpubid = p.oid), '')"
          : "";
  return tagged(
      "publication",
      "SELECT pg_catalog.quote_ident(p.pubname), "
      "       'owner=' || pg_catalog.pg_get_userbyid(p.pubowner) "
      "       || CASE WHEN p.puballtables THEN ' all tables' ELSE '' END "
      "       || ' publish ' || pg_catalog.concat_ws(', ', CASE WHEN p.pubinsert THEN 'insert' END, "
      "                                             CASE WHEN p.pubupdate THEN 'update' END, "
      "                                             CASE WHEN p.pubdelete THEN 'delete' END" + truncate + ")" +
          via_root +
          " || COALESCE(' tables: ' || (SELECT pg_catalog.string_agg(x.t, ', ' ORDER BY x.t COLLATE \"C\") "
          "                               FROM (SELECT pg_catalog.format('%I.%I', tn.nspname, tc.relname)" +
          table_detail +
          " AS t "
          "                                       FROM pg_catalog.pg_publication_rel pr "
          "                                       JOIN pg_catalog.pg_class tc ON tc.oid = pr.prrelid "
          "                                       JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace "
          "                                      WHERE pr.prpubid = p.oid) x), '')" +
          schemas + "  FROM pg_catalog.pg_publication p");
}

std::string event_triggers_query() {
  return tagged("event trigger",
                "SELECT pg_catalog.quote_ident(e.evtname), "
                "       'on ' || e.evtevent || ' execute ' || e.evtfoid::pg_catalog.regprocedure::text "
                "       || COALESCE(' when tag in (' || pg_catalog.array_to_string(e.evttags, ', ') || ')', '') "
                "       || " + enabled_state("e.evtenabled") +
                " || ' owner=' || pg_catalog.pg_get_userbyid(e.evtowner) "
                "  FROM pg_catalog.pg_event_trigger e "
                " WHERE " + not_extension_member("pg_event_trigger", "e.oid"));
}

// Comments on the user's objects, named by pg_identify_object ("comment on
// table column public.t.c"). Objects PostgreSQL made (OIDs below 16384, such
// as the public schema's "standard public schema") and extension members are
// left out: pg_dump does not dump their comments. The database's own comment
// is in pg_shdescription and comes with pg_dump --create only.
std::string comments_query() {
  return tagged("comment",
                "SELECT o.type || ' ' || o.identity, d.description "
                "  FROM pg_catalog.pg_description d, "
                "       LATERAL pg_catalog.pg_identify_object(d.classoid, d.objoid, d.objsubid) o "
                " WHERE d.objoid >= 16384 "
                "   AND (o.schema IS NULL OR (o.schema NOT IN ('pg_catalog', 'information_schema') "
                "                             AND o.schema !~ '^pg_toast' AND o.schema !~ '^pg_temp_')) "
                "   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e "
                "                    WHERE e.classid = d.classoid AND e.objid = d.objoid AND e.deptype = 'e') "
                "   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e "
                "                    WHERE d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass "
                "                      AND e.classid = d.classoid AND e.objid = d.objoid AND e.deptype = 'i') "
                // pg_dump writes no comment of a view's _RETURN rule, a table's row
                // type or an internal (foreign key) trigger: no restore has them.
                "   AND NOT (d.classoid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND EXISTS ("
                "              SELECT 1 FROM pg_catalog.pg_rewrite r WHERE r.oid = d.objoid AND r.rulename = '_RETURN')) "
                "   AND NOT (d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND EXISTS ("
                "              SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_class tc ON tc.oid = t.typrelid "
                "               WHERE t.oid = d.objoid AND tc.relkind <> 'c')) "
                "   AND NOT (d.classoid = 'pg_catalog.pg_trigger'::pg_catalog.regclass AND EXISTS ("
                "              SELECT 1 FROM pg_catalog.pg_trigger t WHERE t.oid = d.objoid AND t.tgisinternal))");
}

std::string foreign_data_wrappers_query() {
  return tagged("foreign data wrapper",
                "SELECT pg_catalog.quote_ident(w.fdwname), "
                "       'handler=' || " + function_or_none("w.fdwhandler") +
                " || ' validator=' || " + function_or_none("w.fdwvalidator") +
                " || ' owner=' || pg_catalog.pg_get_userbyid(w.fdwowner) || " + options_text("w.fdwoptions") +
                "  FROM pg_catalog.pg_foreign_data_wrapper w "
                " WHERE " + not_extension_member("pg_foreign_data_wrapper", "w.oid"));
}

std::string foreign_servers_query() {
  return tagged("server",
                "SELECT pg_catalog.quote_ident(s.srvname), "
                "       'wrapper=' || pg_catalog.quote_ident(w.fdwname) "
                "       || COALESCE(' type=' || s.srvtype, '') || COALESCE(' version=' || s.srvversion, '') "
                "       || ' owner=' || pg_catalog.pg_get_userbyid(s.srvowner) || " + options_text("s.srvoptions") +
                "  FROM pg_catalog.pg_foreign_server s "
                "  JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw "
                " WHERE " + not_extension_member("pg_foreign_server", "s.oid"));
}

// The subscriptions of this database: name, owner and what they subscribe
// to. pg_dump (as a superuser) dumps them and pg_restore creates them
// disconnected and disabled, so neither the enabled state nor the slot is
// compared; the connection string may hold a password and is never read.
std::string subscriptions_query() {
  return tagged("subscription",
                "SELECT pg_catalog.quote_ident(s.subname), "
                "       'owner=' || pg_catalog.pg_get_userbyid(s.subowner) "
                "       || ' publications: ' || (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(p), ', ' "
                "                                                        ORDER BY p COLLATE \"C\") "
                "                                  FROM pg_catalog.unnest(s.subpublications) p) "
                "  FROM pg_catalog.pg_subscription s "
                " WHERE s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d "
                "                     WHERE d.datname = pg_catalog.current_database())");
}

// ALTER DATABASE ... SET and ALTER ROLE ... IN DATABASE ... SET of this
// database, one per setting ("search_path", "role app: work_mem"). pg_dump
// writes them only with --create, which a restore into an existing database
// (pg_restore -d) does not use, so they are lost unless set again. Values of
// settings whose name suggests a secret are not recorded.
std::string database_settings_query() {
  return tagged("database setting",
                "SELECT CASE WHEN s.setrole = 0 THEN '' "
                "            ELSE 'role ' || pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(s.setrole)) || ': ' END "
                "       || pg_catalog.split_part(c, '=', 1), "
                "       CASE WHEN pg_catalog.split_part(c, '=', 1) ~* '(pass|secret|token|key)' THEN '(not recorded)' "
                "            ELSE pg_catalog.substr(c, pg_catalog.strpos(c, '=') + 1) END "
                "  FROM pg_catalog.pg_db_role_setting s, LATERAL pg_catalog.unnest(s.setconfig) c "
                " WHERE s.setdatabase = (SELECT d.oid FROM pg_catalog.pg_database d "
                "                         WHERE d.datname = pg_catalog.current_database())");
}

// The user's objects of the other catalogs pg_dump dumps one by one:
// collations (a restore onto a build without ICU cannot create an ICU one),
// conversions, operators, operator classes and families, text search
// configurations, dictionaries, parsers and templates, casts, transforms and
// access methods. Each is named by pg_identify_object and kept as its owner
// (where it has one); its kind is pg_identify_object's type ("operator class").
std::string other_objects_query() {
  const std::string user_schema =
      "(o.schema IS NULL OR (o.schema NOT IN ('pg_catalog', 'information_schema') AND o.schema !~ '^pg_toast' "
      "AND o.schema !~ '^pg_temp_'))";
  auto from = [](const char* catalog, const char* owner) {
    return std::string("SELECT 'pg_catalog.") + catalog + "'::pg_catalog.regclass AS classid, x.oid AS objid, " +
           owner + " AS owner FROM pg_catalog." + catalog + " x";
  };
  return tagged(
      "other",
      "SELECT o.type, o.identity, COALESCE('owner=' || pg_catalog.pg_get_userbyid(u.owner), '') "
      "  FROM (" + from("pg_collation", "x.collowner") + " UNION ALL " + from("pg_conversion", "x.conowner") +
          " UNION ALL " + from("pg_operator", "x.oprowner") + " UNION ALL " + from("pg_opclass", "x.opcowner") +
          " UNION ALL " + from("pg_opfamily", "x.opfowner") + " UNION ALL " + from("pg_ts_config", "x.cfgowner") +
          " UNION ALL " + from("pg_ts_dict", "x.dictowner") + " UNION ALL " + from("pg_ts_parser", "NULL::oid") +
          " UNION ALL " + from("pg_ts_template", "NULL::oid") + " UNION ALL " + from("pg_cast", "NULL::oid") +
          " UNION ALL " + from("pg_transform", "NULL::oid") + " UNION ALL " + from("pg_am", "NULL::oid") +
          ") u, LATERAL pg_catalog.pg_identify_object(u.classid, u.objid, 0) o "
          " WHERE u.objid >= 16384 AND " + user_schema +
          "   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e "
          "                    WHERE e.classid = u.classid AND e.objid = u.objid AND e.deptype IN ('e', 'i'))");
}

}  // namespace pgverify::inventory::detail
