package io.hollerith.server.sketch;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.memory.Memory;

/**
 * A HyperLogLog of set members (Apache DataSketches, {@code lgK} = {@value #LG_K}, HLL_8): unique
 * counts over any time range and any number of nodes come from unions, not sums. The relative
 * standard error is about {@code 1.04 / sqrt(2^lgK)} = 1.6%; counts below a few hundred are exact
 * in practice (the sketch starts in list/set mode). At most 4 KiB per sketch.
 *
 * <p>Not thread-safe.
 */
public final class UniqueSketch {

  /** log2 of the number of HLL registers. */
  public static final int LG_K = 12;

  private static final byte FORMAT_DATASKETCHES_HLL = 1;

  private HllSketch sketch;

  private UniqueSketch(HllSketch sketch) {
    this.sketch = sketch;
  }

  /** An empty sketch. */
  public static UniqueSketch create() {
    return new UniqueSketch(new HllSketch(LG_K, TgtHllType.HLL_8));
  }

  /** Records one member. */
  public void update(String member) {
    sketch.update(member);
  }

  /**
   * Records one member given as the remaining UTF-8 bytes of {@code utf8}: the same as {@link
   * #update(String)} of the string those bytes encode, without copying them.
   */
  public void update(ByteBuffer utf8) {
    sketch.update(utf8);
  }

  /** Records one member given as UTF-8 bytes. */
  public void update(byte[] utf8, int offset, int length) {
    if (offset == 0 && length == utf8.length) {
      sketch.update(utf8);
    } else {
      sketch.update(Arrays.copyOfRange(utf8, offset, offset + length));
    }
  }

  /** Adds every member {@code other} saw; {@code other} is unchanged. */
  public void merge(UniqueSketch other) {
    Union union = new Union(LG_K);
    union.update(sketch);
    union.update(other.sketch);
    sketch = union.getResult(TgtHllType.HLL_8);
  }

  /** Estimated number of distinct members. */
  public double estimate() {
    return sketch.getEstimate();
  }

  /** Estimate rounded to a whole count. */
  public long uniqueCount() {
    return Math.round(sketch.getEstimate());
  }

  public boolean isEmpty() {
    return sketch.isEmpty();
  }

  public UniqueSketch copy() {
    return new UniqueSketch(sketch.copy());
  }

  /** Self-describing bytes: a format byte, then the compact DataSketches encoding. */
  public byte[] toBytes() {
    byte[] compact = sketch.toCompactByteArray();
    byte[] out = new byte[compact.length + 1];
    out[0] = FORMAT_DATASKETCHES_HLL;
    System.arraycopy(compact, 0, out, 1, compact.length);
    return out;
  }

  /**
   * Decodes {@link #toBytes()}.
   *
   * @throws MalformedSketchException if the bytes are not a sketch of a known format
   */
  public static UniqueSketch fromBytes(byte[] bytes) throws MalformedSketchException {
    if (bytes == null || bytes.length == 0) {
      throw new MalformedSketchException("empty unique sketch encoding");
    }
    if (bytes[0] != FORMAT_DATASKETCHES_HLL) {
      throw new MalformedSketchException("unknown unique sketch format " + bytes[0]);
    }
    try {
      byte[] body = Arrays.copyOfRange(bytes, 1, bytes.length);
      return new UniqueSketch(HllSketch.heapify(Memory.wrap(body)));
    } catch (RuntimeException e) {
      throw new MalformedSketchException("corrupt unique sketch: " + e.getMessage(), e);
    }
  }
}
