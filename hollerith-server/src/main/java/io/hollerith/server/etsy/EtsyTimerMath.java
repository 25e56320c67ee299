package io.hollerith.server.etsy;

import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.snapshot.TimerStats;
import io.hollerith.server.snapshot.TimerStats.PercentileStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Etsy StatsD 0.9's timer statistics ({@code lib/process_metrics.js}), re-implemented with the same
 * arithmetic in the same order so results match to the last bit:
 *
 * <ul>
 *   <li>values sorted ascending, equal values in arrival order (which only shows for {@code -0} and
 *       {@code 0}: see {@link #sortLikeEtsy}); cumulative sums and sums of squares built left to
 *       right;
 *   <li>per threshold {@code pct}: with more than one value, {@code n = round(|pct| / 100 * count)}
 *       (JavaScript rounding, half up); a threshold with {@code n == 0} is skipped entirely; a
 *       positive threshold takes the lowest {@code n} values, a negative one the highest {@code n};
 *       with exactly one value every threshold reports that value with {@code count_N = 1};
 *   <li>a negative threshold that covers every value ({@code n == count}, e.g. {@code -99} of two
 *       values) reads Etsy's cumulative array at index -1 and yields {@code NaN} for {@code sum_N},
 *       {@code sum_squares_N} and {@code mean_N}, exactly as Etsy does;
 *   <li>{@code std} is the population standard deviation around {@code mean = sum / count};
 *   <li>histogram bins count values strictly below each bound, in order, each value once; values
 *       above the last finite bound are ignored (Etsy: "by design").
 * </ul>
 *
 * Stateless; thread-safe.
 */
public final class EtsyTimerMath {

  private EtsyTimerMath() {}

  /**
   * Etsy's key suffix for a threshold: its JavaScript string with the first {@code .} → {@code _},
   * first {@code -} → {@code top}.
   */
  static String suffix(double pct) {
    return JsNumbers.toString(pct).replaceFirst("\\.", "_").replaceFirst("-", "top");
  }

  /**
   * Etsy's bin label: {@code bin_} + the bound's JavaScript string with the first {@code .} →
   * {@code _}; infinity is {@code bin_inf}.
   */
  static String binLabel(double bound) {
    if (bound == Double.POSITIVE_INFINITY) {
      return "bin_inf";
    }
    return "bin_" + JsNumbers.toString(bound).replaceFirst("\\.", "_");
  }

  /** Bins of the first histogram entry whose {@code metric} occurs in {@code etsyKey}, or null. */
  public static List<Double> binsFor(String etsyKey, List<AggregationConfig.Histogram> histograms) {
    for (AggregationConfig.Histogram h : histograms) {
      if (etsyKey.contains(h.metric())) {
        return h.bins().isEmpty() ? null : h.bins();
      }
    }
    return null;
  }

  /** The statistics of every idle interval; immutable, so one instance serves all. */
  private static final TimerStats IDLE =
      new TimerStats(
          0,
          0,
          0,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          List.of(),
          Map.of());

  /**
   * Statistics of a timer that received nothing this interval: Etsy reports only {@code count} and
   * {@code count_ps}, both 0.
   */
  public static TimerStats idle() {
    return IDLE;
  }

  /**
   * Statistics over {@code values[0..n)} (sorted in place).
   *
   * @param timerCount Etsy's {@code timer_counters} value: the sum of {@code 1 / sampleRate}
   * @param bins histogram bounds, or null for none
   */
  public static TimerStats compute(
      double[] values,
      int n,
      double timerCount,
      long intervalMillis,
      List<Double> thresholds,
      List<Double> bins) {
    if (n == 0) {
      return idle();
    }
    sortLikeEtsy(values, n);
    double min = values[0];
    double max = values[n - 1];
    // Every prefix sum the thresholds and the totals may read (a threshold of either sign reads at
    // most k - 1 or n - k - 1), gathered in one pass over the values.
    int[] positions = new int[2 * thresholds.size() + 1];
    int wanted = 0;
    positions[wanted++] = n - 1;
    for (double pct : thresholds) {
      long k = inThreshold(pct, n);
      if (k > 0 && k - 1 < n) {
        positions[wanted++] = (int) k - 1;
      }
      if (k > 0 && n - k - 1 >= 0) {
        positions[wanted++] = (int) (n - k - 1);
      }
    }
    Prefixes prefix = Prefixes.of(values, Arrays.copyOf(positions, wanted));
    // Etsy carries these four across thresholds; with n == 1 they stay at their initial values.
    double sum = min;
    double sumSquares = min * min;
    double mean = min;
    double boundary = max;
    List<PercentileStats> percentiles = new ArrayList<>(thresholds.size());
    for (double pct : thresholds) {
      long inThreshold = n;
      if (n > 1) {
        inThreshold = inThreshold(pct, n);
        if (inThreshold == 0) {
          continue;
        }
        int k = (int) Math.min(inThreshold, Integer.MAX_VALUE);
        if (pct > 0) {
          // k may exceed n for thresholds above 100; Etsy then reads undefined → NaN.
          boundary = k - 1 < n ? values[k - 1] : Double.NaN;
          sum = k - 1 < n ? prefix.sum(k - 1) : Double.NaN;
          sumSquares = k - 1 < n ? prefix.squares(k - 1) : Double.NaN;
        } else {
          int lowIndex = n - k - 1;
          boundary = n - k >= 0 ? values[n - k] : Double.NaN;
          sum = lowIndex >= 0 ? prefix.sum(n - 1) - prefix.sum(lowIndex) : Double.NaN;
          sumSquares =
              lowIndex >= 0 ? prefix.squares(n - 1) - prefix.squares(lowIndex) : Double.NaN;
        }
        mean = sum / inThreshold;
      }
      percentiles.add(
          new PercentileStats(pct, suffix(pct), inThreshold, mean, boundary, sum, sumSquares));
    }
    sum = prefix.sum(n - 1);
    sumSquares = prefix.squares(n - 1);
    mean = sum / n;
    double sumOfDiffs = 0;
    for (int i = 0; i < n; i++) {
      sumOfDiffs += (values[i] - mean) * (values[i] - mean);
    }
    int mid = n / 2;
    double median = (n % 2 != 0) ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    double std = Math.sqrt(sumOfDiffs / n);
    double seconds = intervalMillis / 1000.0;

    Map<String, Long> histogram = Map.of();
    if (bins != null && !bins.isEmpty()) {
      Map<String, Long> h = new LinkedHashMap<>();
      int i = 0;
      for (double bound : bins) {
        long freq = 0;
        for (; i < n && (bound == Double.POSITIVE_INFINITY || values[i] < bound); i++) {
          freq++;
        }
        h.put(binLabel(bound), freq);
      }
      histogram = h;
    }
    return new TimerStats(
        n,
        timerCount,
        timerCount / seconds,
        min,
        max,
        sum,
        sumSquares,
        mean,
        median,
        std,
        percentiles,
        histogram);
  }

  /** Etsy's {@code numInThreshold}: how many of {@code n} values threshold {@code pct} covers. */
  private static long inThreshold(double pct, int n) {
    return jsRound(Math.abs(pct) / 100 * n);
  }

  /**
   * Etsy's {@code cumulativeValues[k]} and {@code cumulSumSquaresValues[k]} at the positions a
   * flush reads: each sum added one value at a time from {@code values[0]} in ascending order, as
   * Etsy does, so the rounding is Etsy's. Both sums are built in one pass that stops at the last
   * position asked for, instead of one pass per threshold and sum, and nothing is kept per value.
   */
  private static final class Prefixes {
    private final int[] positions;
    private final double[] sums;
    private final double[] squares;

    private Prefixes(int[] positions, double[] sums, double[] squares) {
      this.positions = positions;
      this.sums = sums;
      this.squares = squares;
    }

    /** The prefix sums of {@code values} at {@code positions} (each in {@code [0, n)}). */
    static Prefixes of(double[] values, int[] positions) {
      Arrays.sort(positions);
      double[] sums = new double[positions.length];
      double[] squares = new double[positions.length];
      double sum = values[0];
      double sumSquares = values[0] * values[0];
      int j = 0;
      for (int i = 0; j < positions.length; i++) {
        if (i > 0) {
          sum = values[i] + sum;
          sumSquares = (values[i] * values[i]) + sumSquares;
        }
        while (j < positions.length && positions[j] == i) {
          sums[j] = sum;
          squares[j] = sumSquares;
          j++;
        }
      }
      return new Prefixes(positions, sums, squares);
    }

    /** Etsy's {@code cumulativeValues[k]}; {@code k} must be one of the positions. */
    double sum(int k) {
      return sums[Arrays.binarySearch(positions, k)];
    }

    /** Etsy's {@code cumulSumSquaresValues[k]}; {@code k} must be one of the positions. */
    double squares(int k) {
      return squares[Arrays.binarySearch(positions, k)];
    }
  }

  /**
   * Sorts {@code values[0..n)} ascending as Etsy's {@code values.sort((a, b) => a - b)} does.
   * {@link Arrays#sort(double[], int, int)} puts every {@code -0.0} before every {@code 0.0}; V8's
   * sort is stable and that comparator finds the two equal, so Etsy keeps zeros in arrival order,
   * and the sign of a zero shows in {@code lower}, {@code median}, the bounds and some sums. So
   * when both zeros occur, their arrival order is recorded first and written back over the sorted
   * run of zeros. Costs one pass without allocation when they do not.
   */
  static void sortLikeEtsy(double[] values, int n) {
    int negatives = 0;
    int zeros = 0;
    int negativeZeros = 0;
    for (int i = 0; i < n; i++) {
      double v = values[i];
      if (v < 0) {
        negatives++;
      } else if (v == 0) {
        zeros++;
        if (Double.doubleToRawLongBits(v) != 0L) {
          negativeZeros++;
        }
      }
    }
    if (negativeZeros == 0 || negativeZeros == zeros) {
      Arrays.sort(values, 0, n);
      return;
    }
    boolean[] negativeInArrivalOrder = new boolean[zeros];
    for (int i = 0, z = 0; i < n; i++) {
      if (values[i] == 0) {
        negativeInArrivalOrder[z++] = Double.doubleToRawLongBits(values[i]) != 0L;
      }
    }
    Arrays.sort(values, 0, n);
    // NaN never reaches a timer, so the zeros sit right after the negative values.
    for (int z = 0; z < zeros; z++) {
      values[negatives + z] = negativeInArrivalOrder[z] ? -0.0 : 0.0;
    }
  }

  /**
   * JavaScript {@code Math.round} for the non-negative values used here: halves round up (Java's
   * {@link Math#round} agrees).
   */
  static long jsRound(double x) {
    return Math.round(x);
  }
}
