-- matches.record_id no longer references records: the check cost a probe of records' primary
-- key per match (24 µs a row in EXPLAIN ANALYZE of a matching run, more than the insert
-- itself: records is the largest table) and it can never fail. A match is written only for a
-- record matching reads in the same transaction, and records are never deleted (imports
-- upsert, errata update; nothing deletes a record), so ON DELETE CASCADE never ran either.
-- Whoever adds a way to delete records deletes their matches in the same statement.
ALTER TABLE matches DROP CONSTRAINT IF EXISTS matches_record_id_fkey;
