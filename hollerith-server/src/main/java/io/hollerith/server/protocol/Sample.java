package io.hollerith.server.protocol;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

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

  /**
   * The parser found the member all ASCII, hence well-formed UTF-8; false when it did not check.
   */
  boolean memberAscii;

  double sampleRate = 1.0;
  long timestampSeconds = NO_TIMESTAMP;

  /** The aggregated kind: {@code h} and {@code d} lines report {@link MetricType#TIMER}. */
  public MetricType type() {
    return type;
  }

  /**
   * The type code as sent, one character: {@code c}, {@code g}, {@code s}, {@code h}, {@code d}, or
   * {@code m} for {@code ms}.
   */
  public char sourceType() {
    return sourceType;
  }

  /**
   * Canonical key bytes (UTF-8 of {@link MetricKey#canonical()}); only the first {@link
   * #keyLength()} count.
   */
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

  /**
   * Whether the member bytes are well-formed UTF-8, so that they are exactly the UTF-8 encoding of
   * {@link #member()}; otherwise that string holds a replacement character for each ill-formed
   * sequence. Allocation-free.
   */
  public boolean memberIsUtf8() {
    if (memberAscii) {
      return true;
    }
    int i = 0;
    while (i < memberLength) {
      if (member[i] >= 0) {
        i++;
        continue;
      }
      int length = Utf8.sequenceLength(member, i, memberLength);
      if (length == 0) {
        return false;
      }
      i += length;
    }
    return true;
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
    return length == keyLength && Arrays.equals(key, 0, keyLength, other, 0, length);
  }

  /**
   * The hash used for {@link #keyHash()}: eight bytes at a time (little-endian words, each
   * multiplied and rotated into the state), the tail packed into one last word, then the murmur3
   * 64-bit finaliser so every input bit reaches the low bits a hash table indexes by. About eight
   * times fewer dependent multiplications than a byte-at-a-time hash for typical 20–60 byte keys.
   * In-memory only: never persisted, so it may change between versions.
   */
  public static int hashKey(byte[] bytes, int offset, int length) {
    long h = 0x9E3779B97F4A7C15L ^ length;
    int i = offset;
    int end = offset + length;
    for (; i <= end - 8; i += 8) {
      h =
          Long.rotateLeft(h ^ (long) LONGS.get(bytes, i) * 0xC2B2AE3D27D4EB4FL, 31)
              * 0x9E3779B97F4A7C15L;
    }
    if (i < end) {
      long tail;
      if (i + 8 <= bytes.length) {
        // one word read, the bytes past the key masked off (the parser's key buffer has room)
        tail = (long) LONGS.get(bytes, i) & (-1L >>> (64 - 8 * (end - i)));
      } else {
        tail = 0;
        for (int shift = 0; i < end; i++, shift += 8) {
          tail |= (bytes[i] & 0xFFL) << shift;
        }
      }
      h = Long.rotateLeft(h ^ tail * 0xC2B2AE3D27D4EB4FL, 31) * 0x9E3779B97F4A7C15L;
    }
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    return (int) h;
  }
}
