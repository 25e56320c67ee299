-- Series expiry epoch: bumped in the same transaction that deletes series which outlived every
-- retention level. Each write transaction reads it first; a changed epoch makes the writer drop its
-- cached series ids (and re-resolve them by key), so a deleted or reused id is never written to.
-- On SQLite every write transaction is BEGIN IMMEDIATE, so the read and the delete are serialised.
CREATE TABLE series_epoch (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  epoch INTEGER NOT NULL
);
INSERT INTO series_epoch (id, epoch) VALUES (1, 0);
