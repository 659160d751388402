-- The check queue lets batches take turns by each photo's place in its batch: a batch's
-- photos are found through this index when the queue is claimed.
CREATE INDEX photos_batch ON photos (batch_id, seq);
