CREATE TABLE accounts (
    id            uuid        PRIMARY KEY,
    email         text        NOT NULL,
    password_hash text        NOT NULL,
    role          text        NOT NULL DEFAULT 'student',
    status        text        NOT NULL,
    institution_code text,
    college       text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    activated_at  timestamptz
);
-- One account per address once verified; unverified duplicates are replaced on re-registration.
CREATE UNIQUE INDEX accounts_email ON accounts (email);

CREATE TABLE link_tokens (
    token_hash  text        PRIMARY KEY,
    account_id  uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose     text        NOT NULL,            -- activation | password_reset
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX link_tokens_account ON link_tokens (account_id, purpose);

CREATE TABLE signing_keys (
    kid         text        PRIMARY KEY,
    private_pem text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    retired_at  timestamptz
);
