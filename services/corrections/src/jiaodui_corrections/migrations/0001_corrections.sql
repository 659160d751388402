-- Local replica of the records corrections needs (from records.events), and who owns them.
CREATE TABLE records (
    record_id uuid PRIMARY KEY,
    institution_code text NOT NULL,
    branch text NOT NULL,
    cohort text,
    student_number text,
    fields jsonb NOT NULL DEFAULT '{}'::jsonb,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE record_owners (
    record_id uuid NOT NULL,
    account_id uuid NOT NULL,
    matched_at timestamptz NOT NULL,
    PRIMARY KEY (record_id, account_id)
);
CREATE INDEX record_owners_account ON record_owners (account_id);

-- The confirm deadline per cohort (photos owns windows; see README of the service).
CREATE TABLE windows (
    institution_code text NOT NULL,
    cohort text NOT NULL,
    confirm_until timestamptz NOT NULL,
    recheck_from timestamptz,
    recheck_until timestamptz,
    set_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (institution_code, cohort)
);

CREATE TABLE errata (
    erratum_id uuid PRIMARY KEY,
    record_id uuid NOT NULL,
    institution_code text NOT NULL,
    branch text NOT NULL,
    cohort text,
    account_id uuid,
    filed_by uuid NOT NULL,
    filed_by_role text NOT NULL,
    items jsonb NOT NULL,
    note text,
    status text NOT NULL CHECK (status IN ('filed', 'approved', 'rejected', 'applied')),
    pending_parts text[] NOT NULL DEFAULT '{}',
    reason text,
    decided_by uuid,
    decided_at timestamptz,
    applied_at timestamptz,
    filed_at timestamptz NOT NULL DEFAULT now()
);
-- at most one open erratum per record
CREATE UNIQUE INDEX errata_one_open ON errata (record_id) WHERE status IN ('filed', 'approved');
CREATE INDEX errata_queue ON errata (institution_code, branch, status, filed_at);
CREATE INDEX errata_account ON errata (account_id, filed_at);

CREATE TABLE identity_cases (
    case_id uuid PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('correction', 'dispute')),
    account_id uuid NOT NULL,
    status text NOT NULL CHECK (status IN ('open', 'approved', 'rejected')),
    id_type text NOT NULL,
    identity_hash text NOT NULL,
    id_number_masked text NOT NULL,
    contact_phone text NOT NULL,  -- personal data: never logged, never published
    reply_email text,
    scan_key text,
    scan_deleted_at timestamptz,
    reason text,
    decided_by uuid,
    opened_at timestamptz NOT NULL DEFAULT now(),
    closed_at timestamptz
);
CREATE UNIQUE INDEX identity_cases_one_open ON identity_cases (account_id, kind)
    WHERE status = 'open';
CREATE INDEX identity_cases_queue ON identity_cases (kind, status, opened_at);
CREATE INDEX identity_cases_purge ON identity_cases (closed_at)
    WHERE scan_key IS NOT NULL;

-- Every read of a scan: who, when.
CREATE TABLE scan_reads (
    id bigserial PRIMARY KEY,
    case_id uuid NOT NULL REFERENCES identity_cases (case_id),
    reader_id uuid NOT NULL,
    reader_role text NOT NULL,
    read_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX scan_reads_case ON scan_reads (case_id, read_at);

-- The full history of every case (errata and identity cases): who, when, what.
CREATE TABLE case_history (
    id bigserial PRIMARY KEY,
    case_id uuid NOT NULL,
    action text NOT NULL,
    actor_id uuid,
    actor_role text NOT NULL,
    detail jsonb NOT NULL DEFAULT '{}'::jsonb,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_history_case ON case_history (case_id, id);
