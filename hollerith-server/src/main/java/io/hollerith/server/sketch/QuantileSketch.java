package io.hollerith.server.sketch;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A mergeable quantile sketch of timer values: DDSketch with {@value #RELATIVE_ACCURACY} relative
 * accuracy, so any quantile it returns is within 1% of the true value at that rank, and sketches
 * of different intervals or nodes merge without losing that guarantee (an average of percentiles
 * has no such bound). Negative values and zero are supported.
 *
 * <p>Memory grows with the logarithm of the value range, not with the number of values: a timer
 * spanning 1 µs to 1 h needs about 1,100 bins at most. Encoded bytes start with a one-byte format
 * version so the store can evolve the encoding.
 *
 * <p>Not thread-safe.
 */
public final class QuantileSketch {

  /** Relative accuracy of every quantile: 1%. */
  public static final double RELATIVE_ACCURACY = 0.01;

  /**
   * Format 2: DDSketch's own binary encoding ({@code DDSketch.encode}), which is what
   * {@code decodeAndMergeWith} reads. Format 1 (the protobuf form of {@code DDSketch.serialize()})
   * was never decodable by this class and is rejected as unknown.
   */
  private static final byte FORMAT_DDSKETCH_ENCODED = 2;

  private final DDSketch sketch;

  private QuantileSketch(DDSketch sketch) {
    this.sketch = sketch;
  }

  /** An empty sketch. */
  public static QuantileSketch create() {
    return new QuantileSketch(DDSketches.unboundedDense(RELATIVE_ACCURACY));
  }

  /** Records one value. */
  public void accept(double value) {
    sketch.accept(value);
  }

  /** Records a value {@code count} times (count may be fractional, for sample rates). */
  public void accept(double value, double count) {
    sketch.accept(value, count);
  }

  /** Adds everything {@code other} recorded to this sketch; {@code other} is unchanged. */
  public void merge(QuantileSketch other) {
    sketch.mergeWith(other.sketch);
  }

  /**
   * The value at quantile {@code q} in [0, 1].
   *
   * @throws java.util.NoSuchElementException if the sketch is empty
   */
  public double quantile(double q) {
    return sketch.getValueAtQuantile(q);
  }

  /** Total count recorded. */
  public double count() {
    return sketch.getCount();
  }

  public boolean isEmpty() {
    return sketch.isEmpty();
  }

  /** An independent copy. */
  public QuantileSketch copy() {
    return new QuantileSketch(sketch.copy());
  }

  /** Self-describing bytes: a format byte, then DDSketch's binary encoding (index mapping included). */
  public byte[] toBytes() {
    GrowingByteArrayOutput out = GrowingByteArrayOutput.withInitialCapacity(64);
    out.writeByte(FORMAT_DDSKETCH_ENCODED);
    try {
      sketch.encode(out, false);
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory sketch encoding failed", e);
    }
    return out.trimmedCopy();
  }

  /**
   * Decodes {@link #toBytes()}.
   *
   * @throws MalformedSketchException if the bytes are not a sketch of a known format
   */
  public static QuantileSketch fromBytes(byte[] bytes) throws MalformedSketchException {
    if (bytes == null || bytes.length == 0) {
      throw new MalformedSketchException("empty quantile sketch encoding");
    }
    if (bytes[0] != FORMAT_DDSKETCH_ENCODED) {
      throw new MalformedSketchException("unknown quantile sketch format " + bytes[0]);
    }
    try {
      QuantileSketch decoded = create();
      decoded.sketch.decodeAndMergeWith(ByteArrayInput.wrap(bytes, 1, bytes.length - 1));
      return decoded;
    } catch (RuntimeException | java.io.IOException e) {
      throw new MalformedSketchException("corrupt quantile sketch: " + e.getMessage(), e);
    }
  }
}
