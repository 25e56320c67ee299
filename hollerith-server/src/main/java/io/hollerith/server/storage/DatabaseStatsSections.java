package io.hollerith.server.storage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Helpers shared by both engines' database statistics: sections, ratios and the running-query list.
 */
final class DatabaseStatsSections {

  /** Most tables in {@code table_stats}, and most queries in {@code active_queries.queries}. */
  static final int TOP = 10;

  /** Characters of a query kept in {@code query_preview}. */
  static final int PREVIEW_CHARS = 100;

  private DatabaseStatsSections() {}

  /**
   * {@code 100 × part / whole} rounded to {@code digits} decimals, or null when {@code whole} is 0.
   */
  static Double percent(double part, double whole, int digits) {
    if (whole == 0) {
      return null;
    }
    double scale = Math.pow(10, digits);
    return Math.round(100.0 * part / whole * scale) / scale;
  }

  /** The ten largest tables: name, total, data and external (total − data) bytes. */
  static List<Map<String, Object>> tableStats(List<TableSize> sizes) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (TableSize t : sizes.subList(0, Math.min(TOP, sizes.size()))) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("table_name", t.table());
      m.put("total_size", t.totalBytes());
      m.put("data_size", t.dataBytes());
      m.put("external_size", t.totalBytes() - t.dataBytes());
      out.add(m);
    }
    return out;
  }

  /** Hollerith's own operations in flight, in the shape of {@code active_queries}. */
  static Map<String, Object> activeQueries(
      List<RunningOperations.Operation> running, long nowNanos) {
    List<Map<String, Object>> queries = new ArrayList<>();
    double longest = 0;
    for (RunningOperations.Operation op : running) {
      double seconds = Math.max(0, nowNanos - op.startedNanos()) / 1e9;
      longest = Math.max(longest, seconds);
      if (queries.size() < TOP) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("pid", op.thread());
        q.put("duration_seconds", seconds);
        q.put("state", "active");
        q.put("wait_event_type", null);
        q.put("query_preview", preview(op.what()));
        queries.add(q);
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", running.size());
    m.put("longest_duration_seconds", longest);
    m.put("waiting_on_locks", 0);
    m.put("queries", queries);
    return m;
  }

  static String preview(String query) {
    return query == null || query.length() <= PREVIEW_CHARS
        ? query
        : query.substring(0, PREVIEW_CHARS);
  }

  /** A map of the given key-value pairs in order (values may be null, unlike {@code Map.of}). */
  static Map<String, Object> section(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }
}
