-- A resident ID's checks without reading its first 17 digits as a number once for each of
-- them (records_check_char's argument, inlined, was parsed 17 times a line) or a regular
-- expression for its shape: 8.7 -> ~5 us a line of an import (docs/notes/issue-16-session9.md).
-- Same answers as 0003's functions (the property test of the set-based checks holds them
-- to Python's parse_resident_id).

-- ISO 7064 MOD 11-2 check character of the first 17 characters, ASCII digits: the weighted
-- sum of their codes less 48 times the sum of the weights (100)
CREATE FUNCTION records_check_char_of(n text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT substr('10X98765432', ((
        ascii(substr(n, 1, 1)) * 7 + ascii(substr(n, 2, 1)) * 9 + ascii(substr(n, 3, 1)) * 10
        + ascii(substr(n, 4, 1)) * 5 + ascii(substr(n, 5, 1)) * 8 + ascii(substr(n, 6, 1)) * 4
        + ascii(substr(n, 7, 1)) * 2 + ascii(substr(n, 8, 1)) * 1 + ascii(substr(n, 9, 1)) * 6
        + ascii(substr(n, 10, 1)) * 3 + ascii(substr(n, 11, 1)) * 7 + ascii(substr(n, 12, 1)) * 9
        + ascii(substr(n, 13, 1)) * 10 + ascii(substr(n, 14, 1)) * 5 + ascii(substr(n, 15, 1)) * 8
        + ascii(substr(n, 16, 1)) * 4 + ascii(substr(n, 17, 1)) * 2
    ) - 4800) % 11 + 1, 1)
$$;

CREATE OR REPLACE FUNCTION records_resident_birth(n text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN length(n) = 18 AND substr(n, 1, 1) IN ('1', '2', '3', '4', '5', '6', '8')
                     AND ltrim(substr(n, 2, 16), '0123456789') = '' THEN
        CASE WHEN records_check_char_of(n) = substr(n, 18, 1)
                  AND substr(n, 7, 4)::int >= 1900
        THEN records_make_day(substr(n, 7, 4)::bigint, substr(n, 11, 2)::bigint,
                              substr(n, 13, 2)::bigint) END
    END
$$;
