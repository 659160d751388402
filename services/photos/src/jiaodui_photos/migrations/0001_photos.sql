-- The local replica of records (from records.events): what linking and stats need, no plain ID.
CREATE TABLE records (
    record_id        uuid        PRIMARY KEY,
    institution_code text        NOT NULL,
    branch           text        NOT NULL,
    class_name       text,
    cohort           text        NOT NULL,
    name             text        NOT NULL,
    name_key         text        NOT NULL,   -- normalised for comparison
    id_type          text        NOT NULL,
    identity_hash    text        NOT NULL,
    student_number   text        NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX records_identity ON records (institution_code, identity_hash);
CREATE INDEX records_student_number ON records (institution_code, student_number);
CREATE INDEX records_scope ON records (institution_code, branch, class_name);

-- Which account owns which record (IdentityMatched / IdentityUnmatched).
CREATE TABLE record_owners (
    record_id  uuid        PRIMARY KEY,
    account_id uuid        NOT NULL,
    institution_code text  NOT NULL,
    branch     text        NOT NULL,
    cohort     text        NOT NULL,
    matched_at timestamptz NOT NULL
);
CREATE INDEX record_owners_account ON record_owners (account_id);

CREATE TABLE batches (
    batch_id         uuid        PRIMARY KEY,
    institution_code text        NOT NULL,
    uploaded_by      uuid        NOT NULL,
    status           text        NOT NULL,   -- processing | done
    total            integer     NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz
);

-- Every uploaded photo, linked or not; unlinked ones keep their link key to converge later.
CREATE TABLE photos (
    photo_id         uuid        PRIMARY KEY,
    seq              bigserial   NOT NULL UNIQUE,   -- upload order: the newest photo wins
    batch_id         uuid        NOT NULL REFERENCES batches,
    kind             text        NOT NULL,
    institution_code text        NOT NULL,
    blob_key         text        NOT NULL,
    width            integer     NOT NULL,
    height           integer     NOT NULL,
    size_bytes       integer     NOT NULL,
    code_record_id   uuid,                          -- from a collection code
    name_key         text,
    id_type          text,
    identity_hash    text,
    student_number   text,
    record_id        uuid,                          -- set once linked
    unlinked_reason  text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    linked_at        timestamptz
);
CREATE INDEX photos_unlinked_identity ON photos (institution_code, identity_hash)
    WHERE record_id IS NULL;
CREATE INDEX photos_unlinked_number ON photos (institution_code, student_number)
    WHERE record_id IS NULL;
CREATE INDEX photos_unlinked_code ON photos (code_record_id) WHERE record_id IS NULL;
CREATE INDEX photos_record ON photos (record_id);

-- Per-file results of a batch.
CREATE TABLE batch_files (
    batch_id uuid    NOT NULL REFERENCES batches,
    position integer NOT NULL,
    file     text    NOT NULL,
    photo_id uuid,
    status   text    NOT NULL,   -- linked | unlinked | invalid
    reason   text,
    PRIMARY KEY (batch_id, position)
);

-- The current photo of each (record, kind) and the student's answer: the hot table.
CREATE TABLE photo_slots (
    record_id      uuid        NOT NULL,
    kind           text        NOT NULL,
    photo_id       uuid        NOT NULL UNIQUE,
    photo_seq      bigint      NOT NULL,
    status         text        NOT NULL,   -- pending | confirmed | disputed
    answered_by    uuid,
    answered_at    timestamptz,
    dispute_reason text,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (record_id, kind)
);

CREATE TABLE windows (
    institution_code text        NOT NULL,
    cohort           text        NOT NULL,
    confirm_until    timestamptz NOT NULL,
    recheck_from     timestamptz NOT NULL,
    recheck_until    timestamptz NOT NULL,
    updated_by       uuid        NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (institution_code, cohort)
);

-- One reminder per (record, stage), whatever the number of instances: the key decides.
CREATE TABLE reminders (
    record_id uuid        NOT NULL,
    stage     text        NOT NULL,   -- first | last
    sent_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (record_id, stage)
);
