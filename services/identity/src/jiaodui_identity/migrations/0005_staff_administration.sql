-- Staff administration: an admin disables (and enables again) staff accounts; the list of
-- staff shows when each last logged in. Students are never listed here, so the list reads
-- a partial index instead of every account.
ALTER TABLE accounts
    ADD COLUMN disabled_at   timestamptz,
    ADD COLUMN disabled_by   uuid,
    ADD COLUMN last_login_at timestamptz;

CREATE INDEX accounts_staff ON accounts (created_at DESC, id) WHERE role <> 'student';
