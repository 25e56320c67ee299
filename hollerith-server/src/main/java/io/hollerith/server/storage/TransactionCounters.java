package io.hollerith.server.storage;

import java.sql.SQLException;
import java.util.concurrent.atomic.LongAdder;
import org.sqlite.SQLiteException;

/**
 * Hollerith's own counts of the store's write transactions since start: committed, rolled back, and
 * failed because the database stayed locked ({@code SQLITE_BUSY}, PostgreSQL lock or serialization
 * failures). Thread-safe: adders, because every write transaction bumps one.
 */
final class TransactionCounters {
  private final LongAdder commits = new LongAdder();
  private final LongAdder rollbacks = new LongAdder();
  private final LongAdder busy = new LongAdder();

  void committed() {
    commits.increment();
  }

  /**
   * A transaction that failed with {@code cause}: rolled back if it had begun, and counted as busy
   * when the cause is a lock the database could not grant in time.
   */
  void failed(Throwable cause, boolean begun) {
    if (begun) {
      rollbacks.increment();
    }
    if (isBusy(cause)) {
      busy.increment();
    }
  }

  long commits() {
    return commits.sum();
  }

  long rollbacks() {
    return rollbacks.sum();
  }

  long busy() {
    return busy.sum();
  }

  /** SQLite's BUSY/LOCKED, PostgreSQL's lock-not-available, deadlock and serialization failures. */
  static boolean isBusy(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException s) {
        int primary = s.getResultCode().code & 0xFF;
        if (primary == 5 || primary == 6) {
          return true;
        }
      }
      if (t instanceof SQLException s
          && s.getSQLState() != null
          && (s.getSQLState().equals("55P03")
              || s.getSQLState().equals("40P01")
              || s.getSQLState().equals("40001"))) {
        return true;
      }
    }
    return false;
  }
}
