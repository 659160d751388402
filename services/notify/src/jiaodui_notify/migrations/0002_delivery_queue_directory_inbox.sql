-- Deliveries become a queue: a pending row is sent by the background sender (woken by
-- NOTIFY 'deliveries' at commit), retried with backoff on transient failures.
ALTER TABLE deliveries
    ADD COLUMN cause_type      text,
    ADD COLUMN locale          text        NOT NULL DEFAULT 'zh',
    ADD COLUMN attempts        integer     NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN sealed          bytea,      -- what to send, sealed (AES-GCM); wiped once final
    ADD COLUMN updated_at      timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN failed_at       timestamptz;
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_recipient ON deliveries (recipient_key, created_at DESC);

-- Where an account can be reached, learned from the private commands identity sends.
CREATE TABLE recipients (
    account_id uuid        PRIMARY KEY,
    email      text,
    phone      text,
    locale     text        NOT NULL DEFAULT 'zh',
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The student's in-app inbox: every message for an account, secrets redacted.
CREATE TABLE messages (
    id             uuid        PRIMARY KEY,
    account_id     uuid        NOT NULL,
    cause_event_id uuid        NOT NULL,
    template       text        NOT NULL,
    channel        text        NOT NULL,          -- email | sms | inbox (no address known)
    subject        text        NOT NULL,
    body           text        NOT NULL,          -- plain text, links with tokens redacted
    delivery_id    uuid,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (cause_event_id, account_id, template)
);
CREATE INDEX messages_account ON messages (account_id, created_at DESC);
