package io.hollerith.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of the {@code table_size_history} table, shared by both engines: the day is a {@code
 * DATE} on PostgreSQL and ISO text on SQLite, so only its binding differs. Stateless.
 */
final class TableSizeHistory {

  private TableSizeHistory() {}

  /**
   * Inserts or overwrites the day's row of every table: idempotent, so every node of a fleet may
   * run it.
   */
  static void save(Connection c, Dialect dialect, LocalDate day, List<TableSize> sizes)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO table_size_history"
                + " (table_name, day, total_size, data_size, row_estimate) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (table_name, day) DO UPDATE SET total_size = excluded.total_size,"
                + " data_size = excluded.data_size, row_estimate = excluded.row_estimate")) {
      for (TableSize t : sizes) {
        ps.setString(1, t.table());
        bindDay(ps, 2, dialect, day);
        ps.setLong(3, t.totalBytes());
        ps.setLong(4, t.dataBytes());
        ps.setLong(5, t.rowEstimate());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Every sample from {@code from} to {@code to}, both inclusive, by day then table. */
  static List<TableSizeSample> read(Connection c, Dialect dialect, LocalDate from, LocalDate to)
      throws SQLException {
    List<TableSizeSample> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT day, table_name, total_size, data_size, row_estimate"
                + " FROM table_size_history WHERE day >= ? AND day <= ? ORDER BY day, table_name")) {
      bindDay(ps, 1, dialect, from);
      bindDay(ps, 2, dialect, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          TableSize size =
              new TableSize(rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
          out.add(new TableSizeSample(LocalDate.parse(rs.getString(1)), size));
        }
      }
    }
    return out;
  }

  /** Deletes the samples of days before {@code day}; returns how many. */
  static int deleteBefore(Connection c, Dialect dialect, LocalDate day) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM table_size_history WHERE day < ?")) {
      bindDay(ps, 1, dialect, day);
      return ps.executeUpdate();
    }
  }

  private static void bindDay(PreparedStatement ps, int index, Dialect dialect, LocalDate day)
      throws SQLException {
    if (dialect == Dialect.POSTGRESQL) {
      ps.setObject(index, day, Types.DATE);
    } else {
      ps.setString(index, day.toString());
    }
  }
}
