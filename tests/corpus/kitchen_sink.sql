-- The kitchen sink: one database holding every case a dump and restore (and so
-- pgverify's hashing, inventory and dump reading) finds hard, as real databases
-- hold them. Run with psql -v ON_ERROR_STOP=1 into an empty database of
-- PostgreSQL 15, 16 or 17, after kitchen_sink_roles.sql; the vector parts run
-- only where pgvector is available. Every value is deterministic, so two loads
-- hash the same.
--
-- tests/server/corpus_server_test.cpp dumps it, restores it into PostgreSQL 18
-- and expects pgverify pre and post to pass; it also damages the restored copy
-- in ways named below (the "damage:" notes) and expects post to fail naming them.

\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT current_setting('server_version_num')::int >= 150000 AS pg15,
       current_setting('server_version_num')::int >= 170000 AS pg17,
       EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AS has_vector
\gset

-- ------------------------------------------------------------------ schemas, owners
CREATE SCHEMA ks_extra AUTHORIZATION pgv_ks_owner;
COMMENT ON SCHEMA ks_extra IS 'a second schema, owned by another role';
GRANT USAGE ON SCHEMA ks_extra TO pgv_ks_reader, pgv_ks_app;

-- Default privileges (damage: ALTER DEFAULT PRIVILEGES ... REVOKE).
ALTER DEFAULT PRIVILEGES FOR ROLE pgv_ks_owner IN SCHEMA ks_extra GRANT SELECT ON TABLES TO pgv_ks_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE pgv_ks_owner IN SCHEMA ks_extra GRANT USAGE, SELECT ON SEQUENCES TO pgv_ks_app;
ALTER DEFAULT PRIVILEGES FOR ROLE pgv_ks_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- ------------------------------------------------------------------ types
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'it''s "complicated"');
COMMENT ON TYPE mood IS 'an enum whose labels need quoting';
ALTER TYPE mood OWNER TO pgv_ks_owner;
CREATE TYPE mood_pair AS (first mood, second mood);
CREATE TYPE labelled AS (label text, moods mood[], weight float8);
CREATE DOMAIN int_list AS int[] CHECK (cardinality(VALUE) <= 10);
CREATE DOMAIN mood_list AS mood[];
CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);

-- A base type with input and output functions only: no binary send/receive.
CREATE TYPE ks_text;
CREATE FUNCTION ks_text_in(cstring) RETURNS ks_text LANGUAGE internal IMMUTABLE STRICT AS 'textin';
CREATE FUNCTION ks_text_out(ks_text) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'textout';
CREATE TYPE ks_text (INPUT = ks_text_in, OUTPUT = ks_text_out, LIKE = text);
COMMENT ON TYPE ks_text IS 'text-like, without send and receive functions';

-- ------------------------------------------------------------------ hard-typed columns
-- damage: an UPDATE of one value in each of these columns.
CREATE TABLE types_scalar (
  id int PRIMARY KEY,
  c_numeric numeric,
  c_float4 float4,
  c_float8 float8,
  c_money money,
  c_bit bit(8),
  c_varbit bit varying,
  c_uuid uuid,
  c_inet inet,
  c_cidr cidr,
  c_macaddr macaddr,
  c_macaddr8 macaddr8,
  c_interval interval,
  c_timetz time with time zone,
  c_timestamptz timestamptz,
  c_date date,
  c_pg_lsn pg_lsn,
  c_xml xml,
  c_tsvector tsvector,
  c_tsquery tsquery,
  c_jsonpath jsonpath,
  c_jsonb jsonb,
  c_json json,
  c_bytea bytea,
  c_text text,
  c_char char(5),
  c_qchar "char",
  c_name name,
  c_int_array int[],
  c_text_array text[],
  c_float_array float8[]
);
INSERT INTO types_scalar VALUES
  (1, 'NaN', 'NaN', 'NaN', '12.34', B'10101010', B'1', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
   '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05',
   '1 year 2 mons 3 days 04:05:06.789', '04:05:06.789-08', '2024-02-29 12:34:56.789+00', '2024-02-29',
   '16/B374D848', '<doc><a x="1">t &amp; u</a></doc>', 'fat:2,4 cat:3 rat:5A', 'fat & (rat | !cat)',
   '$.a[*] ? (@ > 2)', '{"a": [1, 2.50, "x"], "b": {"c": null}}', '{"keep":  "spacing", "dup": 1, "dup": 2}',
   (SELECT decode(string_agg(lpad(to_hex(b), 2, '0'), '' ORDER BY b), 'hex') FROM generate_series(0, 255) b),
   E'tab\there, new\nline, back\\slash, cr\rreturn, unicode é ü 中文 😀', 'ab', 'x', 'a name',
   '[0:2]={1,2,3}', '{"a,b","c\"d",NULL,"NULL",""}', '{NaN,Infinity,-Infinity,0,-0}'),
  (2, 'Infinity', 'Infinity', 'Infinity', '-0.01', B'00000000', B'', '00000000-0000-0000-0000-000000000000',
   '::1', '2001:db8::/32', 'ff:ff:ff:ff:ff:ff', 'ff:ff:ff:ff:ff:ff:ff:ff',
   '-1 days +02:03:04', '24:00:00+00', 'infinity', 'infinity',
   '0/0', 'just text, no element', 'a:1 b:2B c:3C d:4D', '''a'' <-> ''b''',
   'strict $.b.type()', '[]', '[]', '\x', '', '     ', E'\\', '',
   '[-5:-4]={7,8}', '{}', '{1.5e-300,-2.5e+300}'),
  (3, '-Infinity', '-Infinity', '-Infinity', '92233720368547758.07', B'11111111',
   B'1010101010101010101010101010101010101010101010101010101010101010101010101', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
   '0.0.0.0/0', '0.0.0.0/0', '00:00:00:00:00:00', '00:00:00:00:00:00:00:00',
   '-178000000 years', '00:00:00+15:59', '-infinity', '-infinity',
   'FFFFFFFF/FFFFFFFF', '<?xml version="1.0"?><r/>', '', '!''x''',
   '$', '"\u00e9 \\ \n"', '"\u0000 is not jsonb"', '\x00', E'\\N', NULL, NULL, NULL,
   '{{1,2},{3,4}}', '{"\\N","tab\there"}', '{1.1754943508222875e-38,5e-324}'),
  (4, '-0.000000000000000000001', '-0', '-0', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   '0', NULL, '4713-01-01 00:00:00+00 BC', '5874897-12-31',
   NULL, NULL, NULL, NULL, NULL, 'null', 'null', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, 123456789012345678901234567890.123456789012345678901234567890, 3.4028235e+38, 1.7976931348623157e+308,
   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
\if :pg17
-- PostgreSQL 17 added infinite intervals.
INSERT INTO types_scalar (id, c_interval) VALUES (6, 'infinity'), (7, '-infinity');
\endif
COMMENT ON TABLE types_scalar IS 'one column per built-in type that is hard to round-trip';
COMMENT ON COLUMN types_scalar.c_bytea IS 'row 1 holds every byte value';

CREATE TABLE types_geometry (
  id int PRIMARY KEY,
  c_point point,
  c_line line,
  c_lseg lseg,
  c_box box,
  c_open_path path,
  c_closed_path path,
  c_polygon polygon,
  c_circle circle
);
INSERT INTO types_geometry VALUES
  (1, '(1.5,-2.25)', '{1,-1,0}', '[(0,0),(1,1)]', '(1,1),(0,0)', '[(0,0),(1,1),(2,0)]', '((0,0),(1,1),(2,0))',
   '((0,0),(0,1),(1,1),(1,0))', '<(0,0),1.5>'),
  (2, '(NaN,Infinity)', '{0,1,-3.3333333333333335}', '[(-1e-300,1e300),(0,0)]', '(0,0),(0,0)',
   '[(0.1,0.2)]', '((1,2),(3,4))', '((0,0))', '<(1e-10,-1e10),0>'),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

-- Types without a binary send function (pg_type.typsend = 0).
CREATE TABLE types_no_send (
  id int PRIMARY KEY,
  c_aclitem aclitem,
  c_aclitems aclitem[],
  c_ks_text ks_text
);
INSERT INTO types_no_send VALUES
  (1, 'pgv_ks_reader=r/pgv_ks_owner', '{pgv_ks_app=arwd/pgv_ks_owner,=r/pgv_ks_owner}', 'plain'),
  (2, 'pgv_ks_app=r*w/pgv_ks_owner', '{}', E'tab\tand\nnewline \\ é'),
  (3, NULL, NULL, NULL);

-- reg* types of objects that exist on both sides: their binary form is an OID.
CREATE TABLE types_reg (
  id int PRIMARY KEY,
  c_regclass regclass,
  c_regtype regtype,
  c_regproc regproc,
  c_regprocedure regprocedure,
  c_regoper regoper,
  c_regoperator regoperator,
  c_regconfig regconfig,
  c_regdictionary regdictionary,
  c_regnamespace regnamespace,
  c_regrole regrole,
  c_regcollation regcollation
);
INSERT INTO types_reg VALUES
  (1, 'public.types_scalar', 'public.mood', 'now', 'public.ks_text_in(cstring)', '||/',
   '+(integer,integer)', 'english', 'simple', 'ks_extra', 'pgv_ks_reader', '"C"'),
  (2, 'pg_catalog.pg_class', 'integer[]', 'pg_catalog.textin', 'abs(integer)', '!!',
   '-(NONE,integer)', 'simple', 'english_stem', 'public', 'pgv_ks_owner', '"POSIX"'),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

-- User-defined types: enums, composites of enums, arrays of both, domains over
-- arrays, ranges and multiranges (their binary forms may embed type OIDs).
CREATE TABLE types_user (
  id int PRIMARY KEY,
  c_mood mood,
  c_moods mood[],
  c_pair mood_pair,
  c_pairs mood_pair[],
  c_labelled labelled,
  c_int_list int_list,
  c_mood_list mood_list,
  c_int4range int4range,
  c_numrange numrange,
  c_tstzrange tstzrange,
  c_daterange daterange,
  c_int4multirange int4multirange,
  c_floatrange floatrange,
  c_floatmultirange floatmultirange,
  c_ranges int4range[]
);
INSERT INTO types_user VALUES
  (1, 'happy', '{sad,ok,"it''s \"complicated\""}', '(sad,happy)', ARRAY['(ok,ok)', '(happy,sad)']::mood_pair[],
   ROW('a "quoted", label', '{ok,happy}', 'NaN')::labelled, '{1,2,3}', '[0:1]={happy,sad}',
   '[1,10)', '(,5.5]', '[2024-01-01 00:00:00+00,2025-01-01 00:00:00+00)', '[2024-01-01,infinity)',
   '{[1,3),[5,8)}', '[1.5,2.5]', '{[1,2),(3,Infinity)}', '{"[1,2)",empty,"(,)"}'),
  (2, 'it''s "complicated"', '{}', '(,)', '{}', ROW(NULL, NULL, -0.0)::labelled, '{}', '{}',
   'empty', 'empty', 'empty', 'empty', '{}', 'empty', '{}', '{}'),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
COMMENT ON COLUMN types_user.c_pair IS 'a composite of enums';

-- ------------------------------------------------------------------ bulk data
CREATE TABLE events_bulk (
  id bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 100 INCREMENT BY 5) PRIMARY KEY,
  at timestamptz NOT NULL,
  kind mood NOT NULL,
  payload jsonb,
  body text,
  amount numeric(12, 2),
  tags text[]
);
INSERT INTO events_bulk (at, kind, payload, body, amount, tags)
SELECT timestamptz '2024-01-01 00:00:00+00' + g * interval '17 minutes 3.25 seconds',
       (ARRAY['sad', 'ok', 'happy', 'it''s "complicated"']::mood[])[1 + g % 4],
       jsonb_build_object('n', g, 'sq', g * g, 'even', g % 2 = 0, 'name', 'e' || g),
       repeat(md5(g::text), 1 + g % 7) || E'\t' || g,
       (g * 37 % 100000) / 100.0,
       ARRAY['t' || g % 5, 't' || g % 11]
  FROM generate_series(1, 5000) g;

CREATE TABLE "MixedCase" ("Id" int PRIMARY KEY, "Value" text, "lower" int);
INSERT INTO "MixedCase" SELECT g, 'v' || g, g * 2 FROM generate_series(1, 5) g;
CREATE TABLE "order items" ("order id" int, "item name" text, "Qty" int DEFAULT 1);
INSERT INTO "order items" VALUES (1, 'widget', 2), (1, 'gadget', 1), (2, 'sprocket "x"', 5);
SET ROLE pgv_ks_owner;
-- Created by pgv_ks_owner, so the default privileges above apply to it.
CREATE TABLE ks_extra."Audit Log" (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "Event" text NOT NULL, at date);
INSERT INTO ks_extra."Audit Log" ("Event", at) SELECT 'event ' || g, date '2024-01-01' + g FROM generate_series(1, 2000) g;
CREATE SEQUENCE ks_extra.ticket_no;
RESET ROLE;

CREATE TABLE no_columns ();
INSERT INTO no_columns DEFAULT VALUES;
INSERT INTO no_columns DEFAULT VALUES;
INSERT INTO no_columns DEFAULT VALUES;

CREATE UNLOGGED TABLE cache_unlogged (k text PRIMARY KEY, v bytea);
INSERT INTO cache_unlogged VALUES ('a', '\x0001'), ('b', NULL);

CREATE TABLE generated_cols (
  id_always int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id_default bigint GENERATED BY DEFAULT AS IDENTITY (START WITH -10 INCREMENT BY -3 MINVALUE -1000 MAXVALUE -1),
  a int,
  b int,
  total int GENERATED ALWAYS AS (a + b) STORED,
  label text GENERATED ALWAYS AS ('total=' || (a + b)) STORED
);
INSERT INTO generated_cols (a, b) SELECT g, g * 10 FROM generate_series(1, 20) g;

-- ------------------------------------------------------------------ inheritance
-- A child created with its own columns in its own order and then attached with
-- INHERIT, and a column added to the parent after: the source's column order is
-- (note, label, id, added_later); pg_restore creates the child with INHERITS, so
-- its parent's columns come first.
CREATE TABLE inh_parent (id int NOT NULL, label text);
CREATE TABLE inh_child (note text, label text, id int NOT NULL);
ALTER TABLE inh_child INHERIT inh_parent;
ALTER TABLE inh_parent ADD COLUMN added_later int DEFAULT 7;
CREATE TABLE inh_grandchild (depth int DEFAULT 2) INHERITS (inh_child);
INSERT INTO inh_parent (id, label) SELECT g, 'parent ' || g FROM generate_series(1, 10) g;
INSERT INTO inh_child (id, label, note, added_later) SELECT g, 'child ' || g, 'note ' || g, g FROM generate_series(11, 30) g;
INSERT INTO inh_grandchild (id, label, note) VALUES (31, 'grandchild', 'deep');

-- Multiple inheritance, and a column added to the second parent afterwards.
CREATE TABLE mi_left (l int, shared text);
CREATE TABLE mi_right (r int, shared text);
CREATE TABLE mi_both (own int) INHERITS (mi_left, mi_right);
ALTER TABLE mi_right ADD COLUMN r_later text;
INSERT INTO mi_left VALUES (1, 'left');
INSERT INTO mi_right VALUES (2, 'right', 'later');
INSERT INTO mi_both (l, shared, r, own, r_later) VALUES (3, 'both', 4, 5, 'b-later'), (6, NULL, NULL, 7, NULL);

-- ------------------------------------------------------------------ partitions
CREATE TABLE p_range (id int NOT NULL, at date NOT NULL, v text) PARTITION BY RANGE (at);
CREATE TABLE p_range_2024 PARTITION OF p_range FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- Nested: a partition that is itself partitioned, with its own default.
CREATE TABLE p_range_2025 PARTITION OF p_range FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (v);
CREATE TABLE p_range_2025_a PARTITION OF p_range_2025 FOR VALUES IN ('a');
CREATE TABLE p_range_2025_rest PARTITION OF p_range_2025 DEFAULT;
CREATE TABLE p_range_default PARTITION OF p_range DEFAULT;
-- Created on its own in another column order with an extra column, the extra
-- column dropped, then attached.
CREATE TABLE p_range_2023 (v text, junk int, at date NOT NULL, id int NOT NULL);
ALTER TABLE p_range_2023 DROP COLUMN junk;
ALTER TABLE p_range ATTACH PARTITION p_range_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
INSERT INTO p_range SELECT g, date '2023-06-01' + g % 1200, (ARRAY['a', 'b', 'c'])[1 + g % 3] FROM generate_series(1, 3000) g;

CREATE TABLE p_list (region text, n int) PARTITION BY LIST (region);
CREATE TABLE p_list_eu PARTITION OF p_list FOR VALUES IN ('eu', 'uk');
CREATE TABLE p_list_us PARTITION OF p_list FOR VALUES IN ('us');
CREATE TABLE p_list_other PARTITION OF p_list DEFAULT;
INSERT INTO p_list VALUES ('eu', 1), ('uk', 2), ('us', 3), ('jp', 4), (NULL, 5);

CREATE TABLE p_hash (id int, v text) PARTITION BY HASH (id);
CREATE TABLE p_hash_0 PARTITION OF p_hash FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE p_hash_1 PARTITION OF p_hash FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE p_hash_2 PARTITION OF p_hash FOR VALUES WITH (MODULUS 3, REMAINDER 2);
INSERT INTO p_hash SELECT g, 'h' || g FROM generate_series(1, 30) g;

-- ------------------------------------------------------------------ large objects
-- Empty, one byte and 3 MiB of pseudo-random bytes; one owned by another role,
-- with a grant and a comment (damage: lo_unlink; lo_put of one byte).
SELECT lo_from_bytea(0, ''::bytea) AS lo_empty \gset
SELECT lo_from_bytea(0, '\x2a'::bytea) AS lo_one \gset
SELECT lo_from_bytea(0, (SELECT decode(string_agg(md5(g::text), '' ORDER BY g), 'hex')
                           FROM generate_series(1, 196608) g)) AS lo_big \gset
ALTER LARGE OBJECT :lo_big OWNER TO pgv_ks_owner;
GRANT SELECT ON LARGE OBJECT :lo_big TO pgv_ks_reader;
COMMENT ON LARGE OBJECT :lo_big IS '3 MiB, owned by pgv_ks_owner';
CREATE TABLE lo_refs (name text PRIMARY KEY, loid oid NOT NULL);
INSERT INTO lo_refs VALUES ('empty', :lo_empty), ('one', :lo_one), ('big', :lo_big);

-- ------------------------------------------------------------------ materialized views
CREATE TABLE mv_base (id int PRIMARY KEY, n int);
INSERT INTO mv_base SELECT g, g * 3 FROM generate_series(1, 10) g;
CREATE MATERIALIZED VIEW mv_fresh AS SELECT id, n FROM mv_base WHERE id <= 5;
-- Stale: its base table changes after it was populated, without REFRESH.
CREATE MATERIALIZED VIEW mv_stale AS SELECT id, n * 2 AS doubled FROM mv_base;
CREATE MATERIALIZED VIEW mv_unpopulated AS SELECT id, n FROM mv_base WITH NO DATA;
UPDATE mv_base SET n = n + 1000 WHERE id > 5;
INSERT INTO mv_base VALUES (11, 33), (12, 36);

-- ------------------------------------------------------------------ row-level security, grants
CREATE TABLE rls_docs (id int PRIMARY KEY, owner_name name NOT NULL, body text, secret boolean NOT NULL DEFAULT false);
ALTER TABLE rls_docs OWNER TO pgv_ks_owner;
INSERT INTO rls_docs SELECT g, (ARRAY['pgv_ks_app', 'pgv_ks_reader'])[1 + g % 2], 'doc ' || g, g % 5 = 0
  FROM generate_series(1, 25) g;
-- damage: ALTER TABLE ... DISABLE ROW LEVEL SECURITY; DROP POLICY.
ALTER TABLE rls_docs ENABLE ROW LEVEL SECURITY;
ALTER TABLE rls_docs FORCE ROW LEVEL SECURITY;
CREATE POLICY docs_read ON rls_docs AS PERMISSIVE FOR SELECT TO pgv_ks_reader, pgv_ks_app USING (NOT secret);
CREATE POLICY docs_own ON rls_docs FOR ALL TO pgv_ks_app
  USING (owner_name = current_user) WITH CHECK (owner_name = current_user);
CREATE POLICY docs_audit ON rls_docs FOR UPDATE TO pgv_ks_auditor USING (true) WITH CHECK (body IS NOT NULL);
CREATE POLICY docs_not_empty ON rls_docs AS RESTRICTIVE FOR ALL TO PUBLIC USING (body <> '');
CREATE POLICY docs_no_secret_writes ON rls_docs AS RESTRICTIVE FOR INSERT TO pgv_ks_app, pgv_ks_writer
  WITH CHECK (NOT secret);
COMMENT ON POLICY docs_read ON rls_docs IS 'readers never see secret documents';
COMMENT ON TABLE rls_docs IS 'documents behind row-level security';
COMMENT ON COLUMN rls_docs.secret IS 'hidden from readers by docs_read';
-- Table grants with and without GRANT OPTION, one by a grantor that is not the
-- owner, column grants (damage: REVOKE of a table grant and of a column grant).
GRANT SELECT ON rls_docs TO pgv_ks_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON rls_docs TO pgv_ks_app;
GRANT SELECT, INSERT ON rls_docs TO pgv_ks_grantor WITH GRANT OPTION;
SET ROLE pgv_ks_grantor;
GRANT SELECT ON rls_docs TO pgv_ks_writer;
RESET ROLE;
GRANT SELECT (id, body), UPDATE (body) ON rls_docs TO pgv_ks_auditor;

-- Enabled but not forced.
CREATE TABLE rls_notes (id int, who name, note text);
ALTER TABLE rls_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_mine ON rls_notes USING (who = current_user);
INSERT INTO rls_notes VALUES (1, 'pgv_ks_app', 'mine'), (2, 'pgv_ks_reader', 'theirs');
GRANT SELECT, INSERT ON rls_notes TO pgv_ks_app WITH GRANT OPTION;
GRANT SELECT ON rls_notes TO PUBLIC;

-- ------------------------------------------------------------------ rules, views
CREATE TABLE plain_docs (id int PRIMARY KEY, body text);
CREATE TABLE doc_audit (doc_id int, action text);
INSERT INTO plain_docs SELECT g, 'plain ' || g FROM generate_series(1, 8) g;
CREATE VIEW plain_docs_view AS SELECT id, body FROM plain_docs;
-- damage: DROP RULE.
CREATE RULE plain_docs_view_insert AS ON INSERT TO plain_docs_view
  DO INSTEAD INSERT INTO plain_docs VALUES (NEW.id, NEW.body);
CREATE RULE plain_docs_delete_audit AS ON DELETE TO plain_docs
  DO ALSO INSERT INTO doc_audit VALUES (OLD.id, 'delete');
GRANT SELECT, INSERT ON plain_docs_view TO pgv_ks_app;

-- ------------------------------------------------------------------ triggers
CREATE TABLE trig_target (id int PRIMARY KEY, v text, touched int NOT NULL DEFAULT 0);
INSERT INTO trig_target SELECT g, 't' || g, 0 FROM generate_series(1, 6) g;
CREATE FUNCTION trig_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.touched := OLD.touched + 1;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION trig_touch() IS 'counts updates of a row';
CREATE FUNCTION trig_noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
-- damage: ALTER TABLE ... DISABLE TRIGGER trg_enabled.
CREATE TRIGGER trg_enabled BEFORE UPDATE ON trig_target FOR EACH ROW EXECUTE FUNCTION trig_touch();
CREATE TRIGGER trg_disabled AFTER INSERT ON trig_target FOR EACH ROW EXECUTE FUNCTION trig_noop();
ALTER TABLE trig_target DISABLE TRIGGER trg_disabled;
CREATE TRIGGER trg_replica AFTER DELETE ON trig_target FOR EACH ROW EXECUTE FUNCTION trig_noop();
ALTER TABLE trig_target ENABLE REPLICA TRIGGER trg_replica;
CREATE TRIGGER trg_always AFTER TRUNCATE ON trig_target FOR EACH STATEMENT EXECUTE FUNCTION trig_noop();
ALTER TABLE trig_target ENABLE ALWAYS TRIGGER trg_always;

-- ------------------------------------------------------------------ functions, statistics
CREATE FUNCTION ks_add(a int, b int DEFAULT 1) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
COMMENT ON FUNCTION ks_add(int, int) IS 'adds, with a default';
REVOKE EXECUTE ON FUNCTION ks_add(int, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ks_add(int, int) TO pgv_ks_app;
CREATE PROCEDURE ks_clear_cache() LANGUAGE sql AS 'DELETE FROM cache_unlogged';
ALTER PROCEDURE ks_clear_cache() OWNER TO pgv_ks_owner;
REVOKE USAGE ON TYPE mood FROM PUBLIC;
GRANT USAGE ON TYPE mood TO pgv_ks_app;

CREATE TABLE stats_t (a int, b int, c text);
INSERT INTO stats_t SELECT g % 10, g % 20, 'c' || g % 5 FROM generate_series(1, 200) g;
CREATE STATISTICS stats_ab (ndistinct, dependencies) ON a, b FROM stats_t;
CREATE STATISTICS stats_mcv (mcv) ON a, c FROM stats_t;
-- PostgreSQL 14 added statistics on expressions.
CREATE STATISTICS stats_expr ON (a + b), lower(c) FROM stats_t;
ALTER STATISTICS stats_ab SET STATISTICS 500;

-- ------------------------------------------------------------------ sequences
-- damage: setval of seq_down the wrong way (towards its start).
CREATE SEQUENCE seq_down INCREMENT BY -1 MINVALUE -1000000 MAXVALUE -1 START WITH -1;
CREATE SEQUENCE seq_cycle MINVALUE 1 MAXVALUE 5 CYCLE;
CREATE SEQUENCE seq_down_cycle INCREMENT BY -3 MINVALUE -10 MAXVALUE 0 START WITH 0 CYCLE;
CREATE SEQUENCE seq_never AS smallint;
CREATE TABLE owned_t (id int);
CREATE SEQUENCE seq_owned OWNED BY owned_t.id;
ALTER TABLE owned_t ALTER COLUMN id SET DEFAULT nextval('seq_owned');
ALTER SEQUENCE seq_cycle OWNER TO pgv_ks_owner;
GRANT USAGE ON SEQUENCE seq_owned TO pgv_ks_app;
DO $$
BEGIN
  PERFORM nextval('seq_down') FROM generate_series(1, 42);
  PERFORM nextval('seq_cycle') FROM generate_series(1, 7);       -- wrapped once: 2
  PERFORM nextval('seq_down_cycle') FROM generate_series(1, 5);  -- wrapped once: -3
END
$$;
INSERT INTO owned_t DEFAULT VALUES;
INSERT INTO owned_t DEFAULT VALUES;
INSERT INTO owned_t DEFAULT VALUES;

-- ------------------------------------------------------------------ foreign data
CREATE FOREIGN DATA WRAPPER ks_fdw;
CREATE SERVER ks_server FOREIGN DATA WRAPPER ks_fdw OPTIONS (host 'remote.invalid', dbname 'elsewhere');
CREATE USER MAPPING FOR pgv_ks_app SERVER ks_server OPTIONS (user 'remote_app');
GRANT USAGE ON FOREIGN DATA WRAPPER ks_fdw TO pgv_ks_owner;
GRANT USAGE ON FOREIGN SERVER ks_server TO pgv_ks_app;
CREATE FOREIGN TABLE ks_remote (id int, v text) SERVER ks_server OPTIONS (table_name 'remote');

-- ------------------------------------------------------------------ publications
CREATE PUBLICATION ks_pub FOR TABLE plain_docs, p_list;
\if :pg15
-- PostgreSQL 15 added row filters, column lists and FOR TABLES IN SCHEMA. Only
-- inserts are published: a filter on a column outside the replica identity
-- would make UPDATEs of the table fail.
CREATE PUBLICATION ks_pub_filtered FOR TABLE events_bulk (id, kind, at) WHERE (id > 1000) WITH (publish = 'insert');
CREATE PUBLICATION ks_pub_schema FOR TABLES IN SCHEMA ks_extra WITH (publish = 'insert');
\endif

-- ------------------------------------------------------------------ other catalogs
-- Objects pg_dump dumps one by one that no table shows: a collation, a text
-- search configuration, an operator, a cast; a table replicated by its full
-- row and one with storage parameters.
CREATE COLLATION ks_c (provider = libc, locale = 'C');
CREATE TEXT SEARCH CONFIGURATION ks_ts (COPY = pg_catalog.simple);
CREATE FUNCTION ks_text_eq(ks_text, ks_text) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT $1::text = $2::text';
CREATE OPERATOR === (LEFTARG = ks_text, RIGHTARG = ks_text, FUNCTION = ks_text_eq);
CREATE CAST (ks_text AS text) WITHOUT FUNCTION;
ALTER TABLE plain_docs REPLICA IDENTITY FULL;
ALTER TABLE events_bulk SET (fillfactor = 70, autovacuum_enabled = false);

-- ------------------------------------------------------------------ pgvector
\if :has_vector
CREATE EXTENSION vector;
CREATE TABLE embeddings (id int PRIMARY KEY, e vector(3), h halfvec(3), s sparsevec(5), es vector[]);
INSERT INTO embeddings
SELECT g, ARRAY[g, -g, g / 7.0]::real[]::vector, ARRAY[g / 3.0, 0.5, -1]::real[]::halfvec,
       ('{1:' || g || ',5:-0.5}/5')::sparsevec,
       CASE WHEN g % 100 = 0 THEN ARRAY['[1,2,3]'::vector, '[0,0,0]'::vector] END
  FROM generate_series(1, 2000) g;
INSERT INTO embeddings VALUES (0, NULL, NULL, NULL, '{}');
CREATE INDEX embeddings_hnsw ON embeddings USING hnsw (e vector_l2_ops);
\endif

-- ------------------------------------------------------------------ event trigger
-- Last: it fires on every DDL statement of this database from here on.
CREATE FUNCTION ks_ddl_noop() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE EVENT TRIGGER ks_ddl_end ON ddl_command_end EXECUTE FUNCTION ks_ddl_noop();
COMMENT ON EVENT TRIGGER ks_ddl_end IS 'does nothing, must still be restored';

ANALYZE;
