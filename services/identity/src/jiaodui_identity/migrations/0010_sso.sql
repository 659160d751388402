-- Campus single sign-on (DESIGN §8). Numbered 0010 to leave 0006-0009 to work in flight.
--
-- An institution's identity provider, configured by an admin (OIDC and/or CAS 3.0). The
-- OIDC client secret sits beside identity's own signing keys, in the same database.
CREATE TABLE sso_institutions (
    institution_code text        PRIMARY KEY,
    name             text        NOT NULL,
    oidc             jsonb,       -- {issuer, client_id, client_secret, scopes, number_claim, email_claim}
    cas              jsonb,       -- {server_url, number_attribute, email_attribute, validate_path}
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       uuid
);

-- Which account a campus number opens: written at a student's first campus login, or by an
-- admin for a staff account. One account per number and one number per account and
-- institution.
CREATE TABLE sso_links (
    institution_code text        NOT NULL,
    number           text        NOT NULL,
    account_id       uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind             text        NOT NULL,  -- student | staff
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_login_at    timestamptz,
    PRIMARY KEY (institution_code, number)
);
CREATE UNIQUE INDEX sso_links_account ON sso_links (account_id, institution_code);

-- identity's replica of the roster from records' public events (RecordImported,
-- RecordCorrected): enough to know whether a campus number is a student of the registry and
-- which identity (keyed hash, never the plain ID) the registry gives that student.
CREATE TABLE sso_roster (
    record_id        uuid        PRIMARY KEY,
    institution_code text        NOT NULL,
    student_number   text        NOT NULL,
    identity_hash    text        NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sso_roster_number ON sso_roster (institution_code, student_number);
