package io.hollerith.server.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hollerith.server.jobs.WorkerHeartbeats;
import io.hollerith.server.stats.StatsRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this node's {@link WorkerReport} to the store every {@code scheduler.heartbeat_interval}
 * on its own daemon thread ({@code hollerith-heartbeat}), the first at once. A beat the store
 * refuses is logged and counted ({@code jobs.heartbeat_failures}); the next comes on time.
 * Thread-safe.
 */
public final class NodeHeartbeat implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeHeartbeat.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String nodeId;
  private final WorkerReport report;
  private final WorkerHeartbeats heartbeats;
  private final Clock clock;
  private final StatsRegistry.Counter failures;
  private ScheduledExecutorService thread;

  public NodeHeartbeat(
      String nodeId,
      WorkerReport report,
      WorkerHeartbeats heartbeats,
      Clock clock,
      StatsRegistry stats) {
    this.nodeId = nodeId;
    this.report = report;
    this.heartbeats = heartbeats;
    this.clock = clock;
    this.failures =
        stats.counter("jobs", "heartbeat_failures", "Worker heartbeats the store refused");
  }

  /** Starts beating every {@code every}. */
  public synchronized NodeHeartbeat start(Duration every) {
    if (thread == null) {
      thread =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "hollerith-heartbeat");
                t.setDaemon(true);
                return t;
              });
      var unused =
          thread.scheduleWithFixedDelay(
              this::beatSafely, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /**
   * Writes one heartbeat now.
   *
   * @throws RuntimeException when the store refuses it
   */
  public void beat() {
    String json;
    try {
      json = JSON.writeValueAsString(report.build());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the worker report: " + e.getMessage(), e);
    }
    heartbeats.beat(nodeId, clock.millis(), json);
  }

  private void beatSafely() {
    try {
      beat();
    } catch (RuntimeException e) {
      failures.incr();
      LOG.warn(
          "worker heartbeat of node {} failed; the next comes on schedule: {}",
          nodeId,
          e.getMessage());
    }
  }

  /** Stops beating (the node then drops out of the workers view after three intervals). */
  @Override
  public synchronized void close() {
    if (thread != null) {
      thread.shutdownNow();
      try {
        thread.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
