-- GET /v1/stats and the photos_slots gauge read counts kept by the database, not an
-- aggregate over every record of the scope (1-2.5 s per college at 9 M records).
--
-- What changes a count (a record, a slot, a slot's status, a record's college or class)
-- writes a delta row in the same transaction, from triggers: every writer (linking,
-- answers, errata, imports, and the benchmarks' and fault tests' COPYs) is counted alike.
-- Deltas are only ever inserted, so confirmations never wait on a hot counter row; the
-- fold job (jobs.progress_fold) moves them into progress_counts, one folder at a time.
-- A reader sums both under one snapshot: the counts are exact at every moment.
--
-- Rows: kind '' / status 'records' counts the records of an (institution, college, class);
-- kind graduation|admission / status pending|confirmed|disputed counts slots. A record
-- without a slot of a kind is "missing": records minus that kind's slots.
--
-- The triggers find rows of the big tables by `key = ANY (ARRAY(SELECT ... FROM <transition
-- table>))`: an index probe per key, where a join could choose to scan all 9 M records.
CREATE TABLE progress_counts (
    institution_code text   NOT NULL,
    branch           text   NOT NULL,
    class_name       text   NOT NULL,   -- '' for no class, as GET /v1/stats groups them
    kind             text   NOT NULL,
    status           text   NOT NULL,
    n                bigint NOT NULL,
    PRIMARY KEY (institution_code, branch, class_name, kind, status)
);
CREATE INDEX progress_counts_branch ON progress_counts (branch);  -- ops: ?college= alone

-- Append-only; emptied every second or so: vacuum it as soon as it has a few dead rows.
CREATE TABLE progress_deltas (
    institution_code text   NOT NULL,
    branch           text   NOT NULL,
    class_name       text   NOT NULL,
    kind             text   NOT NULL,
    status           text   NOT NULL,
    n                bigint NOT NULL
) WITH (autovacuum_vacuum_threshold = 2000, autovacuum_vacuum_scale_factor = 0,
        autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0);

-- Both, summed: what every reader selects from (filters on the key reach both tables).
CREATE VIEW progress_now AS
SELECT institution_code, branch, class_name, kind, status, sum(n)::bigint AS n
FROM (
    SELECT institution_code, branch, class_name, kind, status, n FROM progress_counts
    UNION ALL
    SELECT institution_code, branch, class_name, kind, status, n FROM progress_deltas
) AS both_tables
GROUP BY institution_code, branch, class_name, kind, status;

-- Records: new ones count (with any slot already waiting for them), a changed college or
-- class moves the record and its slots, a deleted one leaves with its slots. The slots of a
-- moved record are locked (FOR SHARE) before they are read: a concurrent answer either
-- committed before (read here with its new status) or waits and then reads the new scope.
CREATE FUNCTION progress_records_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO progress_deltas (institution_code, branch, class_name, kind, status, n)
    SELECT institution_code, branch, coalesce(class_name, ''), '', 'records', count(*)
    FROM new_records GROUP BY 1, 2, 3
    UNION ALL
    SELECT r.institution_code, r.branch, coalesce(r.class_name, ''), s.kind, s.status, count(*)
    FROM new_records r JOIN photo_slots s USING (record_id)
    WHERE s.record_id = ANY (ARRAY(SELECT record_id FROM new_records))
    GROUP BY 1, 2, 3, 4, 5;
    RETURN NULL;
END $$;

CREATE FUNCTION progress_records_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM old_records o JOIN new_records r USING (record_id)
    WHERE (o.institution_code, o.branch, coalesce(o.class_name, ''))
          IS DISTINCT FROM (r.institution_code, r.branch, coalesce(r.class_name, ''))
    LIMIT 1;
    IF NOT FOUND THEN
        RETURN NULL;  -- the common case: a re-import or a correction of other fields
    END IF;
    WITH moved AS MATERIALIZED (
        SELECT record_id, o.institution_code AS old_i, o.branch AS old_b,
               coalesce(o.class_name, '') AS old_c, r.institution_code AS new_i,
               r.branch AS new_b, coalesce(r.class_name, '') AS new_c
        FROM old_records o JOIN new_records r USING (record_id)
        WHERE (o.institution_code, o.branch, coalesce(o.class_name, ''))
              IS DISTINCT FROM (r.institution_code, r.branch, coalesce(r.class_name, ''))
    ), slots AS MATERIALIZED (
        SELECT s.record_id, s.kind, s.status FROM photo_slots s
        WHERE s.record_id = ANY (ARRAY(SELECT record_id FROM moved)) FOR SHARE
    ), changes AS (
        SELECT old_i AS i, old_b AS b, old_c AS c, '' AS kind, 'records' AS status, -1 AS n
        FROM moved
        UNION ALL
        SELECT new_i, new_b, new_c, '', 'records', 1 FROM moved
        UNION ALL
        SELECT m.old_i, m.old_b, m.old_c, s.kind, s.status, -1 FROM moved m JOIN slots s USING (record_id)
        UNION ALL
        SELECT m.new_i, m.new_b, m.new_c, s.kind, s.status, 1 FROM moved m JOIN slots s USING (record_id)
    )
    INSERT INTO progress_deltas (institution_code, branch, class_name, kind, status, n)
    SELECT i, b, c, kind, status, sum(n) FROM changes GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0;
    RETURN NULL;
END $$;

CREATE FUNCTION progress_records_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO progress_deltas (institution_code, branch, class_name, kind, status, n)
    SELECT institution_code, branch, coalesce(class_name, ''), '', 'records', -count(*)
    FROM old_records GROUP BY 1, 2, 3
    UNION ALL
    SELECT r.institution_code, r.branch, coalesce(r.class_name, ''), s.kind, s.status, -count(*)
    FROM old_records r JOIN photo_slots s USING (record_id)
    WHERE s.record_id = ANY (ARRAY(SELECT record_id FROM old_records))
    GROUP BY 1, 2, 3, 4, 5;
    RETURN NULL;
END $$;

-- Slots: counted in their record's scope (none: not counted, as the stats never showed a
-- slot without its record). A new slot locks its record (FOR SHARE) so that a concurrent
-- move of that record is seen; linking and record changes of one institution are already
-- serialised by the linking lock, so this never waits in practice.
CREATE FUNCTION progress_slots_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH scope AS MATERIALIZED (
        SELECT record_id, institution_code, branch, coalesce(class_name, '') AS class_name
        FROM records WHERE record_id = ANY (ARRAY(SELECT record_id FROM new_slots)) FOR SHARE
    )
    INSERT INTO progress_deltas (institution_code, branch, class_name, kind, status, n)
    SELECT r.institution_code, r.branch, r.class_name, s.kind, s.status, count(*)
    FROM new_slots s JOIN scope r USING (record_id) GROUP BY 1, 2, 3, 4, 5;
    RETURN NULL;
END $$;

-- An answer, an erratum reopening a photo, a replacement: one row, only when the status
-- changes (the trigger's WHEN keeps check_state updates from calling it at all).
CREATE FUNCTION progress_slot_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO progress_deltas (institution_code, branch, class_name, kind, status, n)
    SELECT r.institution_code, r.branch, coalesce(r.class_name, ''), d.kind, d.status, d.n
    FROM (VALUES (OLD.record_id, OLD.kind, OLD.status, -1),
                 (NEW.record_id, NEW.kind, NEW.status, 1)) AS d (record_id, kind, status, n)
    JOIN records r ON r.record_id = d.record_id;
    RETURN NULL;
END $$;

CREATE FUNCTION progress_slots_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO progress_deltas (institution_code, branch, class_name, kind, status, n)
    SELECT r.institution_code, r.branch, coalesce(r.class_name, ''), s.kind, s.status, -count(*)
    FROM old_slots s JOIN records r USING (record_id)
    WHERE r.record_id = ANY (ARRAY(SELECT record_id FROM old_slots))
    GROUP BY 1, 2, 3, 4, 5;
    RETURN NULL;
END $$;

-- Writers wait while the triggers appear and the counts are taken: nothing slips between.
LOCK TABLE records, photo_slots IN SHARE ROW EXCLUSIVE MODE;

CREATE TRIGGER progress_records_inserted AFTER INSERT ON records
    REFERENCING NEW TABLE AS new_records
    FOR EACH STATEMENT EXECUTE FUNCTION progress_records_inserted();
CREATE TRIGGER progress_records_updated AFTER UPDATE ON records
    REFERENCING OLD TABLE AS old_records NEW TABLE AS new_records
    FOR EACH STATEMENT EXECUTE FUNCTION progress_records_updated();
CREATE TRIGGER progress_records_deleted AFTER DELETE ON records
    REFERENCING OLD TABLE AS old_records
    FOR EACH STATEMENT EXECUTE FUNCTION progress_records_deleted();
CREATE TRIGGER progress_slots_inserted AFTER INSERT ON photo_slots
    REFERENCING NEW TABLE AS new_slots
    FOR EACH STATEMENT EXECUTE FUNCTION progress_slots_inserted();
CREATE TRIGGER progress_slot_updated AFTER UPDATE ON photo_slots
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.kind IS DISTINCT FROM NEW.kind
                       OR OLD.record_id IS DISTINCT FROM NEW.record_id)
    EXECUTE FUNCTION progress_slot_updated();
CREATE TRIGGER progress_slots_deleted AFTER DELETE ON photo_slots
    REFERENCING OLD TABLE AS old_slots
    FOR EACH STATEMENT EXECUTE FUNCTION progress_slots_deleted();

INSERT INTO progress_counts (institution_code, branch, class_name, kind, status, n)
SELECT institution_code, branch, coalesce(class_name, ''), '', 'records', count(*)
FROM records GROUP BY 1, 2, 3
UNION ALL
SELECT r.institution_code, r.branch, coalesce(r.class_name, ''), s.kind, s.status, count(*)
FROM photo_slots s JOIN records r USING (record_id) GROUP BY 1, 2, 3, 4, 5;
