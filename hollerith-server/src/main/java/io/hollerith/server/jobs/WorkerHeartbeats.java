package io.hollerith.server.jobs;

import java.util.List;

/**
 * Where the nodes sharing a store announce themselves: each beats regularly with its worker report
 * (a JSON document), and any node can read who beat recently. Implementations are thread-safe.
 */
public interface WorkerHeartbeats {

  /** One node's latest beat. */
  record Heartbeat(String nodeId, long atMillis, String report) {}

  /** Records that {@code nodeId} is alive at {@code atMillis}, with its report. */
  void beat(String nodeId, long atMillis, String report);

  /** The latest beat of every node that beat at or after {@code sinceMillis}, by node id. */
  List<Heartbeat> since(long sinceMillis);
}
