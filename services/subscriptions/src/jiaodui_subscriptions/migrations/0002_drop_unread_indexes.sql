-- Two indexes that no query reads, each written for every event or match (a matching burst
-- writes one of each per match). On the dev stack after 2.1 M events both had idx_scan = 0:
-- the feed filters by `$institution = ANY(institutions)`, which a GIN index cannot serve
-- (it walks events in position order), and account_records is only read by account
-- (institutions_of_account[s], forget_records by account and record: the primary key).
DROP INDEX IF EXISTS events_institutions;
DROP INDEX IF EXISTS account_records_record;
