-- Durable copies of what Redis holds for security (jiaodui_runtime.auth and .ratelimit): a
-- Redis that lost its data is refilled from here. Empty in a service that does not opt in.
CREATE TABLE IF NOT EXISTS auth_revocations (
    key        text        PRIMARY KEY,  -- the Redis key: auth:revoked:<jti> | auth:revoked-before:<account>
    value      text        NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS auth_revocations_expires_at ON auth_revocations (expires_at);

CREATE TABLE IF NOT EXISTS rate_limit_counters (
    key        text        PRIMARY KEY,  -- the Redis key: rl:<namespace>:<window>:<subject hash>
    count      integer     NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS rate_limit_counters_expires_at ON rate_limit_counters (expires_at);
