-- One sample per table and UTC day of each metric table's size, for table-growth statistics.
-- A re-run on the same day overwrites that day's row; rows older than the retention are deleted.
-- day is an ISO date (YYYY-MM-DD), so text order is date order.
CREATE TABLE table_size_history (
  table_name   TEXT    NOT NULL,
  day          TEXT    NOT NULL,
  total_size   INTEGER NOT NULL,
  data_size    INTEGER NOT NULL,
  row_estimate INTEGER,
  PRIMARY KEY (table_name, day)
) WITHOUT ROWID;
CREATE INDEX table_size_history_day ON table_size_history (day);
