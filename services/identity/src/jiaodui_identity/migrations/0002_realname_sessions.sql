-- Real-name registration. The plain ID number is never stored: identity keeps the keyed
-- hash (to enforce one account per ID and to answer recovery by name + ID) and a masked copy.
ALTER TABLE accounts
    ADD COLUMN name             text,
    ADD COLUMN nickname         text,
    ADD COLUMN gender           text,
    ADD COLUMN id_type          text,
    ADD COLUMN identity_hash    text,
    ADD COLUMN id_number_masked text,
    ADD COLUMN birth_date       date,
    ADD COLUMN province         text,
    ADD COLUMN city             text,
    ADD COLUMN phone            text,
    ADD COLUMN consent_at       timestamptz,
    ADD COLUMN locked_until     timestamptz;

CREATE UNIQUE INDEX accounts_identity ON accounts (identity_hash) WHERE identity_hash IS NOT NULL;
CREATE INDEX accounts_unverified_age ON accounts (created_at) WHERE status = 'registered';
