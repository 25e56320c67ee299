package io.hollerith.server.storage;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The read side of the JDBC store ({@link SeriesReader}): series lists, and the one-transaction
 * view of a key ({@link JdbcStoredSeries}) behind every point and bucket read. Reads look series up
 * by key, never through the write side's id cache: another node may have expired and recreated a
 * series. Thread-safe.
 */
final class SeriesReads {

  private final JdbcMetricStore store;

  SeriesReads(JdbcMetricStore store) {
    this.store = store;
  }

  /**
   * A checked SQL failure carried out of a {@link StoredSeries} method, unwrapped by {@link
   * #readSeries}.
   */
  static final class SqlFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SqlFailure(SQLException cause) {
      super(cause);
    }

    SQLException sql() {
      return (SQLException) getCause();
    }
  }

  <T> T readSeries(MetricKey key, Function<StoredSeries, T> work) {
    // The caller's own exceptions (a 404, a 400) pass through unchanged, not as a failed read.
    RuntimeException[] callerFailure = {null};
    T result =
        store.inRead(
            "read series",
            c -> {
              JdbcStoredSeries series = new JdbcStoredSeries(store, c, key);
              try {
                return work.apply(series);
              } catch (SqlFailure e) {
                throw e.sql();
              } catch (StoreException e) {
                throw e;
              } catch (RuntimeException e) {
                callerFailure[0] = e;
                return null;
              }
            });
    if (callerFailure[0] != null) {
      throw callerFailure[0];
    }
    return result;
  }

  List<SeriesInfo> listSeries(
      String namePrefix, MetricType type, String afterCanonicalKey, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    String prefix = namePrefix == null ? "" : namePrefix;
    StringBuilder sql =
        new StringBuilder(
            "SELECT canonical_key, type, first_seen, last_sample FROM series WHERE 1 = 1");
    List<Object> params = new ArrayList<>();
    if (!prefix.isEmpty()) {
      sql.append(" AND canonical_key >= ? AND canonical_key < ?");
      params.add(prefix);
      params.add(prefix + Character.toString(Character.MAX_CODE_POINT));
    }
    if (afterCanonicalKey != null) {
      sql.append(" AND canonical_key > ?");
      params.add(afterCanonicalKey);
    }
    if (type != null) {
      sql.append(" AND type = ?");
      params.add(type.label());
    }
    // Extra rows (a key has at most four types) to see whether the page would split a key.
    sql.append(" ORDER BY canonical_key, type LIMIT ?");
    params.add(limit + 4);
    return store.inRead(
        "list series",
        c -> {
          List<SeriesInfo> rows = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
              ps.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.add(
                    new SeriesInfo(
                        MetricKey.fromCanonical(rs.getString(1)),
                        PointRows.typeOf(rs.getString(2)),
                        rs.getLong(3),
                        rs.getLong(4)));
              }
            }
          }
          return pageWithoutSplitKey(rows, limit);
        });
  }

  /**
   * The cursor is the key alone, so a page must not end between two types of one key: end it before
   * that key instead (or, if the key fills the whole page, after all its types).
   */
  private static List<SeriesInfo> pageWithoutSplitKey(List<SeriesInfo> rows, int limit) {
    if (rows.size() <= limit) {
      return rows;
    }
    String boundary = rows.get(limit - 1).key().canonical();
    if (!rows.get(limit).key().canonical().equals(boundary)) {
      return List.copyOf(rows.subList(0, limit));
    }
    int start = limit - 1;
    while (start > 0 && rows.get(start - 1).key().canonical().equals(boundary)) {
      start--;
    }
    if (start > 0) {
      return List.copyOf(rows.subList(0, start));
    }
    int end = limit;
    while (end < rows.size() && rows.get(end).key().canonical().equals(boundary)) {
      end++;
    }
    return List.copyOf(rows.subList(0, end));
  }
}
