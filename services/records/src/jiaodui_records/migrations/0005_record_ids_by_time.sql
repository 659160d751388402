-- New record ids keep their first byte random and put the time after it (issue 16, the
-- import's CPU per row). The first two hex digits are the record's bucket, the Kafka key of
-- every event about it (contracts/records.py): still uniform over the 256 buckets. After
-- them come the milliseconds since 1970 (44 bits, around the version nibble 8 of RFC 9562's
-- custom layout), then gen_random_uuid()'s own variant and 70 random bits. So an import's new
-- records land at one place per bucket in every index of record ids (records' primary key,
-- and the primary key of each replica: photos, corrections, reports, identity's roster), a
-- few hot pages, where a random UUID took a random page of a multi-GB index per record (a
-- buffer miss, a dirty page written back, a full-page image in the WAL after a checkpoint).
-- Ids already given are unchanged; an id is still a canonical UUID, unguessable (78 random
-- bits), and no more telling than the imported_at that its events carry.
CREATE FUNCTION records_new_id() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
    SELECT encode(overlay(uuid_send(gen_random_uuid()) PLACING substr(int8send(
        ((extract(epoch FROM statement_timestamp()) * 1000)::bigint >> 4 << 8) | 128
        | ((extract(epoch FROM statement_timestamp()) * 1000)::bigint & 15)), 3, 6)
        FROM 2 FOR 6), 'hex')::uuid
$$;

ALTER TABLE records ALTER COLUMN record_id SET DEFAULT records_new_id();
