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

  /** {@code source[0..n)} in a reused array (or a new one above {@link #KEEP_AT_MOST}). */
  double[] values(double[] source, int n) {
    values = fit(values, n);
    return copy(source, n, values);
  }

  /** Like {@link #values}, in the other array, for the weights. */
  double[] weights(double[] source, int n) {
    weights = fit(weights, n);
    return copy(source, n, weights);
  }

  private static double[] fit(double[] kept, int n) {
    return kept.length >= n || n > KEEP_AT_MOST
        ? kept
        : new double[Math.min(KEEP_AT_MOST, Math.max(n, 2 * kept.length))];
  }

  private static double[] copy(double[] source, int n, double[] into) {
    double[] target = into.length >= n ? into : new double[n];
    System.arraycopy(source, 0, target, 0, n);
    return target;
  }
}
