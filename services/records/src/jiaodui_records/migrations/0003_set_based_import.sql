-- Imports validated set-based in SQL (issue 16): the rules of domain/rows.py as SQL
-- functions (the ID check digit, dates, masking), pgcrypto's hmac() for the keyed
-- identity hash, and where a resumed import starts reading its file again.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

ALTER TABLE imports
    -- the byte offset and line number a resumed import reads from (0: the file's start,
    -- header included); rows up to lines_done are skipped if the file is read row by row
    ADD COLUMN resume_offset bigint NOT NULL DEFAULT 0,
    ADD COLUMN resume_line bigint NOT NULL DEFAULT 0;

-- date(y, m, d) of Python, or NULL where Python raises ValueError
CREATE FUNCTION records_make_day(y bigint, m bigint, d bigint) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN y BETWEEN 1 AND 9999 AND m BETWEEN 1 AND 12 AND d >= 1 AND d <=
        CASE WHEN m = 2 THEN CASE WHEN (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0
                                  THEN 29 ELSE 28 END
             WHEN m IN (4, 6, 9, 11) THEN 30 ELSE 31 END
    THEN make_date(y::int, m::int, d::int) END
$$;

-- rows.parse_day for the texts SQL decides (records_day_undecided is false): ISO dates,
-- 20030517, and three runs of at most 9 ASCII digits separated by - / or .
CREATE FUNCTION records_day(t text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN t IS NULL THEN NULL
        WHEN length(t) = 10 AND substr(t, 5, 1) = '-' THEN
            CASE WHEN t ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN records_make_day(
                substr(t, 1, 4)::bigint, substr(t, 6, 2)::bigint, substr(t, 9, 2)::bigint) END
        WHEN t ~ '^[0-9]{8}$' THEN records_make_day(
            substr(t, 1, 4)::bigint, substr(t, 5, 2)::bigint, substr(t, 7, 2)::bigint)
        WHEN t ~ '^[0-9]{1,9}[-/.][0-9]{1,9}[-/.][0-9]{1,9}$' THEN records_make_day(
            split_part(translate(t, '/.', '--'), '-', 1)::bigint,
            split_part(translate(t, '/.', '--'), '-', 2)::bigint,
            split_part(translate(t, '/.', '--'), '-', 3)::bigint)
    END
$$;

-- where parse_day's answer depends on Python's own parsers (fromisoformat's other forms,
-- non-ASCII digits, digit runs too long for SQL): Python decides the row
CREATE FUNCTION records_day_undecided(t text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT t IS NOT NULL AND (
        (length(t) = 10 AND substr(t, 5, 1) = '-' AND t !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$')
        OR t ~ '[^\u0001-\u007f]'
        OR (t ~ '^[0-9]+[-/.][0-9]+[-/.][0-9]+$'
            AND t !~ '^[0-9]{1,9}[-/.][0-9]{1,9}[-/.][0-9]{1,9}$'))
$$;

-- ISO 7064 MOD 11-2 check character of the first 17 digits (GB 11643)
CREATE FUNCTION records_check_char(n bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT substr('10X98765432', ((
        (n / 10000000000000000) % 10 * 7 + (n / 1000000000000000) % 10 * 9
        + (n / 100000000000000) % 10 * 10 + (n / 10000000000000) % 10 * 5
        + (n / 1000000000000) % 10 * 8 + (n / 100000000000) % 10 * 4
        + (n / 10000000000) % 10 * 2 + (n / 1000000000) % 10 * 1
        + (n / 100000000) % 10 * 6 + (n / 10000000) % 10 * 3
        + (n / 1000000) % 10 * 7 + (n / 100000) % 10 * 9 + (n / 10000) % 10 * 10
        + (n / 1000) % 10 * 5 + (n / 100) % 10 * 8 + (n / 10) % 10 * 4 + n % 10 * 2
    ) % 11)::int + 1, 1)
$$;

-- idcard.parse_resident_id for a normalised ASCII number: its birth date, or NULL when the
-- number is not a valid resident ID (shape, region, check character, date, year >= 1900)
CREATE FUNCTION records_resident_birth(n text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN length(n) = 18 AND n ~ '^[1-68][0-9]{16}' THEN
        CASE WHEN records_check_char(substr(n, 1, 17)::bigint) = substr(n, 18, 1)
                  AND substr(n, 7, 4)::int >= 1900
        THEN records_make_day(substr(n, 7, 4)::bigint, substr(n, 11, 2)::bigint,
                              substr(n, 13, 2)::bigint) END
    END
$$;

-- privacy.mask_id_number of a normalised number
CREATE FUNCTION records_mask_id(n text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN length(n) >= 15 THEN left(n, 6) || repeat('*', length(n) - 10) || right(n, 4)
                WHEN length(n) > 4 THEN left(n, 2) || repeat('*', length(n) - 4) || right(n, 2)
                ELSE repeat('*', length(n)) END
$$;
