-- reports: verification reports and the replica of what they need from other services

CREATE TABLE signing_keys (
    kid          text        PRIMARY KEY,
    private_pem  text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    activates_at timestamptz NOT NULL DEFAULT now(),
    retired_at   timestamptz
);

-- records.events: the record as published (masked ID only) and who it is matched to
CREATE TABLE records (
    record_id        uuid        PRIMARY KEY,
    institution_code text        NOT NULL,
    branch           text        NOT NULL,
    snapshot         jsonb       NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE record_owners (
    record_id  uuid        NOT NULL,
    account_id uuid        NOT NULL,
    matched_at timestamptz NOT NULL,
    PRIMARY KEY (record_id, account_id)
);
CREATE INDEX record_owners_account ON record_owners (account_id);

-- photos.events: the graduation photo of each record and its answer
CREATE TABLE photos (
    record_id  uuid        NOT NULL,
    kind       text        NOT NULL,
    photo_id   uuid        NOT NULL,
    status     text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (record_id, kind)
);

-- corrections.events: errata filed or approved and not yet applied or rejected
CREATE TABLE open_errata (
    erratum_id uuid PRIMARY KEY,
    record_id  uuid NOT NULL
);
CREATE INDEX open_errata_record ON open_errata (record_id);

CREATE TABLE reports (
    report_id         uuid        PRIMARY KEY,
    code              text        NOT NULL UNIQUE,
    account_id        uuid        NOT NULL,
    record_id         uuid        NOT NULL,
    institution_code  text        NOT NULL,
    branch            text        NOT NULL,
    months            integer     NOT NULL,
    issued_at         timestamptz NOT NULL,
    valid_until       timestamptz NOT NULL,
    closed_at         timestamptz,
    superseded_at     timestamptz,
    superseded_reason text,
    record            jsonb       NOT NULL,
    photo_id          uuid        NOT NULL,
    photo_sha256      text        NOT NULL,
    revision          integer     NOT NULL DEFAULT 1,
    key_id            text        NOT NULL,
    signature         text        NOT NULL,
    check_count       bigint      NOT NULL DEFAULT 0,
    last_checked_at   timestamptz
);
CREATE INDEX reports_account ON reports (account_id, issued_at DESC);
CREATE INDEX reports_open_record ON reports (record_id)
    WHERE closed_at IS NULL AND superseded_at IS NULL;
