package io.hollerith.server.ingest;

/**
 * Creates the {@link PacketHandler}s of the ingest listeners: one per listener and event-loop
 * thread, created when that thread first serves the listener. In production each handler parses
 * into its own aggregator writer, so ingest threads never share a writer or a lock.
 *
 * <p>{@link #create} may be called from any event-loop thread; implementations must be thread-safe.
 */
@FunctionalInterface
public interface PacketHandlerFactory {

  /**
   * A handler for one event-loop thread of one listener.
   *
   * @param listener {@code udp}, {@code tcp}, {@code unix_stream} or {@code unix_datagram}
   */
  PacketHandler create(String listener);
}
