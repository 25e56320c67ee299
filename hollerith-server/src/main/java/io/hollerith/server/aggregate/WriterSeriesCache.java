package io.hollerith.server.aggregate;

import io.hollerith.server.model.MetricType;
import io.hollerith.server.protocol.Sample;

/**
 * One writer's cache of live series: the series a sample's type and canonical key bytes last
 * resolved to, so the steady-state lookup touches a few adjacent bytes instead of probing a {@link
 * SeriesTable}, which re-encodes the series' key string. The cache keeps its own copy of each key's
 * bytes, so series pay no memory for it.
 *
 * <p>An open-addressing table with linear probing, looked up at most {@value #MAX_PROBES} slots
 * from a key's home slot. It grows (doubling) while it is a quarter full (linear probing keeps
 * chains short at that load) or while keys keep evicting each other, up to a fixed number of slots,
 * so its memory is bounded whatever the key cardinality; at that size a key that finds no free slot
 * near its home replaces the entry there. Slots are never emptied, so every stored key stays
 * reachable until replaced. (A direct-mapped cache kept missing about a fifth of 1,000 keys in
 * 4,096 slots, two keys sharing a slot evicting each other, and each of those lines took the slow
 * table path.)
 *
 * <p>Layout, for the memory latency that dominates a lookup: each slot's hash and its key length
 * with the metric type are two adjacent ints, and keys of up to {@value #INLINE_KEY_BYTES} bytes
 * sit inline in one byte array at the slot's offset, so a hit reads one line of each and then the
 * series itself; only longer keys live in arrays of their own.
 *
 * <p>A hit is only a hint: the series may be {@link Series#deleted} a moment later, which the
 * writer's update detects, and a deleted series is never returned; the next {@link #put} of its key
 * replaces it in place. A miss falls back to the table.
 *
 * <p>Not thread-safe: each writer owns one.
 */
final class WriterSeriesCache {

  private static final int INITIAL_SLOTS = 16;

  /** Slots examined from a key's home slot, by lookups and inserts. */
  static final int MAX_PROBES = 8;

  /** Key bytes stored inline per slot; longer keys get an array of their own. */
  static final int INLINE_KEY_BYTES = 32;

  /**
   * The metric type sits above the key length in a slot's tag; longer (and empty) keys are not
   * cached.
   */
  private static final int TYPE_SHIFT = 24;

  private static final int MAX_KEY_LENGTH = (1 << TYPE_SHIFT) - 1;

  private final int maxSlots;
  private Series[] series = new Series[INITIAL_SLOTS];

  /**
   * Per slot {@code i}: {@code [2i]} the key hash, {@code [2i + 1]} its tag (0 for an empty slot).
   */
  private int[] meta = new int[2 * INITIAL_SLOTS];

  private byte[] inlineKeys = new byte[INITIAL_SLOTS * INLINE_KEY_BYTES];

  /** Keys longer than {@link #INLINE_KEY_BYTES}, by slot; null until one is stored. */
  private byte[][] longKeys;

  private int filled;

  /** Entries replaced by another key since the last growth. */
  private int evictions;

  /**
   * @param maxSlots the most slots the cache grows to; a power of two
   */
  WriterSeriesCache(int maxSlots) {
    if (Integer.bitCount(maxSlots) != 1 || maxSlots < INITIAL_SLOTS) {
      throw new IllegalArgumentException(
          "maxSlots must be a power of two >= " + INITIAL_SLOTS + ", got " + maxSlots);
    }
    this.maxSlots = maxSlots;
  }

  /** The cached, not deleted series of the sample's type and key, or null. Allocation-free. */
  Series get(Sample sample) {
    int length = sample.keyLength();
    if (length == 0 || length > MAX_KEY_LENGTH) {
      return null;
    }
    int hash = sample.keyHash();
    int tag = tag(length, sample.type());
    byte[] key = sample.keyBytes();
    int mask = series.length - 1;
    int i = home(hash, tag, mask);
    for (int probe = 0; probe < MAX_PROBES; probe++) {
      int slotTag = meta[2 * i + 1];
      if (slotTag == 0) {
        return null;
      }
      if (slotTag == tag && meta[2 * i] == hash && keyEquals(i, key, 0, length)) {
        Series s = series[i];
        return s.deleted ? null : s;
      }
      i = (i + 1) & mask;
    }
    return null;
  }

  /** Remembers that the sample's type and key resolve to {@code s}. */
  void put(Sample sample, Series s) {
    int length = sample.keyLength();
    if (length == 0 || length > MAX_KEY_LENGTH) {
      return; // the parser never emits these; 0 would read as an empty slot
    }
    if (series.length < maxSlots
        && (filled >= series.length >> 2 || evictions >= series.length >> 4)) {
      grow();
    }
    store(s, tag(length, sample.type()), sample.keyBytes(), 0, length);
  }

  /**
   * Stores an entry in the slot for its key: the one holding the same key (its series deleted, or
   * replaced), else the first free one near its home, else its home slot, whose entry is evicted.
   */
  private void store(Series s, int tag, byte[] key, int offset, int length) {
    int hash = s.hash;
    int mask = series.length - 1;
    int home = home(hash, tag, mask);
    int i = home;
    int slot = -1;
    for (int probe = 0; probe < MAX_PROBES; probe++) {
      int slotTag = meta[2 * i + 1];
      if (slotTag == 0) {
        filled++;
        slot = i;
        break;
      }
      if (slotTag == tag && meta[2 * i] == hash && keyEquals(i, key, offset, length)) {
        slot = i;
        break;
      }
      i = (i + 1) & mask;
    }
    if (slot < 0) {
      evictions++;
      slot = home;
    }
    meta[2 * slot] = hash;
    meta[2 * slot + 1] = tag;
    series[slot] = s;
    if (length <= INLINE_KEY_BYTES) {
      System.arraycopy(key, offset, inlineKeys, slot * INLINE_KEY_BYTES, length);
      if (longKeys != null) {
        longKeys[slot] = null;
      }
    } else {
      if (longKeys == null) {
        longKeys = new byte[series.length][];
      }
      byte[] copy = longKeys[slot];
      if (copy == null || copy.length < length) {
        copy = new byte[length];
        longKeys[slot] = copy;
      }
      System.arraycopy(key, offset, copy, 0, length);
    }
  }

  private boolean keyEquals(int slot, byte[] key, int offset, int length) {
    if (length <= INLINE_KEY_BYTES) {
      return ByteRanges.equal(inlineKeys, slot * INLINE_KEY_BYTES, key, offset, length);
    }
    return ByteRanges.equal(longKeys[slot], 0, key, offset, length);
  }

  private void grow() {
    Series[] oldSeries = series;
    int[] oldMeta = meta;
    byte[] oldInline = inlineKeys;
    byte[][] oldLong = longKeys;
    int n = oldSeries.length * 2;
    series = new Series[n];
    meta = new int[2 * n];
    inlineKeys = new byte[n * INLINE_KEY_BYTES];
    longKeys = null;
    filled = 0;
    evictions = 0;
    // Deleted series are left behind.
    for (int j = 0; j < oldSeries.length; j++) {
      Series s = oldSeries[j];
      if (s != null && !s.deleted) {
        int tag = oldMeta[2 * j + 1];
        int length = tag & MAX_KEY_LENGTH;
        if (length <= INLINE_KEY_BYTES) {
          store(s, tag, oldInline, j * INLINE_KEY_BYTES, length);
        } else {
          store(s, tag, oldLong[j], 0, length);
        }
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

  /** A key's length and type in one int; never 0 (keys are not empty). */
  private static int tag(int length, MetricType type) {
    return length | (type.ordinal() << TYPE_SHIFT);
  }

  private static int home(int hash, int tag, int mask) {
    return (hash ^ (tag >>> TYPE_SHIFT)) & mask;
  }
}
