-- Progress of a running import (how far into the file), every error counted (only the
-- first import_error_limit are kept), and the registrar's list of recent imports.
ALTER TABLE imports
    ADD COLUMN bytes_done bigint NOT NULL DEFAULT 0,
    ADD COLUMN errors_total bigint NOT NULL DEFAULT 0;
UPDATE imports SET bytes_done = bytes WHERE status = 'done';
UPDATE imports i SET errors_total = (SELECT count(*) FROM import_errors e
                                     WHERE e.import_id = i.import_id);
CREATE INDEX imports_recent ON imports (institution_code, received_at DESC);
