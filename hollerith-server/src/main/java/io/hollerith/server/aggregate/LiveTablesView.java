package io.hollerith.server.aggregate;

import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.model.Tag;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@link LiveView} of an {@link Aggregator}: copies of its live tables, with Etsy's rules for
 * which keys it still knows, and deletion by display key. Reads a counter's word, or takes another
 * series' lock briefly; thread-safe.
 */
final class LiveTablesView implements LiveView {

  private final Aggregator aggregator;
  private final SeriesTables live;
  private final AggregationConfig config;

  LiveTablesView(Aggregator aggregator, SeriesTables live, AggregationConfig config) {
    this.aggregator = aggregator;
    this.live = live;
    this.config = config;
  }

  @Override
  public Map<String, Double> etsyCounters() {
    return aggregator.etsyCountersOfOpenInterval();
  }

  @Override
  public Map<String, Double> counters() {
    Map<String, Double> out = new TreeMap<>();
    boolean del = config.deleteCounters();
    for (Series.Counter c : live.counters.values()) {
      long word = c.peek();
      if (shown(c, word, del)) {
        out.put(c.key.toString(), Series.Counter.sum(word));
      }
    }
    return out;
  }

  /**
   * Whether the live view shows a counter whose word is {@code word} (Etsy keeps a name until it is
   * deleted).
   */
  private static boolean shown(Series.Counter c, long word, boolean deleteCounters) {
    boolean touched = Series.Counter.touched(word);
    return word != Series.Counter.DELETED
        && (touched || c.known)
        && (!deleteCounters || touched || IntervalFlush.etsyKept(c.key));
  }

  /**
   * The shown counters, sorted by display key as {@link #counters()} orders them, one reference
   * each; every iteration reads the values afresh and passes over a counter no longer shown.
   */
  @Override
  public Iterable<Map.Entry<String, Double>> counterEntries() {
    boolean del = config.deleteCounters();
    List<Series.Counter> shown = new ArrayList<>();
    for (Series.Counter c : live.counters.values()) {
      if (shown(c, c.peek(), del)) {
        shown.add(c);
      }
    }
    shown.sort(
        (a, b) ->
            a.key.hasTags() || b.key.hasTags()
                ? a.key.toString().compareTo(b.key.toString())
                : a.key.name().compareTo(b.key.name()));
    return () ->
        new Iterator<>() {
          private int next;
          private Map.Entry<String, Double> ahead;

          @Override
          public boolean hasNext() {
            while (ahead == null && next < shown.size()) {
              Series.Counter c = shown.get(next++);
              long word = c.peek();
              if (shown(c, word, del)) {
                ahead = Map.entry(c.key.toString(), Series.Counter.sum(word));
              }
            }
            return ahead != null;
          }

          @Override
          public Map.Entry<String, Double> next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            Map.Entry<String, Double> e = ahead;
            ahead = null;
            return e;
          }
        };
  }

  @Override
  public Map<String, List<Double>> timers() {
    Map<String, List<Double>> out = new TreeMap<>();
    boolean del = config.deleteTimers();
    for (Series.Timer t : live.timers.values()) {
      synchronized (t) {
        if (!t.deleted && t.applied && (!del || t.touched)) {
          int n = t.values.size();
          List<Double> values = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            values.add(t.values.get(i));
          }
          out.put(t.key.toString(), values);
        }
      }
    }
    return out;
  }

  @Override
  public Map<String, Double> gauges() {
    Map<String, Double> out = new TreeMap<>();
    for (Series.Gauge g : live.gauges.values()) {
      long word = g.peek();
      if (Series.Gauge.holdsValue(word)) {
        out.put(g.key.toString(), Series.Gauge.valueOf(word));
      }
    }
    return out;
  }

  @Override
  public Map<String, Set<String>> sets() {
    Map<String, Set<String>> out = new TreeMap<>();
    boolean del = config.deleteSets();
    for (Series.SetSeries s : live.sets.values()) {
      synchronized (s) {
        if (!s.deleted && s.applied && (!del || s.touched)) {
          out.put(s.key.toString(), s.members == null ? Set.of() : s.members.toStrings());
        }
      }
    }
    return out;
  }

  @Override
  public boolean delete(MetricType type, String name) {
    SeriesTable<? extends Series> table = live.of(type);
    Series s = table.get(parseDisplayKey(name));
    if (s == null) {
      return false;
    }
    synchronized (s) {
      if (!s.markDeleted()) {
        return false;
      }
      aggregator.unlinkLocked(s);
    }
    return true;
  }

  /** Parses {@link MetricKey#toString()} ({@code name} or {@code name#k:v,bare}). */
  static MetricKey parseDisplayKey(String display) {
    int hash = display.indexOf('#');
    if (hash < 0) {
      return MetricKey.of(display);
    }
    List<Tag> tags = new ArrayList<>();
    for (String part : display.substring(hash + 1).split(",", -1)) {
      int colon = part.indexOf(':');
      tags.add(
          colon < 0
              ? new Tag(part, null)
              : new Tag(part.substring(0, colon), part.substring(colon + 1)));
    }
    return MetricKey.of(display.substring(0, hash), tags);
  }
}
