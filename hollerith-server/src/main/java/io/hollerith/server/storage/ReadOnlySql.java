package io.hollerith.server.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Opens connections for ad-hoc SQL that can read the metric data and nothing else: no credential
 * store, no files, no extensions, no writes. Obtain one from {@link MetricStore#readOnlySql}.
 * Thread-safe.
 */
public interface ReadOnlySql {

  /**
   * A fresh connection for one query, auto-commit off, read-only, on which a statement running
   * longer than {@code timeout} is cancelled by the database itself. Close it after the query: any
   * setting the query changes dies with it.
   *
   * @param maxValueBytes the result cap: the largest value (SQLite) or twice it the largest fetched
   *     batch of rows (PostgreSQL) the connection may hold
   * @throws SQLException if the database refuses the connection
   * @throws StoreException if the configured read-only access is unsafe or missing (the message
   *     says why)
   */
  Connection open(Duration timeout, int maxValueBytes) throws SQLException;

  /**
   * Refuses a statement this engine's driver would run outside SQL (SQLite's {@code backup to} and
   * {@code restore from} commands read and write files).
   *
   * @return the reason, or null when the statement may go to the database
   */
  String refusal(String sql);

  /** True when {@code e} is the database cancelling a statement that ran past its timeout. */
  boolean isTimeout(SQLException e);
}
