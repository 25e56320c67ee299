package io.hollerith.server.flush;

import io.hollerith.server.snapshot.FlushSnapshot;

/**
 * Where flushed snapshots go (console, Graphite, the store). The flusher calls every sink once per
 * snapshot, from one thread, in time order; a sink that throws is counted and logged, and the other
 * sinks still receive the snapshot. Sinks must not block for long: a sink that does I/O which can
 * stall (a database, a remote host) queues internally with a bound.
 */
public interface FlushSink extends AutoCloseable {

  /** Short name used in config, logs and internal stats ({@code console}, {@code graphite}). */
  String name();

  /** Receives one snapshot. */
  void publish(FlushSnapshot snapshot) throws Exception;

  /**
   * Flushes anything queued and releases resources; called once at shutdown after the final flush.
   */
  @Override
  default void close() {}
}
