-- Campus systems' client credentials (DESIGN §8), learned from subscriptions'
-- ClientCredentialsChanged snapshots: the newest revision wins. Only a SHA-256 hash of the
-- secret is kept (and was ever sent); the secret itself was shown once, by subscriptions.
CREATE TABLE system_clients (
    client_id        text        PRIMARY KEY,
    subscriber_id    uuid        NOT NULL,
    institution_code text        NOT NULL,
    scopes           text[]      NOT NULL,
    secret_sha256    text        NOT NULL,
    enabled          boolean     NOT NULL,
    revision         bigint      NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
