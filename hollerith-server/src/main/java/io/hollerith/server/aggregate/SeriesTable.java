package io.hollerith.server.aggregate;

import io.hollerith.server.model.MetricKey;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The series of one metric type (Etsy keeps one namespace per type), keyed by the series itself.
 *
 * <p>Thread-safe: a {@link ConcurrentHashMap} so lookups of existing series take no lock at all and
 * creations contend only on one hash bin; the iteration used by flush is weakly consistent, and the
 * per-series lock protocol in {@link Series} makes that safe.
 */
final class SeriesTable<S extends Series> {

  private final ConcurrentHashMap<Object, S> map = new ConcurrentHashMap<>();
  private final BiFunction<MetricKey, Integer, S> factory;

  SeriesTable(BiFunction<MetricKey, Integer, S> factory) {
    this.factory = factory;
  }

  /** The existing series for the probe's bytes, or null. Allocation-free. */
  S get(KeyProbe probe) {
    return map.get(probe);
  }

  S get(MetricKey key) {
    return map.get(factory.apply(key, Series.hashOf(key)));
  }

  S newSeries(MetricKey key, int hash) {
    return factory.apply(key, hash);
  }

  /** Inserts {@code s} unless a series with its key exists; returns the existing one or null. */
  S putIfAbsent(S s) {
    return map.putIfAbsent(s, s);
  }

  /** Removes {@code s} itself (not another series with its key); true if it was in the table. */
  boolean remove(Series s) {
    return map.remove(s, s);
  }

  Iterable<S> values() {
    return map.values();
  }

  int size() {
    return map.size();
  }
}
