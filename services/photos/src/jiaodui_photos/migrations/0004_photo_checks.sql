-- Machine checks of every linked photo (DESIGN §9). One row per photo version (a replaced
-- photo is a new photo_id), created queued in the transaction that links it: the queue the
-- checker claims with FOR UPDATE SKIP LOCKED. A photo's findings, its comparison with the
-- record's other photo (kept on the graduation photo: the certificate's) and the office's
-- review live here; the slot carries the state the student sees.
CREATE TABLE photo_checks (
    photo_id      uuid        PRIMARY KEY REFERENCES photos ON DELETE CASCADE,
    record_id     uuid        NOT NULL,
    kind          text        NOT NULL,
    state         text        NOT NULL DEFAULT 'queued',   -- queued | done
    queued_at     timestamptz NOT NULL DEFAULT now(),
    findings      jsonb,                                   -- [{code, value?}]
    measurements  jsonb,
    blocking      boolean,
    face          boolean,                                 -- an embedding was stored
    verdict       text,                                    -- pass | fail | uncertain | anomaly
    distance      double precision,
    compared_with uuid,                                    -- the admission photo compared
    checked_at    timestamptz,
    review        text,                                    -- accepted | recapture
    reviewed_by   uuid,
    reviewed_at   timestamptz,
    review_reason text
);
CREATE INDEX photo_checks_queue ON photo_checks (queued_at) WHERE state = 'queued';
CREATE INDEX photo_checks_review ON photo_checks (verdict)
    WHERE state = 'done' AND verdict IN ('fail', 'uncertain', 'anomaly');

-- Face embeddings (128 float32): biometric data, never leaves this table, gone with the photo.
CREATE TABLE photo_embeddings (
    photo_id  uuid  PRIMARY KEY REFERENCES photos ON DELETE CASCADE,
    embedding bytea NOT NULL
);

-- What the student's slot shows; confirm needs passed or accepted.
ALTER TABLE photo_slots ADD COLUMN check_state text NOT NULL DEFAULT 'running';

-- Photos linked before the checks existed are checked now (slots without a stored photo,
-- written straight by benchmarks and fault tests, have nothing to check).
INSERT INTO photo_checks (photo_id, record_id, kind)
SELECT s.photo_id, s.record_id, s.kind FROM photo_slots s JOIN photos p USING (photo_id)
ON CONFLICT DO NOTHING;
