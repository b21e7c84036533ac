-- The roles the kitchen sink corpus (kitchen_sink.sql) owns objects with, grants
-- to and names in policies. Run on the source cluster before the corpus and on
-- the target cluster before the restore, as a team runs pg_dumpall --roles-only
-- first. Roles are cluster-wide and other tests share the clusters, so every
-- role is prefixed pgv_ks_ and one that already exists is left as it is
-- (unique_violation: two runs creating it at the same moment).
DO $$
DECLARE
  role_name text;
BEGIN
  FOREACH role_name IN ARRAY ARRAY['pgv_ks_owner', 'pgv_ks_app', 'pgv_ks_reader', 'pgv_ks_writer',
                                   'pgv_ks_auditor', 'pgv_ks_grantor'] LOOP
    BEGIN
      EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END LOOP;
  -- A membership among them: the application role reads what the reader reads.
  IF NOT pg_has_role('pgv_ks_app', 'pgv_ks_reader', 'MEMBER') THEN
    BEGIN
      GRANT pgv_ks_reader TO pgv_ks_app;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
END
$$;
