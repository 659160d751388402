-- The staff workbenches' lists. An unlinked photo shows the file it came in and what the
-- manifest said (name, student number, the ID number masked: the plain one is never kept);
-- photos stored before this migration get their file name from the batch report.
ALTER TABLE photos
    ADD COLUMN file             text,
    ADD COLUMN manifest_name    text,
    ADD COLUMN id_number_masked text;
UPDATE photos p SET file = f.file FROM batch_files f WHERE f.photo_id = p.photo_id;

CREATE INDEX photos_unlinked_recent ON photos (institution_code, seq DESC) WHERE record_id IS NULL;
CREATE INDEX batches_recent ON batches (institution_code, created_at DESC);
