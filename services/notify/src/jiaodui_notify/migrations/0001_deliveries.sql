-- One row per (cause event, channel, recipient): the idempotency key of a send.
CREATE TABLE deliveries (
    id             uuid        PRIMARY KEY,
    cause_event_id uuid        NOT NULL,
    channel        text        NOT NULL,          -- email | sms
    recipient_key  text        NOT NULL,          -- normalised address, for caps and lookups
    recipient_masked text      NOT NULL,
    account_id     uuid,
    template       text        NOT NULL,
    subject        text,
    body_preview   text,                          -- without links that carry tokens
    status         text        NOT NULL,          -- sent | failed
    error          text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    sent_at        timestamptz,
    UNIQUE (cause_event_id, channel, recipient_key)
);
CREATE INDEX deliveries_account ON deliveries (account_id, created_at DESC);
CREATE INDEX deliveries_status ON deliveries (status, created_at DESC);
