package io.hollerith.server.aggregate;

/**
 * One backfilled interval: the series of samples timestamped into an interval that has already been
 * flushed. Series are created in it only under its monitor while it is open; the flusher closes it
 * under the same monitor, so every series it will ever hold is visible to the flush that closes it.
 * Samples for existing series take only the series lock.
 */
final class BackfillInterval {
  final long start;
  final SeriesTables tables = new SeriesTables();

  /** Guarded by this. */
  boolean closed;

  BackfillInterval(long start) {
    this.start = start;
  }
}
