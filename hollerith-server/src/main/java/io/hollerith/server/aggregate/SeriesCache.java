package io.hollerith.server.aggregate;

import io.hollerith.server.model.MetricType;
import io.hollerith.server.protocol.Sample;
import java.util.Arrays;

/**
 * One writer's cache of live series: the series a sample's type and canonical key bytes last
 * resolved to, so the steady-state lookup is one or two array slots, one hash compare and one
 * vectorised byte compare instead of a {@link SeriesTable} probe that re-encodes the series' key
 * string. The cache keeps its own copy of each key's bytes, so series pay no memory for it.
 *
 * <p>An open-addressing table with linear probing, looked up at most {@value #MAX_PROBES} slots
 * from a key's home slot. It grows (doubling) while it is a quarter full (linear probing keeps
 * chains short at that load) or while keys keep evicting each other, up to a fixed number of
 * slots, so its memory is bounded whatever the key cardinality; at that size a key that finds no
 * free slot near its home replaces the entry there. Slots are never emptied, so every stored key
 * stays reachable until replaced. (A direct-mapped cache kept missing about a fifth of 1,000 keys
 * in 4,096 slots, two keys sharing a slot evicting each other, and each of those lines took the
 * slow table path.)
 *
 * <p>A hit is only a hint: the series may be {@link Series#deleted} a moment later, which the
 * writer's update detects, and a deleted series is never returned; the next {@link #put} of its key
 * replaces it in place. A miss falls back to the table.
 *
 * <p>Not thread-safe: each writer owns one.
 */
final class SeriesCache {

  private static final int INITIAL_SLOTS = 16;
  private static final int MIN_KEY_CAPACITY = 32;
  /** Slots examined from a key's home slot, by lookups and inserts. */
  static final int MAX_PROBES = 8;

  private final int maxSlots;
  private Series[] series = new Series[INITIAL_SLOTS];
  private MetricType[] types = new MetricType[INITIAL_SLOTS];
  private byte[][] keys = new byte[INITIAL_SLOTS][];
  private int[] lengths = new int[INITIAL_SLOTS];
  private int filled;
  /** Entries replaced by another key since the last growth. */
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
    int length = sample.keyLength();
    byte[] key = sample.keyBytes();
    int mask = series.length - 1;
    int i = home(hash, type, mask);
    for (int probe = 0; probe < MAX_PROBES; probe++) {
      Series s = series[i];
      if (s == null) {
        return null;
      }
      if (s.hash == hash && types[i] == type && lengths[i] == length && Arrays.equals(keys[i], 0, length, key, 0, length)) {
        return s.deleted ? null : s;
      }
      i = (i + 1) & mask;
    }
    return null;
  }

  /** Remembers that the sample's type and key resolve to {@code s}. */
  void put(Sample sample, Series s) {
    if (series.length < maxSlots && (filled >= series.length >> 2 || evictions >= series.length >> 4)) {
      grow();
    }
    int i = slotFor(s.hash, sample.type(), sample.keyBytes(), sample.keyLength());
    byte[] copy = keys[i];
    int length = sample.keyLength();
    if (copy == null || copy.length < length) {
      copy = new byte[Math.max(length, MIN_KEY_CAPACITY)];
      keys[i] = copy;
    }
    System.arraycopy(sample.keyBytes(), 0, copy, 0, length);
    lengths[i] = length;
    types[i] = sample.type();
    series[i] = s;
  }

  /**
   * The slot a key goes to: the one holding the same key (its series deleted, or replaced), else
   * the first free one near its home, else its home slot, whose entry is evicted.
   */
  private int slotFor(int hash, MetricType type, byte[] key, int length) {
    int mask = series.length - 1;
    int home = home(hash, type, mask);
    int i = home;
    for (int probe = 0; probe < MAX_PROBES; probe++) {
      Series s = series[i];
      if (s == null) {
        filled++;
        return i;
      }
      if (s.hash == hash && types[i] == type && lengths[i] == length && Arrays.equals(keys[i], 0, length, key, 0, length)) {
        return i;
      }
      i = (i + 1) & mask;
    }
    evictions++;
    return home;
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
    // Entries move with their key arrays; deleted series are left behind.
    for (int j = 0; j < oldSeries.length; j++) {
      Series s = oldSeries[j];
      if (s != null && !s.deleted) {
        int i = slotFor(s.hash, oldTypes[j], oldKeys[j], oldLengths[j]);
        series[i] = s;
        types[i] = oldTypes[j];
        keys[i] = oldKeys[j];
        lengths[i] = oldLengths[j];
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

  private static int home(int hash, MetricType type, int mask) {
    return (hash ^ type.ordinal()) & mask;
  }
}
