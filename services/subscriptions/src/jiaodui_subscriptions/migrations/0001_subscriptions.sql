-- Campus systems that receive the public events: by webhook, and through the feed.
CREATE TABLE subscribers (
    id               uuid        PRIMARY KEY,
    name             text        NOT NULL,
    owner_email      text        NOT NULL,
    url              text        NOT NULL,
    event_types      text[]      NOT NULL,
    institution_code text        NOT NULL,
    enabled          boolean     NOT NULL DEFAULT true,
    disabled_reason  text,                        -- gone | failing | by_staff
    failing_since    timestamptz,                 -- first failure since the last success
    client_id        text        NOT NULL UNIQUE,
    client_secret_sha256 text    NOT NULL,
    revision         bigint      NOT NULL DEFAULT 1,  -- of the client credentials snapshot
    created_by       text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at       timestamptz
);
CREATE INDEX subscribers_routing ON subscribers (institution_code) WHERE deleted_at IS NULL;

-- Webhook signing secrets, sealed (AES-GCM); the previous one signs until expires_at.
CREATE TABLE subscriber_secrets (
    id            bigserial   PRIMARY KEY,
    subscriber_id uuid        NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    sealed        bytea       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz                     -- NULL: the current secret
);
CREATE INDEX subscriber_secrets_of ON subscriber_secrets (subscriber_id, id DESC);

-- The public events received, in the order they were stored: the feed and replays read it.
-- xid: the storing transaction, so readers never pass an event still being committed.
CREATE TABLE events (
    position      bigserial   PRIMARY KEY,
    event_id      uuid        NOT NULL UNIQUE,
    type          text        NOT NULL,
    institutions  text[]      NOT NULL,
    body          bytea       NOT NULL,           -- the CloudEvent, structured JSON
    occurred_at   timestamptz NOT NULL,
    stored_at     timestamptz NOT NULL DEFAULT now(),
    xid           xid8        NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX events_stored ON events (stored_at);
CREATE INDEX events_institutions ON events USING gin (institutions);

-- Which institutions an account belongs to (from IdentityMatched): events about an account
-- that carry no institution (AccountNameChanged...) go to its institutions' subscribers.
CREATE TABLE account_records (
    account_id       uuid NOT NULL,
    record_id        uuid NOT NULL,
    institution_code text NOT NULL,
    PRIMARY KEY (account_id, record_id)
);
CREATE INDEX account_records_record ON account_records (record_id);

-- One delivery per (subscriber, event): the queue and the log. Resend and replay put the
-- same row back to pending, so the webhook-id stays the same.
CREATE TABLE deliveries (
    id               uuid        PRIMARY KEY,
    subscriber_id    uuid        NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    event_id         uuid        NOT NULL,
    event_type       text        NOT NULL,
    webhook_id       text        NOT NULL,
    body             bytea       NOT NULL,
    status           text        NOT NULL DEFAULT 'pending',  -- pending | delivered | failed
    attempts         integer     NOT NULL DEFAULT 0,      -- in all
    round_attempts   integer     NOT NULL DEFAULT 0,      -- since the last (re)send or replay
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_status_code integer,
    last_latency_ms  integer,
    last_error       text,
    response_excerpt text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    UNIQUE (subscriber_id, event_id)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_log ON deliveries (subscriber_id, created_at DESC, id DESC);

-- Every attempt, for the delivery log.
CREATE TABLE delivery_attempts (
    delivery_id   uuid        NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    attempt       integer     NOT NULL,
    at            timestamptz NOT NULL DEFAULT now(),
    status_code   integer,
    latency_ms    integer     NOT NULL,
    error         text,
    response_excerpt text,
    PRIMARY KEY (delivery_id, attempt)
);
