-- An import's RecordsImported are ~32 KB each, so their payloads are TOASTed and compressed:
-- with pglz (the default) that was 0.45-0.65 s of an import batch's 50,000 records' outbox
-- insert, with lz4 0.2-0.25 s for about the same stored size (docs/notes/issue-16-session7.md).
-- The relay reads them back decompressed, lz4 faster there too. Small rows (every other
-- event) are not compressed either way. A server built without lz4 keeps pglz.
DO $$
BEGIN
    ALTER TABLE outbox ALTER COLUMN payload SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'outbox payloads stay compressed with pglz: this server has no lz4';
END
$$;
