package io.hollerith.server.storage;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.snapshot.FlushSnapshot;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a node reloads after a restart: its counter totals (Prometheus {@code _total}) and its
 * gauges' last values, plus the write log's check of whether a snapshot was written. Thread-safe.
 */
final class PersistedValues {

  private final JdbcMetricStore store;
  private final SeriesIds seriesIds;
  private final String upsertGaugeValue;

  PersistedValues(JdbcMetricStore store, SeriesIds seriesIds, String upsertGaugeValue) {
    this.store = store;
    this.seriesIds = seriesIds;
    this.upsertGaugeValue = upsertGaugeValue;
  }

  boolean isWritten(String nodeId, long writeId) {
    return store.inRead(
        "check write",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT 1 FROM write_log w JOIN nodes n ON n.id = w.node_id WHERE n.name = ? AND w.write_id = ?")) {
            ps.setString(1, nodeId);
            ps.setLong(2, writeId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  Map<MetricKey, Double> loadCounterTotals(String nodeId) {
    return store.inRead(
        "load persisted values",
        c -> {
          Map<MetricKey, Double> out = new HashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT s.canonical_key, t.total FROM counter_totals t"
                      + " JOIN series s ON s.id = t.series_id JOIN nodes n ON n.id = t.node_id WHERE n.name = ?")) {
            ps.setString(1, nodeId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.put(MetricKey.fromCanonical(rs.getString(1)), PointRows.getDouble(rs, 2));
              }
            }
          }
          return out;
        });
  }

  List<FlushSnapshot.GaugePoint> loadGaugeValues(String nodeId) {
    return store.inRead(
        "load gauge values",
        c -> {
          List<FlushSnapshot.GaugePoint> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT s.canonical_key, g.value, g.set_at FROM gauge_values g"
                      + " JOIN series s ON s.id = g.series_id JOIN nodes n ON n.id = g.node_id WHERE n.name = ?")) {
            ps.setString(1, nodeId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new FlushSnapshot.GaugePoint(
                        MetricKey.fromCanonical(rs.getString(1)),
                        PointRows.getDouble(rs, 2),
                        false,
                        rs.getLong(3)));
              }
            }
          }
          return out;
        });
  }

  void saveCounterTotals(String nodeId, Map<MetricKey, Double> totals, long atMillis) {
    saveValues(
        nodeId,
        totals,
        atMillis,
        MetricType.COUNTER,
        "INSERT INTO counter_totals (series_id, node_id, total, updated) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (series_id, node_id) DO UPDATE SET total = excluded.total, updated = excluded.updated");
  }

  void saveGaugeValues(String nodeId, Map<MetricKey, Double> values, long atMillis) {
    saveValues(nodeId, values, atMillis, MetricType.GAUGE, upsertGaugeValue);
  }

  private void saveValues(
      String nodeId, Map<MetricKey, Double> values, long at, MetricType type, String sql) {
    if (values.isEmpty()) {
      return;
    }
    List<MetricKey> keys = new ArrayList<>(values.keySet());
    WriteStaging staging = new WriteStaging();
    store.inWrite(
        "save " + type.label() + " values",
        c -> {
          seriesIds.cacheFor(c, staging);
          int node = seriesIds.nodeId(c, nodeId, staging);
          long[] ids = seriesIds.ids(c, staging, keys, type, at);
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < ids.length; i++) {
              ps.setLong(1, ids[i]);
              ps.setInt(2, node);
              ps.setDouble(3, values.get(keys.get(i)));
              ps.setLong(4, at);
              if (type == MetricType.GAUGE) {
                ps.setLong(5, at);
              }
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
    seriesIds.publish(staging);
  }
}
