package io.hollerith.server.sketch;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.store.Bin;
import com.datadoghq.sketch.ddsketch.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A mergeable quantile sketch of timer values, each value weighted (a value sent with sample rate
 * {@code r} counts {@code 1/r} times).
 *
 * <p><b>Which value a quantile is.</b> The nearest rank of the weighted values: sort the values,
 * let {@code W} be the sum of their weights and {@code r = max(1, floor(q·W + 0.5))}; the answer is
 * the smallest value whose cumulative weight reaches {@code r} (the largest value if none does).
 * Unweighted, that is the value at index {@code floor(q·N + 0.5) − 1} of the sorted values.
 *
 * <p><b>Exact while small.</b> Besides a DDSketch the sketch keeps the values themselves while it
 * holds at most {@value #MAX_EXACT_VALUES} of them, also through merges; the quantile is then the
 * exact nearest-rank value. Beyond that it comes from the DDSketch: within {@value
 * #RELATIVE_ACCURACY} relative error of the value at that rank, and always within the exact minimum
 * and maximum, which are kept beside it with the exact weighted sum. Sketches of different
 * intervals or nodes merge without losing either guarantee (an average of percentiles has no such
 * bound).
 *
 * <p>Memory: the DDSketch grows with the logarithm of the value range (a timer spanning 1 µs to 1 h
 * needs about 1,100 bins at most); the exact values take 8 bytes each (16 when some weight is not
 * 1), so at most 160 KB. Encoded bytes start with a one-byte format version.
 *
 * <p>Not thread-safe.
 */
public final class QuantileSketch {

  /** Relative accuracy of every quantile computed from the DDSketch: 1%. */
  public static final double RELATIVE_ACCURACY = 0.01;

  /** Most values kept exactly; a sketch holding more answers from the DDSketch. */
  public static final int MAX_EXACT_VALUES = 10_000;

  /**
   * Format 2: DDSketch's own binary encoding ({@code DDSketch.encode}) alone, written before the
   * sketch kept exact values; still read (as a sketch without exact values, with the DDSketch's
   * approximate minimum, maximum and sum). Format 1 was never decodable and is rejected as unknown.
   */
  private static final byte FORMAT_DDSKETCH_ENCODED = 2;

  /**
   * Format 3: minimum, maximum and weighted sum (three doubles), a byte telling whether exact
   * values follow ({@code 0} no, {@code 1} values, {@code 2} values and weights), then their number
   * (an int) and the values (and weights), then DDSketch's encoding.
   */
  private static final byte FORMAT_WITH_EXACT_VALUES = 3;

  private static final byte NO_EXACT = 0;
  private static final byte EXACT_UNWEIGHTED = 1;
  private static final byte EXACT_WEIGHTED = 2;

  /** Cumulative weights are sums of doubles; a rank is reached within this relative rounding. */
  private static final double RANK_TOLERANCE = 1e-9;

  private final DDSketch sketch;
  private double min = Double.NaN;
  private double max = Double.NaN;
  private double sum;

  /** The values while exact (null once more than {@link #MAX_EXACT_VALUES} were recorded). */
  private double[] values;

  /** Their weights, or null while every weight is 1. */
  private double[] weights;

  private int size;
  private boolean sorted = true;

  private QuantileSketch(DDSketch sketch, boolean exact) {
    this.sketch = sketch;
    this.values = exact ? new double[0] : null;
  }

  /** An empty sketch. */
  public static QuantileSketch create() {
    return new QuantileSketch(DDSketches.unboundedDense(RELATIVE_ACCURACY), true);
  }

  /**
   * A sketch of {@code values[0..n)} recorded in that order, each with its weight from {@code
   * weights} (null when every weight is 1): the same sketch as {@link #create()} followed by {@link
   * #accept(double, double)} for each value, built with one copy of the arrays. The arrays are not
   * kept.
   */
  public static QuantileSketch of(double[] values, double[] weights, int n) {
    if (weights != null && allOnes(weights, n)) {
      weights = null;
    }
    QuantileSketch q = create();
    double min = Double.NaN;
    double max = Double.NaN;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double value = values[i];
      double weight = weights == null ? 1 : weights[i];
      q.sketch.accept(value, weight);
      min = Double.isNaN(min) ? value : Math.min(min, value);
      max = Double.isNaN(max) ? value : Math.max(max, value);
      sum += value * weight;
    }
    q.min = min;
    q.max = max;
    q.sum = sum;
    if (n > MAX_EXACT_VALUES) {
      q.dropExact();
    } else if (n > 0) {
      q.values = Arrays.copyOf(values, n);
      q.weights = weights == null ? null : Arrays.copyOf(weights, n);
      q.size = n;
      q.sorted = false;
    }
    return q;
  }

  /**
   * The sketch {@link #of of(sorted, null, n)} builds, for unweighted, finite values already in
   * ascending order ({@code -0} and {@code 0} in either order), at a fraction of the cost: the
   * values of one DDSketch bucket are consecutive, so each bucket's run is found with a galloping
   * search and counted at once, which takes a few bucket-index computations per bucket instead of
   * one per value. Relies on the index mapping being monotone, as DDSketch's are (a value within a
   * few ulps of a bucket boundary, where rounding might make it otherwise, would at worst be
   * counted in the neighbouring bucket, still within the relative accuracy). The exact values kept
   * are a sorted copy, so a later quantile needs no sort. The array is not kept.
   */
  public static QuantileSketch ofSorted(double[] sorted, int n) {
    QuantileSketch q = create();
    IndexMapping mapping = q.sketch.getIndexMapping();
    double minIndexed = Math.max(0, mapping.minIndexableValue());
    double maxIndexed = mapping.maxIndexableValue();
    int i = 0;
    while (i < n && !(sorted[i] > minIndexed)) {
      q.sketch.accept(sorted[i++]); // negative, zero or too small to index: one at a time
    }
    int end = i;
    while (end < n && sorted[end] <= maxIndexed) {
      end++;
    }
    Store positive = q.sketch.getPositiveValueStore();
    int index = i < end ? mapping.index(sorted[i]) : 0;
    while (i < end) {
      long run = bucketRun(mapping, sorted, i, end, index);
      int last = (int) (run >>> 32);
      positive.add(index, (double) (last - i + 1));
      i = last + 1;
      index = (int) run; // the next value's bucket, which the search already computed
    }
    for (; i < n; i++) {
      q.sketch.accept(sorted[i]); // beyond the mapping's range: fails as accept does
    }
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += sorted[k];
    }
    q.sum = sum;
    if (n > 0) {
      q.min = extreme(sorted, n, true);
      q.max = extreme(sorted, n, false);
    }
    if (n > MAX_EXACT_VALUES) {
      q.dropExact();
    } else if (n > 0) {
      q.values = Arrays.copyOf(sorted, n);
      q.size = n;
      q.sorted = true;
    }
    return q;
  }

  /**
   * The minimum (or maximum) of the sorted values, as {@link Math#min} (or {@link Math#max}) over
   * them would give it: the first (or last) value, except that among zeros {@code -0} is the
   * smaller, and the sort may have left either zero at the end of their run.
   */
  private static double extreme(double[] sorted, int n, boolean min) {
    double end = min ? sorted[0] : sorted[n - 1];
    if (end != 0) {
      return end;
    }
    int step = min ? 1 : -1;
    for (int k = min ? 0 : n - 1; k >= 0 && k < n && sorted[k] == 0; k += step) {
      boolean negative = Double.doubleToRawLongBits(sorted[k]) < 0;
      if (negative == min) {
        return sorted[k];
      }
    }
    return end;
  }

  /**
   * The run of {@code sorted[first..end)} in bucket {@code index}, the bucket of {@code
   * sorted[first]}: doubling steps while the probed value is still in the bucket, then a binary
   * search between the last probe inside and the first outside. Returns the position of the run's
   * last value in the high 32 bits and, in the low 32, the bucket of the value after it (computed
   * by the search; meaningless when the run reaches {@code end}).
   */
  private static long bucketRun(
      IndexMapping mapping, double[] sorted, int first, int end, int index) {
    int inside = first;
    int outside = end;
    int outsideIndex = 0;
    for (int step = 1; inside + step < end; step <<= 1) {
      int probe = inside + step;
      if (sorted[probe] != sorted[inside]) {
        int probeIndex = mapping.index(sorted[probe]);
        if (probeIndex != index) {
          outside = probe;
          outsideIndex = probeIndex;
          break;
        }
      }
      inside = probe;
    }
    while (outside - inside > 1) {
      int mid = (inside + outside) >>> 1;
      int midIndex = mapping.index(sorted[mid]);
      if (midIndex == index) {
        inside = mid;
      } else {
        outside = mid;
        outsideIndex = midIndex;
      }
    }
    return ((long) inside << 32) | (outsideIndex & 0xFFFF_FFFFL);
  }

  private static boolean allOnes(double[] weights, int n) {
    for (int i = 0; i < n; i++) {
      if (weights[i] != 1) {
        return false;
      }
    }
    return true;
  }

  /** Records one value. */
  public void accept(double value) {
    accept(value, 1);
  }

  /** Records a value with a weight ({@code 1 / sampleRate}; may be fractional). */
  public void accept(double value, double weight) {
    sketch.accept(value, weight);
    min = Double.isNaN(min) ? value : Math.min(min, value);
    max = Double.isNaN(max) ? value : Math.max(max, value);
    sum += value * weight;
    if (values == null) {
      return;
    }
    if (size == MAX_EXACT_VALUES) {
      dropExact();
      return;
    }
    append(value, weight);
  }

  private void append(double value, double weight) {
    if (size == values.length) {
      values = Arrays.copyOf(values, Math.min(MAX_EXACT_VALUES, Math.max(8, size * 2)));
      if (weights != null) {
        weights = Arrays.copyOf(weights, values.length);
      }
    }
    if (weight != 1 && weights == null) {
      weights = new double[values.length];
      Arrays.fill(weights, 0, size, 1);
    }
    if (weights != null) {
      weights[size] = weight;
    }
    values[size++] = value;
    sorted = false;
  }

  private void dropExact() {
    values = null;
    weights = null;
    size = 0;
  }

  /** Adds everything {@code other} recorded to this sketch; {@code other} is unchanged. */
  public void merge(QuantileSketch other) {
    sketch.mergeWith(other.sketch);
    if (!Double.isNaN(other.min)) {
      min = Double.isNaN(min) ? other.min : Math.min(min, other.min);
      max = Double.isNaN(max) ? other.max : Math.max(max, other.max);
    }
    sum += other.sum;
    if (values == null) {
      return;
    }
    if (other.values == null || size + other.size > MAX_EXACT_VALUES) {
      dropExact();
      return;
    }
    for (int i = 0; i < other.size; i++) {
      append(other.values[i], other.weights == null ? 1 : other.weights[i]);
    }
  }

  /** Whether quantiles are exact: the sketch holds at most {@link #MAX_EXACT_VALUES} values. */
  public boolean isExact() {
    return values != null;
  }

  /**
   * The nearest-rank value at quantile {@code q} in [0, 1] (see the class description).
   *
   * @throws NoSuchElementException if the sketch is empty
   */
  public double quantile(double q) {
    if (isEmpty()) {
      throw new NoSuchElementException("no value was recorded");
    }
    double total = sketch.getCount();
    double rank = Math.max(1, Math.floor(q * total + 0.5));
    if (values != null) {
      sortExact();
      double cumulative = 0;
      for (int i = 0; i < size; i++) {
        cumulative += weights == null ? 1 : weights[i];
        if (cumulative >= rank * (1 - RANK_TOLERANCE)) {
          return values[i];
        }
      }
      return values[size - 1];
    }
    if (rank >= total * (1 - RANK_TOLERANCE)) {
      return max; // only the last value reaches the whole weight
    }
    // DDSketch's getValueAtQuantile(p) answers the value at 0-based rank p·(count − 1).
    double ddQuantile = total <= 1 ? 0 : Math.min(1, (rank - 1) / (total - 1));
    double v = sketch.getValueAtQuantile(ddQuantile);
    return Math.max(min, Math.min(max, v));
  }

  /** Sorts the exact values (with their weights) ascending. */
  private void sortExact() {
    if (sorted) {
      return;
    }
    if (weights == null) {
      Arrays.sort(values, 0, size);
    } else {
      Integer[] order = new Integer[size];
      for (int i = 0; i < size; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
      double[] v = new double[values.length];
      double[] w = new double[values.length];
      for (int i = 0; i < size; i++) {
        v[i] = values[order[i]];
        w[i] = weights[order[i]];
      }
      values = v;
      weights = w;
    }
    sorted = true;
  }

  /** Total weight recorded. */
  public double count() {
    return sketch.getCount();
  }

  /** Sum of the values, each times its weight. */
  public double sum() {
    return sum;
  }

  /**
   * Total weight of the values at most {@code bound} (a histogram bucket's count): exact while the
   * values are kept; beyond, a value within the relative accuracy of {@code bound} may be counted
   * on the wrong side of it.
   */
  public double weightAtMost(double bound) {
    if (values != null) {
      double w = 0;
      for (int i = 0; i < size; i++) {
        if (values[i] <= bound) {
          w += weights == null ? 1 : weights[i];
        }
      }
      return w;
    }
    if (bound >= max) {
      return sketch.getCount();
    }
    double w = 0;
    IndexMapping mapping = sketch.getIndexMapping();
    for (Iterator<Bin> it = sketch.getNegativeValueStore().getAscendingIterator(); it.hasNext(); ) {
      Bin bin = it.next();
      if (-mapping.value(bin.getIndex()) <= bound) {
        w += bin.getCount();
      }
    }
    if (bound >= 0) {
      w +=
          sketch.getCount()
              - sketch.getNegativeValueStore().getTotalCount()
              - sketch.getPositiveValueStore().getTotalCount();
    }
    for (Iterator<Bin> it = sketch.getPositiveValueStore().getAscendingIterator(); it.hasNext(); ) {
      Bin bin = it.next();
      if (mapping.value(bin.getIndex()) > bound) {
        break;
      }
      w += bin.getCount();
    }
    return w;
  }

  public boolean isEmpty() {
    return sketch.isEmpty();
  }

  /** An independent copy. */
  public QuantileSketch copy() {
    QuantileSketch c = new QuantileSketch(sketch.copy(), false);
    c.min = min;
    c.max = max;
    c.sum = sum;
    if (values != null) {
      c.values = values.clone();
      c.weights = weights == null ? null : weights.clone();
      c.size = size;
      c.sorted = sorted;
    }
    return c;
  }

  /**
   * Self-describing bytes: a format byte, minimum, maximum, sum, the exact values if kept, then
   * DDSketch's encoding.
   */
  public byte[] toBytes() {
    GrowingByteArrayOutput dd = GrowingByteArrayOutput.withInitialCapacity(64);
    try {
      sketch.encode(dd, false);
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory sketch encoding failed", e);
    }
    byte[] ddBytes = dd.trimmedCopy();
    int exactBytes = values == null ? 0 : 4 + size * (weights == null ? 8 : 16);
    ByteBuffer out = ByteBuffer.allocate(1 + 24 + 1 + exactBytes + ddBytes.length);
    out.put(FORMAT_WITH_EXACT_VALUES).putDouble(min).putDouble(max).putDouble(sum);
    if (values == null) {
      out.put(NO_EXACT);
    } else {
      out.put(weights == null ? EXACT_UNWEIGHTED : EXACT_WEIGHTED).putInt(size);
      for (int i = 0; i < size; i++) {
        out.putDouble(values[i]);
      }
      if (weights != null) {
        for (int i = 0; i < size; i++) {
          out.putDouble(weights[i]);
        }
      }
    }
    out.put(ddBytes);
    return out.array();
  }

  /**
   * Decodes {@link #toBytes()} (and format 2, which has no exact values).
   *
   * @throws MalformedSketchException if the bytes are not a sketch of a known format
   */
  public static QuantileSketch fromBytes(byte[] bytes) throws MalformedSketchException {
    if (bytes == null || bytes.length == 0) {
      throw new MalformedSketchException("empty quantile sketch encoding");
    }
    try {
      if (bytes[0] == FORMAT_DDSKETCH_ENCODED) {
        QuantileSketch decoded =
            new QuantileSketch(DDSketches.unboundedDense(RELATIVE_ACCURACY), false);
        decoded.sketch.decodeAndMergeWith(ByteArrayInput.wrap(bytes, 1, bytes.length - 1));
        if (!decoded.isEmpty()) {
          decoded.min = decoded.sketch.getMinValue();
          decoded.max = decoded.sketch.getMaxValue();
          decoded.sum = decoded.sketch.getSum();
        }
        return decoded;
      }
      if (bytes[0] != FORMAT_WITH_EXACT_VALUES) {
        throw new MalformedSketchException("unknown quantile sketch format " + bytes[0]);
      }
      ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
      QuantileSketch decoded =
          new QuantileSketch(DDSketches.unboundedDense(RELATIVE_ACCURACY), false);
      decoded.min = in.getDouble();
      decoded.max = in.getDouble();
      decoded.sum = in.getDouble();
      byte exact = in.get();
      if (exact != NO_EXACT) {
        if (exact != EXACT_UNWEIGHTED && exact != EXACT_WEIGHTED) {
          throw new MalformedSketchException("unknown exact-values flag " + exact);
        }
        int n = in.getInt();
        if (n < 0
            || n > MAX_EXACT_VALUES
            || (long) n * (exact == EXACT_WEIGHTED ? 16 : 8) > in.remaining()) {
          throw new MalformedSketchException("impossible number of exact values " + n);
        }
        decoded.values = new double[n];
        for (int i = 0; i < n; i++) {
          decoded.values[i] = in.getDouble();
        }
        if (exact == EXACT_WEIGHTED) {
          decoded.weights = new double[n];
          for (int i = 0; i < n; i++) {
            decoded.weights[i] = in.getDouble();
          }
        }
        decoded.size = n;
        decoded.sorted = false;
      }
      decoded.sketch.decodeAndMergeWith(
          ByteArrayInput.wrap(bytes, in.position(), bytes.length - in.position()));
      return decoded;
    } catch (MalformedSketchException e) {
      throw e;
    } catch (RuntimeException | IOException e) {
      throw new MalformedSketchException("corrupt quantile sketch: " + e.getMessage(), e);
    }
  }
}
