-- The inbox is pruned of rows older than the topics' retention (runtime/inbox_pruning.py).
-- Rows arrive in processed_at order, so a BRIN index finds the old ones for a few pages of
-- index and costs the consumer's inserts next to nothing (a b-tree would add an index entry
-- to every event applied).
CREATE INDEX IF NOT EXISTS inbox_processed_at ON inbox USING brin (processed_at);
