package io.hollerith.server.aggregate;

/**
 * The arrays a timer's values and weights are copied into when its interval is closed, reused by
 * every timer of a flush and by every flush after it, so closing an interval allocates nothing per
 * value here. A flush hands the copy to {@link IntervalFlush#timer}, which is done with it before
 * the next timer is closed. Arrays above {@value #KEEP_AT_MOST} values are made for one timer and
 * not kept, so one huge interval does not pin its size in memory.
 *
 * <p>Not thread-safe: the aggregator's flush lock guards it.
 */
final class TimerScratch {
  /** The most values an array kept between timers holds. */
  static final int KEEP_AT_MOST = 1 << 16;

  private double[] values = new double[0];
  private double[] weights = new double[0];

  /**
   * The values of {@code source} at the start of a reused array (or a new one above {@link
   * #KEEP_AT_MOST}).
   */
  double[] values(DoubleBlocks source) {
    values = fit(values, source.size());
    return copy(source, values);
  }

  /** Like {@link #values}, in the other array, for the weights. */
  double[] weights(DoubleBlocks source) {
    weights = fit(weights, source.size());
    return copy(source, weights);
  }

  private static double[] fit(double[] kept, int n) {
    return kept.length >= n || n > KEEP_AT_MOST
        ? kept
        : new double[Math.min(KEEP_AT_MOST, Math.max(n, 2 * kept.length))];
  }

  private static double[] copy(DoubleBlocks source, double[] into) {
    double[] target = into.length >= source.size() ? into : new double[source.size()];
    source.copyTo(target);
    return target;
  }
}
