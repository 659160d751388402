-- A batch is processed by the instance that received it; if that instance dies, the batch
-- stops advancing. Readers call it `interrupted` once it has been quiet for too long.
ALTER TABLE batches ADD COLUMN heartbeat_at timestamptz NOT NULL DEFAULT now();
