package io.hollerith.server.snapshot;

import java.util.List;

/**
 * What the flusher drives: something that aggregates samples into wall-clock aligned intervals and
 * closes them into {@link FlushSnapshot}s on request. Implementations must be thread-safe: the
 * flusher calls from its own thread while ingest threads write.
 */
public interface IntervalSource {

  /** The flush interval in milliseconds. */
  long intervalMillis();

  /**
   * The start of the wall-clock aligned interval containing {@code epochMillis} (a multiple of the
   * interval).
   */
  long alignedStart(long epochMillis);

  /** Start of the interval the next {@link #flush} will close. */
  long openIntervalStart();

  /**
   * Closes the interval that started at {@code intervalStartMillis}: the snapshots of any earlier
   * (backfilled) intervals, oldest first, then the one of the live interval. Later samples count in
   * the interval starting at {@code intervalStartMillis + intervalMillis()}.
   */
  List<FlushSnapshot> flush(long intervalStartMillis);

  /**
   * True if writers hold samples back in batches that {@link #mergeBuffers()} must merge
   * periodically.
   */
  boolean buffered();

  /** How often (ms) pending batches must be merged when {@link #buffered()}. */
  long bufferFlushIntervalMillis();

  /**
   * Merges every writer's pending batch into the live aggregates now; no-op when not {@link
   * #buffered()}.
   */
  void mergeBuffers();
}
