package io.hollerith.server.storage;

import java.sql.SQLException;

/**
 * The store could not do what was asked: the database is unreachable, full, locked, or its schema
 * is not one this version understands. Unchecked, because {@link SeriesReader} callers (the query
 * layer) turn it into an HTTP error rather than handle each cause; the message names the engine and
 * the operation and never contains a password.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public StoreException(String message, Throwable cause) {
    this(message, cause, true);
  }

  /**
   * @param retryable false when retrying cannot help (the data itself was refused: a constraint or
   *     data error), true for unavailability (connection lost, disk full, database locked)
   */
  public StoreException(String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  public StoreException(String message) {
    this(message, null, true);
  }

  /**
   * Whether the same operation may succeed later; {@link StoreSink} retries these and drops the
   * others.
   */
  public boolean retryable() {
    return retryable;
  }

  /**
   * Classifies a JDBC failure: PostgreSQL SQL states of class 21 (cardinality), 22 (data
   * exception), 23 (integrity constraint) and 42 (syntax or access rule), and SQLite's constraint,
   * mismatch and too-big errors, are not retryable; everything else (connection, resources, locks,
   * I/O) is.
   */
  static boolean isRetryable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if (state != null
            && (state.startsWith("21")
                || state.startsWith("22")
                || state.startsWith("23")
                || state.startsWith("42"))) {
          return false;
        }
        if (t.getClass().getName().startsWith("org.sqlite")) {
          int code = sql.getErrorCode() & 0xff;
          if (code == 19 || code == 20 || code == 18) {
            return false;
          }
        }
      }
    }
    return true;
  }
}
