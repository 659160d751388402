-- The roster: one row per (institution, student number). The plain ID number is never
-- stored: matching needs only its keyed hash, display only its masked form.
CREATE TABLE records (
    record_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    institution_code text NOT NULL,
    institution_name text NOT NULL,
    student_number text NOT NULL,
    exam_number text,
    name text NOT NULL,
    name_key text NOT NULL,
    gender text NOT NULL,
    ethnicity text,
    birth_date date NOT NULL,
    id_type text NOT NULL,
    identity_hash text NOT NULL,
    id_number_masked text NOT NULL,
    branch text NOT NULL,
    department text,
    major text NOT NULL,
    class_name text,
    level text NOT NULL,
    duration_years double precision,
    education_type text NOT NULL,
    study_form text NOT NULL,
    enrollment_date date,
    status text NOT NULL,
    cohort text NOT NULL,
    import_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (institution_code, student_number)
);
CREATE INDEX records_identity ON records (identity_hash);
CREATE INDEX records_scope ON records (institution_code, branch, class_name);

-- Replica of identity's accounts (from its events): enough to match, nothing more.
CREATE TABLE accounts (
    account_id uuid PRIMARY KEY,
    id_type text,
    identity_hash text,
    name_key text,
    active boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_identity ON accounts (identity_hash) WHERE identity_hash IS NOT NULL;

CREATE TABLE matches (
    account_id uuid NOT NULL,
    record_id uuid NOT NULL REFERENCES records ON DELETE CASCADE,
    matched_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, record_id)
);
CREATE INDEX matches_record ON matches (record_id);

-- The last state announced per account (IdentityMatched / IdentityUnmatched).
CREATE TABLE match_states (
    account_id uuid PRIMARY KEY,
    status text NOT NULL,
    reason text,
    record_id uuid,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE imports (
    import_id uuid PRIMARY KEY,
    submitted_by uuid NOT NULL,
    -- the registrar's institution; NULL for an admin (any institution)
    institution_code text,
    format text NOT NULL,
    path text NOT NULL,
    status text NOT NULL,
    bytes bigint NOT NULL DEFAULT 0,
    lines_done bigint NOT NULL DEFAULT 0,
    total bigint NOT NULL DEFAULT 0,
    accepted bigint NOT NULL DEFAULT 0,
    rejected bigint NOT NULL DEFAULT 0,
    created bigint NOT NULL DEFAULT 0,
    changed bigint NOT NULL DEFAULT 0,
    failure text,
    received_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);

CREATE TABLE import_errors (
    import_id uuid NOT NULL REFERENCES imports ON DELETE CASCADE,
    line bigint NOT NULL,
    field text NOT NULL,
    code text NOT NULL,
    PRIMARY KEY (import_id, line, field)
);
