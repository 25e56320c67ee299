-- Live spans: the flush intervals in which a node held a series live. The node flushed
-- the series every interval from since (inclusive) to until (exclusive; NULL while it is still live,
-- which means up to nodes.flushed_until). An interval inside a span in which the series received
-- nothing is not stored as a row: reads answer it as the type's idle value (a counter 0, an empty
-- timer, an empty set, the value the gauge held), so idle series cost no writes.
CREATE TABLE live_spans (
  series_id INTEGER NOT NULL,
  node_id   INTEGER NOT NULL,
  since     INTEGER NOT NULL,
  until     INTEGER,
  PRIMARY KEY (series_id, node_id, since)
) WITHOUT ROWID;
CREATE INDEX live_spans_open ON live_spans (node_id, series_id) WHERE until IS NULL;

-- End of the latest live (not backfilled) interval the node wrote; NULL before its first.
ALTER TABLE nodes ADD COLUMN flushed_until INTEGER;
