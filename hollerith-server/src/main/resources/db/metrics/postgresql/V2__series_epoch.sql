-- Series expiry epoch: bumped (first statement) in the transaction that deletes series which outlived
-- every retention level. Each write transaction reads it FOR SHARE first, so the delete waits for
-- writes in flight and writes wait for the delete; a changed epoch makes the writer (on any node) drop
-- its cached series ids and re-resolve them by key, so a deleted id is never written to.
CREATE TABLE series_epoch (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  epoch BIGINT NOT NULL
);
INSERT INTO series_epoch (id, epoch) VALUES (1, 0);
