package io.hollerith.server.aggregate;

import io.hollerith.server.model.MetricType;
import io.hollerith.server.protocol.Sample;
import java.util.Arrays;

/**
 * One writer's direct-mapped cache of live series: the series a sample's type and canonical key
 * bytes last resolved to, so the steady-state lookup is one array slot, one hash compare and one
 * vectorised byte compare instead of a {@link SeriesTable} probe that re-encodes the series' key
 * string. The cache keeps its own copy of each key's bytes, so series pay no memory for it.
 *
 * <p>A hit is only a hint: the series may be {@link Series#deleted} a moment later, which the
 * writer detects under the series' lock as before, and a deleted series is never returned. Two keys
 * sharing a slot replace each other; a miss falls back to the table. The cache starts small (a
 * writer made for one HTTP request stays cheap) and doubles while it fills or while keys keep
 * evicting each other, up to a fixed number of slots, so its memory is bounded whatever the key
 * cardinality.
 *
 * <p>Not thread-safe: each writer owns one.
 */
final class SeriesCache {

  private static final int INITIAL_SLOTS = 16;
  private static final int MIN_KEY_CAPACITY = 32;

  private final int maxSlots;
  private Series[] series = new Series[INITIAL_SLOTS];
  private MetricType[] types = new MetricType[INITIAL_SLOTS];
  private byte[][] keys = new byte[INITIAL_SLOTS][];
  private int[] lengths = new int[INITIAL_SLOTS];
  private int filled;
  /** Occupied slots overwritten since the last growth. */
  private int evictions;

  /** @param maxSlots the most slots the cache grows to; a power of two */
  SeriesCache(int maxSlots) {
    if (Integer.bitCount(maxSlots) != 1 || maxSlots < INITIAL_SLOTS) {
      throw new IllegalArgumentException("maxSlots must be a power of two >= " + INITIAL_SLOTS + ", got " + maxSlots);
    }
    this.maxSlots = maxSlots;
  }

  /** The cached, not deleted series of the sample's type and key, or null. Allocation-free. */
  Series get(Sample sample) {
    int hash = sample.keyHash();
    MetricType type = sample.type();
    int i = slot(hash, type, series.length);
    Series s = series[i];
    if (s == null || s.hash != hash || types[i] != type || s.deleted) {
      return null;
    }
    int length = sample.keyLength();
    return lengths[i] == length && Arrays.equals(keys[i], 0, length, sample.keyBytes(), 0, length) ? s : null;
  }

  /** Remembers that the sample's type and key resolve to {@code s}, replacing whatever shared the slot. */
  void put(Sample sample, Series s) {
    // Grow when three quarters of the slots are in use, or when keys keep evicting each other.
    if ((filled >= series.length - (series.length >> 2) || evictions >= series.length) && series.length < maxSlots) {
      grow();
    }
    store(sample.type(), sample.keyBytes(), sample.keyLength(), s);
  }

  private void store(MetricType type, byte[] key, int length, Series s) {
    int i = slot(s.hash, type, series.length);
    if (series[i] == null) {
      filled++;
    } else {
      evictions++;
    }
    byte[] copy = keys[i];
    if (copy == null || copy.length < length) {
      copy = new byte[Math.max(length, MIN_KEY_CAPACITY)];
      keys[i] = copy;
    }
    System.arraycopy(key, 0, copy, 0, length);
    lengths[i] = length;
    types[i] = type;
    series[i] = s;
  }

  private void grow() {
    Series[] oldSeries = series;
    MetricType[] oldTypes = types;
    byte[][] oldKeys = keys;
    int[] oldLengths = lengths;
    int n = oldSeries.length * 2;
    series = new Series[n];
    types = new MetricType[n];
    keys = new byte[n][];
    lengths = new int[n];
    filled = 0;
    evictions = 0;
    // Doubling splits every slot in two, so entries move without colliding and keep their key arrays.
    for (int i = 0; i < oldSeries.length; i++) {
      Series s = oldSeries[i];
      if (s != null && !s.deleted) {
        int j = slot(s.hash, oldTypes[i], n);
        series[j] = s;
        types[j] = oldTypes[i];
        keys[j] = oldKeys[i];
        lengths[j] = oldLengths[i];
        filled++;
      }
    }
  }

  /** Slots in use (for tests). */
  int filled() {
    return filled;
  }

  /** Current number of slots (for tests). */
  int slots() {
    return series.length;
  }

  private static int slot(int hash, MetricType type, int slots) {
    return (hash ^ type.ordinal()) & (slots - 1);
  }
}
