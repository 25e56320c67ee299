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
    // Etsy carries these four across thresholds; with n == 1 they stay at their initial values.
    double sum = min;
    double sumSquares = min * min;
    double mean = min;
    double boundary = max;
    List<PercentileStats> percentiles = new ArrayList<>(thresholds.size());
    for (double pct : thresholds) {
      long inThreshold = n;
      if (n > 1) {
        inThreshold = jsRound(Math.abs(pct) / 100 * n);
        if (inThreshold == 0) {
          continue;
        }
        int k = (int) Math.min(inThreshold, Integer.MAX_VALUE);
        if (pct > 0) {
          // k may exceed n for thresholds above 100; Etsy then reads undefined → NaN.
          boundary = k - 1 < n ? values[k - 1] : Double.NaN;
          sum = k - 1 < n ? cumulative(values, k - 1) : Double.NaN;
          sumSquares = k - 1 < n ? cumulativeSquares(values, k - 1) : Double.NaN;
        } else {
          int lowIndex = n - k - 1;
          boundary = n - k >= 0 ? values[n - k] : Double.NaN;
          sum =
              lowIndex >= 0 ? cumulative(values, n - 1) - cumulative(values, lowIndex) : Double.NaN;
          sumSquares =
              lowIndex >= 0
                  ? cumulativeSquares(values, n - 1) - cumulativeSquares(values, lowIndex)
                  : Double.NaN;
        }
        mean = sum / inThreshold;
      }
      percentiles.add(
          new PercentileStats(pct, suffix(pct), inThreshold, mean, boundary, sum, sumSquares));
    }
    sum = cumulative(values, n - 1);
    sumSquares = cumulativeSquares(values, n - 1);
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

  /**
   * Etsy's {@code cumulativeValues[k]}: {@code values[0] + … + values[k]}, added one at a time in
   * that order as Etsy does, so the rounding is Etsy's. Recomputed for each use instead of kept in
   * an array, so a flush allocates nothing per value.
   */
  private static double cumulative(double[] values, int k) {
    double sum = values[0];
    for (int i = 1; i <= k; i++) {
      sum = values[i] + sum;
    }
    return sum;
  }

  /** Etsy's {@code cumulSumSquaresValues[k]}, added in the same order as {@link #cumulative}. */
  private static double cumulativeSquares(double[] values, int k) {
    double sum = values[0] * values[0];
    for (int i = 1; i <= k; i++) {
      sum = (values[i] * values[i]) + sum;
    }
    return sum;
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
