-- One sample per table and UTC day of each metric table's size, for table-growth statistics.
-- A re-run on the same day (by this or any node sharing the database) overwrites that day's row;
-- rows older than the retention are deleted.
CREATE TABLE table_size_history (
  table_name   TEXT   NOT NULL,
  day          DATE   NOT NULL,
  total_size   BIGINT NOT NULL,
  data_size    BIGINT NOT NULL,
  row_estimate BIGINT,
  PRIMARY KEY (table_name, day)
);
CREATE INDEX table_size_history_day ON table_size_history (day);
