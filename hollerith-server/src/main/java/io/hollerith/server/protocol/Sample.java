package io.hollerith.server.protocol;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import java.nio.charset.StandardCharsets;

/**
 * One parsed StatsD sample, as the parser hands it to a {@link SampleSink}.
 *
 * <p>This is a flyweight: the parser owns one instance per thread, overwrites it for every line and
 * passes it to {@link SampleSink#accept}; it is valid only during that call and must not be kept.
 * This keeps the per-line path free of allocation. The series identity is available as the UTF-8
 * bytes of {@link MetricKey#canonical()} ({@link #keyBytes()}, {@link #keyLength()}) with a
 * precomputed hash, so an aggregator can find an existing series without building a key object;
 * {@link #toMetricKey()} allocates and is meant for the first sample of a new series.
 *
 * <p>Not thread-safe.
 */
public final class Sample {

  /** {@link #timestampSeconds()} when the line carried no {@code |T} timestamp. */
  public static final long NO_TIMESTAMP = Long.MIN_VALUE;

  MetricType type;
  char sourceType;
  byte[] key = new byte[256];
  int keyLength;
  int nameLength;
  int keyHash;
  double value;
  boolean gaugeDelta;
  byte[] member = new byte[64];
  int memberLength;
  double sampleRate = 1.0;
  long timestampSeconds = NO_TIMESTAMP;

  /** The aggregated kind: {@code h} and {@code d} lines report {@link MetricType#TIMER}. */
  public MetricType type() {
    return type;
  }

  /**
   * The type code as sent, one character: {@code c}, {@code g}, {@code s}, {@code h}, {@code d},
   * or {@code m} for {@code ms}.
   */
  public char sourceType() {
    return sourceType;
  }

  /** Canonical key bytes (UTF-8 of {@link MetricKey#canonical()}); only the first {@link #keyLength()} count. */
  public byte[] keyBytes() {
    return key;
  }

  public int keyLength() {
    return keyLength;
  }

  /** Length in bytes of the name part of {@link #keyBytes()} (the key without its tags). */
  public int nameLength() {
    return nameLength;
  }

  /** {@link #hashKey(byte[], int, int)} of the key bytes. */
  public int keyHash() {
    return keyHash;
  }

  /**
   * The numeric value: counter increment (not yet divided by the sample rate), gauge value or
   * delta, timer value in milliseconds. Unused for sets.
   */
  public double value() {
    return value;
  }

  /** True when a gauge value was sent with an explicit sign ({@code +3}, {@code -3}): a delta. */
  public boolean gaugeDelta() {
    return gaugeDelta;
  }

  /** Set member bytes (UTF-8); only the first {@link #memberLength()} count. */
  public byte[] memberBytes() {
    return member;
  }

  public int memberLength() {
    return memberLength;
  }

  /** The set member as a string (allocates). */
  public String member() {
    return new String(member, 0, memberLength, StandardCharsets.UTF_8);
  }

  /** Sample rate in (0, 1]; 1 when the line had no {@code |@rate}. */
  public double sampleRate() {
    return sampleRate;
  }

  /** Unix seconds from a DogStatsD {@code |T} suffix, or {@link #NO_TIMESTAMP}. */
  public long timestampSeconds() {
    return timestampSeconds;
  }

  /** Builds the series key (allocates; use for new series only). */
  public MetricKey toMetricKey() {
    return MetricKey.fromCanonical(key, 0, keyLength);
  }

  /** True when the key bytes equal {@code other[0..length)}. */
  public boolean keyEquals(byte[] other, int length) {
    return length == keyLength && java.util.Arrays.equals(key, 0, keyLength, other, 0, length);
  }

  /** The hash used for {@link #keyHash()}: a 32-bit FNV-1a over the bytes, spread once more. */
  public static int hashKey(byte[] bytes, int offset, int length) {
    int h = 0x811c9dc5;
    for (int i = offset; i < offset + length; i++) {
      h ^= bytes[i];
      h *= 0x01000193;
    }
    return h ^ (h >>> 16);
  }
}
