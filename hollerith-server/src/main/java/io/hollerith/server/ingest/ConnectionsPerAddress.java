package io.hollerith.server.ingest;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open connections per client address, against a limit, so that one host cannot take every
 * connection slot of a listener. Holds an entry only for an address with an open connection, so it
 * never holds more entries than the listener has connections. Thread-safe.
 */
final class ConnectionsPerAddress {

  private final int limit;
  private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

  ConnectionsPerAddress(int limit) {
    this.limit = limit;
  }

  /** Counts one more connection from {@code address}; false (and nothing counted) at the limit. */
  boolean tryOpen(InetAddress address) {
    boolean[] admitted = {false};
    open.compute(
        address,
        (key, count) -> {
          int current = count == null ? 0 : count;
          if (current >= limit) {
            return count;
          }
          admitted[0] = true;
          return current + 1;
        });
    return admitted[0];
  }

  /** Counts one connection from {@code address} less. */
  void closed(InetAddress address) {
    open.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
  }
}
