-- A new key is published in the JWKS before it signs anything, so that every service's
-- cached key set knows it by the time its first token arrives.
ALTER TABLE signing_keys ADD COLUMN activates_at timestamptz NOT NULL DEFAULT now();
