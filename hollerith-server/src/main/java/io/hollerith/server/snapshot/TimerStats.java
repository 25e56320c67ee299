package io.hollerith.server.snapshot;

import java.util.List;
import java.util.Map;

/**
 * The statistics Etsy StatsD 0.9 computes for one timer over one interval, with Etsy's meanings.
 *
 * @param sampleCount how many values were received (the length of Etsy's sorted value array)
 * @param count values scaled by their sample rates (Etsy's {@code count}, from {@code
 *     timer_counters})
 * @param countPerSecond {@code count} over the interval in seconds (Etsy's {@code count_ps})
 * @param lower smallest value
 * @param upper largest value
 * @param sum sum of the values
 * @param sumSquares sum of the squared values
 * @param mean {@code sum / sampleCount}
 * @param median median of the sorted values (mean of the middle two for an even count)
 * @param std population standard deviation
 * @param percentiles one entry per configured {@code percentThreshold}, in configuration order
 * @param histogram bin label ({@code bin_50}, {@code bin_inf}, …) to count; empty when no bins
 *     apply
 */
public record TimerStats(
    long sampleCount,
    double count,
    double countPerSecond,
    double lower,
    double upper,
    double sum,
    double sumSquares,
    double mean,
    double median,
    double std,
    List<PercentileStats> percentiles,
    Map<String, Long> histogram) {

  public TimerStats {
    percentiles = List.copyOf(percentiles);
    histogram = Map.copyOf(histogram);
  }

  /**
   * Etsy's per-threshold values. For a negative threshold Etsy reports the lower tail and names the
   * bound {@code lower_N} instead of {@code upper_N}; {@link #bound} holds it either way.
   *
   * @param threshold the configured threshold, e.g. {@code 90} or {@code -10} or {@code 99.9}
   * @param suffix Etsy's key suffix for it: {@code 90}, {@code 99_9} (dots become underscores)
   * @param count values within the threshold ({@code count_N})
   * @param mean their mean ({@code mean_N})
   * @param bound the largest (or, for a negative threshold, smallest) value within it
   * @param sum their sum ({@code sum_N})
   * @param sumSquares their sum of squares ({@code sum_squares_N})
   */
  public record PercentileStats(
      double threshold,
      String suffix,
      long count,
      double mean,
      double bound,
      double sum,
      double sumSquares) {

    /** {@code upper_N} or {@code lower_N}, as Etsy names the bound. */
    public String boundName() {
      return (threshold < 0 ? "lower_" : "upper_") + suffix;
    }
  }
}
