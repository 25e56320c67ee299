-- Hollerith metric history, SQLite flavour. See io.hollerith.server.storage.package-info for the design.
-- Times are epoch milliseconds; res is the length of the stored interval in milliseconds.
-- Points tables are WITHOUT ROWID, clustered by (series_id, res, ts, node_id): one series' range at one
-- resolution is a contiguous B-tree range, and the key is stored once (no separate rowid + index).

CREATE TABLE nodes (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

CREATE TABLE series (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  canonical_key TEXT NOT NULL,
  type          TEXT NOT NULL,
  tags          TEXT NOT NULL,
  first_seen    INTEGER NOT NULL,
  last_seen     INTEGER NOT NULL,
  UNIQUE (canonical_key, type)
);

CREATE TABLE counter_points (
  series_id INTEGER NOT NULL,
  res       INTEGER NOT NULL,
  ts        INTEGER NOT NULL,
  node_id   INTEGER NOT NULL,
  count     REAL NOT NULL,
  PRIMARY KEY (series_id, res, ts, node_id)
) WITHOUT ROWID;

CREATE TABLE gauge_points (
  series_id INTEGER NOT NULL,
  res       INTEGER NOT NULL,
  ts        INTEGER NOT NULL,
  node_id   INTEGER NOT NULL,
  last      REAL,
  min       REAL,
  max       REAL,
  updated   INTEGER NOT NULL,
  PRIMARY KEY (series_id, res, ts, node_id)
) WITHOUT ROWID;

CREATE TABLE timer_points (
  series_id    INTEGER NOT NULL,
  res          INTEGER NOT NULL,
  ts           INTEGER NOT NULL,
  node_id      INTEGER NOT NULL,
  count        REAL NOT NULL,
  sample_count INTEGER NOT NULL,
  sum          REAL,
  sum_squares  REAL,
  min          REAL,
  max          REAL,
  sketch       BLOB NOT NULL,
  PRIMARY KEY (series_id, res, ts, node_id)
) WITHOUT ROWID;

CREATE TABLE set_points (
  series_id    INTEGER NOT NULL,
  res          INTEGER NOT NULL,
  ts           INTEGER NOT NULL,
  node_id      INTEGER NOT NULL,
  unique_count INTEGER NOT NULL,
  sketch       BLOB NOT NULL,
  PRIMARY KEY (series_id, res, ts, node_id)
) WITHOUT ROWID;

-- Running counter totals (what Prometheus scrapes as _total) and last gauge values, per node.
CREATE TABLE counter_totals (
  series_id INTEGER NOT NULL,
  node_id   INTEGER NOT NULL,
  total     REAL NOT NULL,
  updated   INTEGER NOT NULL,
  PRIMARY KEY (series_id, node_id)
) WITHOUT ROWID;

CREATE TABLE gauge_values (
  series_id INTEGER NOT NULL,
  node_id   INTEGER NOT NULL,
  value     REAL,
  updated   INTEGER NOT NULL,
  PRIMARY KEY (series_id, node_id)
) WITHOUT ROWID;

-- One row per applied snapshot: makes a retried write idempotent; pruned after a day.
CREATE TABLE write_log (
  node_id        INTEGER NOT NULL,
  write_id       INTEGER NOT NULL,
  interval_start INTEGER NOT NULL,
  written_at     INTEGER NOT NULL,
  points         INTEGER NOT NULL,
  PRIMARY KEY (node_id, write_id)
) WITHOUT ROWID;

-- Rollup progress: every bucket of resolution res that starts before done_until has been rolled up;
-- rolling_until (>= done_until) is set before a range is read, so writers landing in it mark it dirty.
CREATE TABLE rollup_state (
  res        INTEGER PRIMARY KEY,
  done_until INTEGER NOT NULL,
  rolling_until INTEGER NOT NULL
);

-- Buckets of resolution res (below done_until) whose sources changed after they were rolled up.
CREATE TABLE rollup_dirty (
  res INTEGER NOT NULL,
  ts  INTEGER NOT NULL,
  PRIMARY KEY (res, ts)
) WITHOUT ROWID;
