-- A real-name form refused with id_number_taken, kept so that a dispute resolved in the
-- claimant's favour can bind the identity without asking again.
CREATE TABLE pending_realnames (
    account_id       uuid        PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    name             text        NOT NULL,
    gender           text        NOT NULL,
    id_type          text        NOT NULL,
    identity_hash    text        NOT NULL,
    id_number_masked text        NOT NULL,
    birth_date       date        NOT NULL,
    province         text        NOT NULL,
    city             text        NOT NULL,
    nickname         text,
    phone            text,
    created_at       timestamptz NOT NULL DEFAULT now()
);
