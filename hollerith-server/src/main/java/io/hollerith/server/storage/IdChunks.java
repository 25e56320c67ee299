package io.hollerith.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * An {@code UPDATE} that sets the same values on many rows chosen by id, run as one statement per
 * chunk of ids (an {@code IN} list) rather than one per row: a flush that marks 100,000 series
 * sends 200 statements, not 100,000 (each a round of parsing, planning and executing on
 * PostgreSQL). Stateless.
 */
final class IdChunks {

  /** Ids per statement. */
  static final int SIZE = 500;

  private IdChunks() {}

  /**
   * Runs {@code sqlUpToIn} followed by {@code (?, ?, …)} once per chunk of {@code ids[0..n)},
   * binding {@code values} to the parameters before the list.
   */
  static void update(Connection c, String sqlUpToIn, long[] values, long[] ids, int n)
      throws SQLException {
    int fullChunks = n / SIZE;
    if (fullChunks > 0) {
      try (PreparedStatement ps = c.prepareStatement(sqlUpToIn + PointRows.placeholders(SIZE))) {
        for (int chunk = 0; chunk < fullChunks; chunk++) {
          run(ps, values, ids, chunk * SIZE, SIZE);
        }
      }
    }
    int rest = n - fullChunks * SIZE;
    if (rest > 0) {
      try (PreparedStatement ps = c.prepareStatement(sqlUpToIn + PointRows.placeholders(rest))) {
        run(ps, values, ids, fullChunks * SIZE, rest);
      }
    }
  }

  private static void run(PreparedStatement ps, long[] values, long[] ids, int from, int size)
      throws SQLException {
    for (int i = 0; i < values.length; i++) {
      ps.setLong(1 + i, values[i]);
    }
    for (int i = 0; i < size; i++) {
      ps.setLong(1 + values.length + i, ids[from + i]);
    }
    ps.executeUpdate();
  }
}
