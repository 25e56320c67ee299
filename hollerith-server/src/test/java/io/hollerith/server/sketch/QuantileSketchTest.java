package io.hollerith.server.sketch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Quantiles against the nearest rank of sorted values computed here. */
class QuantileSketchTest {

  private static final double[] QUANTILES = {0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0};

  /** Nearest rank of sorted values: index {@code floor(q·N + 0.5) − 1}, at least the first. */
  static double nearestRank(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int index = (int) Math.floor(q * sorted.length + 0.5) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static QuantileSketch of(double... values) {
    QuantileSketch s = QuantileSketch.create();
    for (double v : values) {
      s.accept(v);
    }
    return s;
  }

  @Test
  void twoSamplesGiveTheirNearestRanks() {
    QuantileSketch s = of(30, 10);
    assertThat(s.quantile(0.5)).isEqualTo(10.0);
    assertThat(s.quantile(0.9)).isEqualTo(30.0);
    assertThat(s.quantile(0.99)).isEqualTo(30.0);
  }

  @Test
  void oneSampleIsEveryQuantile() {
    QuantileSketch s = of(42);
    for (double q : QUANTILES) {
      assertThat(s.quantile(q)).isEqualTo(42.0);
    }
  }

  @Test
  void smallSamplesAreExactThroughMergesAndEncoding() throws Exception {
    Random random = new Random(7);
    double[] all = new double[QuantileSketch.MAX_EXACT_VALUES];
    QuantileSketch merged = QuantileSketch.create();
    for (int part = 0; part < 10; part++) {
      QuantileSketch s = QuantileSketch.create();
      for (int i = 0; i < all.length / 10; i++) {
        double v = Math.exp(random.nextGaussian() * 2) * 100;
        all[part * (all.length / 10) + i] = v;
        s.accept(v);
      }
      merged.merge(QuantileSketch.fromBytes(s.toBytes()));
    }
    assertThat(merged.isExact()).isTrue();
    for (double q : QUANTILES) {
      assertThat(merged.quantile(q)).as("q=%s", q).isEqualTo(nearestRank(all, q));
    }
    double[] hundred = new double[100];
    Arrays.setAll(hundred, i -> i + 1);
    QuantileSketch s = of(hundred);
    assertThat(s.quantile(0.5)).isEqualTo(nearestRank(hundred, 0.5)).isEqualTo(50.0);
    assertThat(s.quantile(0.9)).isEqualTo(nearestRank(hundred, 0.9)).isEqualTo(90.0);
  }

  @Test
  void largeSamplesAreWithinTheRelativeAccuracyAndTheRange() throws Exception {
    Random random = new Random(11);
    double[] all = new double[3 * QuantileSketch.MAX_EXACT_VALUES];
    QuantileSketch merged = QuantileSketch.create();
    QuantileSketch part = QuantileSketch.create();
    for (int i = 0; i < all.length; i++) {
      all[i] = Math.exp(random.nextGaussian() * 3) + 0.5;
      part.accept(all[i]);
      if (i % 7_000 == 6_999) {
        merged.merge(QuantileSketch.fromBytes(part.toBytes()));
        part = QuantileSketch.create();
      }
    }
    merged.merge(part);
    assertThat(merged.isExact()).isFalse();
    double min = Arrays.stream(all).min().orElseThrow();
    double max = Arrays.stream(all).max().orElseThrow();
    for (double q : QUANTILES) {
      double reference = nearestRank(all, q);
      double actual = merged.quantile(q);
      assertThat(actual)
          .as("q=%s", q)
          .isCloseTo(reference, within(reference * QuantileSketch.RELATIVE_ACCURACY));
      assertThat(actual).isBetween(min, max);
    }
    assertThat(merged.quantile(1.0)).isEqualTo(max);
  }

  @Test
  void weightsCountAsRepeatedValues() throws Exception {
    QuantileSketch s = QuantileSketch.create();
    s.accept(10, 1 / 0.5);
    s.accept(20, 1);
    assertThat(s.count()).isEqualTo(3.0);
    // As if 10, 10, 20 had been received.
    for (double q : QUANTILES) {
      assertThat(s.quantile(q)).as("q=%s", q).isEqualTo(nearestRank(new double[] {10, 10, 20}, q));
    }
    QuantileSketch decoded = QuantileSketch.fromBytes(s.toBytes());
    assertThat(decoded.quantile(0.9)).isEqualTo(20.0);
    assertThat(decoded.quantile(0.5)).isEqualTo(10.0);
    assertThat(decoded.count()).isEqualTo(3.0);

    QuantileSketch tenth = QuantileSketch.create();
    double[] expanded = new double[30];
    for (int i = 0; i < 3; i++) {
      tenth.accept(i + 1, 1 / 0.1);
      Arrays.fill(expanded, i * 10, i * 10 + 10, i + 1);
    }
    for (double q : QUANTILES) {
      assertThat(tenth.quantile(q)).as("q=%s", q).isEqualTo(nearestRank(expanded, q));
    }
  }

  @Test
  void bucketWeightsAndSumsCountEveryWeightedValue() throws Exception {
    Random random = new Random(3);
    double[] bounds = {-1, 0, 5, 10, 25, 50, 100, 250, 1000};
    double[] spreadOut = {-50.5, 0, 2, 7, 17, 37, 75, 170, 400, 2000};
    for (int n : new int[] {7, 3 * QuantileSketch.MAX_EXACT_VALUES}) {
      QuantileSketch s = QuantileSketch.create();
      double[] values = new double[n];
      double weightedSum = 0;
      for (int i = 0; i < n; i++) {
        // Values well away from the bounds, so the sketch's 1% cannot move one across.
        values[i] = spreadOut[random.nextInt(spreadOut.length)];
        double weight = i % 3 == 0 ? 4 : 1;
        s.accept(values[i], weight);
        weightedSum += values[i] * weight;
      }
      QuantileSketch decoded = QuantileSketch.fromBytes(s.toBytes());
      for (double bound : bounds) {
        double expected = 0;
        for (int i = 0; i < n; i++) {
          if (values[i] <= bound) {
            expected += i % 3 == 0 ? 4 : 1;
          }
        }
        assertThat(decoded.weightAtMost(bound)).as("n=%s bound=%s", n, bound).isEqualTo(expected);
      }
      assertThat(decoded.sum()).isCloseTo(weightedSum, within(Math.abs(weightedSum) * 1e-12));
    }
  }

  @Test
  void largeUniformSamplesAreWithinTheRelativeAccuracy() throws Exception {
    Random random = new Random(17);
    double[] all = new double[5 * QuantileSketch.MAX_EXACT_VALUES];
    QuantileSketch s = QuantileSketch.create();
    for (int i = 0; i < all.length; i++) {
      all[i] = 1 + random.nextDouble() * 999;
      s.accept(all[i]);
    }
    QuantileSketch decoded = QuantileSketch.fromBytes(s.toBytes());
    for (QuantileSketch sketch : new QuantileSketch[] {s, decoded}) {
      assertThat(sketch.isExact()).isFalse();
      assertThat(sketch.count()).isEqualTo(all.length);
      for (double q : QUANTILES) {
        double reference = nearestRank(all, q);
        assertThat(sketch.quantile(q))
            .as("q=%s", q)
            .isCloseTo(reference, within(reference * QuantileSketch.RELATIVE_ACCURACY));
      }
    }
    double min = Arrays.stream(all).min().orElseThrow();
    assertThat(s.quantile(0.0))
        .isCloseTo(min, within(min * QuantileSketch.RELATIVE_ACCURACY))
        .isGreaterThanOrEqualTo(min);
    assertThat(s.quantile(1.0)).isEqualTo(Arrays.stream(all).max().orElseThrow());
  }

  @Test
  void oneAndTwoValuesSurviveEncodingWithTheirExactSum() throws Exception {
    for (double[] values : new double[][] {{-3.25}, {0.001, 1e9}}) {
      QuantileSketch decoded = QuantileSketch.fromBytes(of(values).toBytes());
      assertThat(decoded.isExact()).isTrue();
      assertThat(decoded.count()).isEqualTo(values.length);
      assertThat(decoded.sum()).isEqualTo(Arrays.stream(values).sum());
      for (double q : QUANTILES) {
        assertThat(decoded.quantile(q)).as("q=%s", q).isEqualTo(nearestRank(values, q));
      }
    }
    assertThat(QuantileSketch.fromBytes(QuantileSketch.create().toBytes()).isEmpty()).isTrue();
  }

  @Test
  void theExactValuesFormatKeepsWeightsAndIsLaidOutAsDocumented() throws Exception {
    QuantileSketch s = QuantileSketch.create();
    s.accept(5, 1);
    s.accept(2, 4);
    byte[] bytes = s.toBytes();
    ByteBuffer in = ByteBuffer.wrap(bytes);
    assertThat(in.get()).as("format").isEqualTo((byte) 3);
    assertThat(in.getDouble()).as("min").isEqualTo(2.0);
    assertThat(in.getDouble()).as("max").isEqualTo(5.0);
    assertThat(in.getDouble()).as("weighted sum").isEqualTo(5 + 2 * 4.0);
    assertThat(in.get()).as("values and weights follow").isEqualTo((byte) 2);
    assertThat(in.getInt()).isEqualTo(2);
    double[] valuesThenWeights = {in.getDouble(), in.getDouble(), in.getDouble(), in.getDouble()};
    assertThat(valuesThenWeights).containsExactly(5, 2, 1, 4);
    QuantileSketch decoded = QuantileSketch.fromBytes(bytes);
    double[] expanded = {2, 2, 2, 2, 5};
    for (double q : QUANTILES) {
      assertThat(decoded.quantile(q)).as("q=%s", q).isEqualTo(nearestRank(expanded, q));
    }
    assertThat(QuantileSketch.fromBytes(of(1, 2).toBytes()).isExact()).isTrue();
    assertThat(of(1, 2).toBytes()[25]).as("unweighted values carry no weights").isEqualTo((byte) 1);
  }

  /**
   * Built from sorted values by bucket runs, the sketch is byte for byte the one that accepting
   * each of those values in the same order builds: every bin count, the minimum, the maximum, the
   * sum and the exact values. Covers runs of every length (one value per bucket, dense buckets,
   * duplicates), zeros of both signs, negative and tiny values, and sizes either side of the
   * exact-values limit.
   */
  @Test
  void aSketchOfSortedValuesIsTheOneBuiltValueByValue() throws Exception {
    Random random = new Random(20261207);
    int[] sizes = {0, 1, 2, 3, 17, 1_000, QuantileSketch.MAX_EXACT_VALUES + 1, 50_000};
    for (int n : sizes) {
      for (int shape = 0; shape < 6; shape++) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
          values[i] =
              switch (shape) {
                case 0 -> Math.exp(random.nextGaussian() * 3); // wide: mostly one value per bucket
                case 1 -> 100 + random.nextInt(900) + random.nextInt(1000) / 1000.0; // dense
                case 2 -> random.nextInt(5); // duplicates and zeros
                case 3 -> random.nextBoolean() ? -0.0 : random.nextInt(3) - 1; // signs and zeros
                case 4 -> random.nextDouble() * 1e-300; // below the indexable range, and zeros
                default -> random.nextDouble() * 1e9;
              };
        }
        Arrays.sort(values);
        QuantileSketch byValue = QuantileSketch.of(values, null, n);
        QuantileSketch byRuns = QuantileSketch.ofSorted(values, n);
        assertThat(byRuns.toBytes()).as("n=%d shape=%d", n, shape).isEqualTo(byValue.toBytes());
        if (n > 0) {
          for (double q : QUANTILES) {
            assertThat(byRuns.quantile(q)).isEqualTo(byValue.quantile(q));
          }
        }
      }
    }
  }

  @Test
  void aSketchOfSortedValuesAnswersTheirNearestRanks() {
    double[] sorted = {0.5, 1, 1, 2, 3, 5, 8, 13, 21, 34};
    QuantileSketch s = QuantileSketch.ofSorted(sorted, sorted.length);
    for (double q : QUANTILES) {
      assertThat(s.quantile(q)).isEqualTo(nearestRank(sorted, q));
    }
    assertThat(s.count()).isEqualTo(10.0);
    assertThat(s.sum()).isEqualTo(88.5);
  }

  @Test
  void aCopyIsIndependent() {
    QuantileSketch s = of(1, 2, 3);
    QuantileSketch copy = s.copy();
    copy.accept(100);
    assertThat(s.quantile(1.0)).isEqualTo(3.0);
    assertThat(copy.quantile(1.0)).isEqualTo(100.0);
    assertThat(s.count()).isEqualTo(3.0);
  }

  @Test
  void theFormerEncodingIsStillRead() throws Exception {
    DDSketch dd = DDSketches.unboundedDense(QuantileSketch.RELATIVE_ACCURACY);
    for (int v = 1; v <= 100; v++) {
      dd.accept(v);
    }
    GrowingByteArrayOutput out = GrowingByteArrayOutput.withInitialCapacity(64);
    out.writeByte((byte) 2);
    dd.encode(out, false);
    QuantileSketch decoded = QuantileSketch.fromBytes(out.trimmedCopy());
    assertThat(decoded.isExact()).isFalse();
    assertThat(decoded.count()).isEqualTo(100.0);
    assertThat(decoded.quantile(0.9))
        .isCloseTo(90.0, within(90 * QuantileSketch.RELATIVE_ACCURACY));
  }

  @Test
  void impossibleExactValueHeadersAreRejected() {
    byte[] good = of(1, 2, 3).toBytes();
    byte[] badFlag = good.clone();
    badFlag[25] = 7;
    assertThatThrownBy(() -> QuantileSketch.fromBytes(badFlag))
        .isInstanceOf(MalformedSketchException.class)
        .hasMessage("unknown exact-values flag 7");
    byte[] tooMany = good.clone();
    ByteBuffer.wrap(tooMany).putInt(26, 1_000);
    assertThatThrownBy(() -> QuantileSketch.fromBytes(tooMany))
        .isInstanceOf(MalformedSketchException.class)
        .hasMessage("impossible number of exact values 1000");
    byte[] negative = good.clone();
    ByteBuffer.wrap(negative).putInt(26, -1);
    assertThatThrownBy(() -> QuantileSketch.fromBytes(negative))
        .isInstanceOf(MalformedSketchException.class)
        .hasMessage("impossible number of exact values -1");
    assertThatThrownBy(() -> QuantileSketch.fromBytes(new byte[0]))
        .isInstanceOf(MalformedSketchException.class)
        .hasMessage("empty quantile sketch encoding");
    assertThatThrownBy(() -> QuantileSketch.fromBytes(new byte[] {1}))
        .isInstanceOf(MalformedSketchException.class)
        .hasMessage("unknown quantile sketch format 1");
    assertThatThrownBy(() -> QuantileSketch.fromBytes(new byte[] {2, (byte) 0xff, (byte) 0xff}))
        .isInstanceOf(MalformedSketchException.class)
        .hasMessageStartingWith("corrupt quantile sketch: ");
  }

  @Test
  void badBytesAreRejected() {
    assertThatThrownBy(() -> QuantileSketch.fromBytes(new byte[] {9}))
        .isInstanceOf(MalformedSketchException.class)
        .hasMessage("unknown quantile sketch format 9");
    byte[] good = of(1, 2, 3).toBytes();
    byte[] cut = Arrays.copyOf(good, 20);
    assertThatThrownBy(() -> QuantileSketch.fromBytes(cut))
        .isInstanceOf(MalformedSketchException.class);
    assertThatThrownBy(() -> QuantileSketch.create().quantile(0.5))
        .isInstanceOf(NoSuchElementException.class);
  }
}
