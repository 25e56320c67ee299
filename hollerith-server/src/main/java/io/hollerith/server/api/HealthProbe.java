package io.hollerith.server.api;

import io.hollerith.server.stats.StatsRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the {@link HealthCheck}s of {@code GET /health} within one deadline, so the endpoint answers
 * in bounded time whatever a component does (a database that hangs, a pool waiting for a
 * connection). Every check runs on a thread of its own; one without an answer by the deadline is
 * reported down ("no answer within …") and counted ({@code http.health_check_timeouts}) while it
 * finishes in the background. A check still running from an earlier probe is not started again:
 * later probes wait for that same run, so a hung check holds at most one thread.
 *
 * <p>Thread-safe: the runs in flight are a concurrent map, replaced atomically per check.
 */
final class HealthProbe {

  private final List<HealthCheck> checks;
  private final long timeoutNanos;
  private final StatsRegistry.Counter timeouts;

  /** At most one thread per check (see above), so the pool is bounded by the number of checks. */
  private final ExecutorService runner =
      Executors.newCachedThreadPool(new DefaultThreadFactory("hollerith-health", true));

  private final Map<HealthCheck, CompletableFuture<HealthCheck.Status>> running =
      new ConcurrentHashMap<>();

  HealthProbe(List<HealthCheck> checks, Duration timeout, StatsRegistry stats) {
    this.checks = List.copyOf(checks);
    this.timeoutNanos = timeout.toNanos();
    this.timeouts =
        stats.counter(
            "http",
            "health_check_timeouts",
            "Health checks reported down because they had not answered within http.health_check_timeout");
  }

  /**
   * Every check's status by name, in registration order; returns within the timeout (plus
   * scheduling).
   */
  Map<String, HealthCheck.Status> run() {
    Map<HealthCheck, CompletableFuture<HealthCheck.Status>> started = new LinkedHashMap<>();
    for (HealthCheck check : checks) {
      started.put(
          check,
          running.compute(
              check,
              (c, previous) ->
                  previous != null && !previous.isDone()
                      ? previous
                      : CompletableFuture.supplyAsync(() -> safely(c), runner)));
    }
    long deadline = System.nanoTime() + timeoutNanos;
    Map<String, HealthCheck.Status> out = new LinkedHashMap<>();
    for (Map.Entry<HealthCheck, CompletableFuture<HealthCheck.Status>> e : started.entrySet()) {
      out.put(e.getKey().name(), await(e.getValue(), deadline));
    }
    return out;
  }

  private HealthCheck.Status await(CompletableFuture<HealthCheck.Status> run, long deadline) {
    try {
      return run.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      timeouts.incr();
      return HealthCheck.Status.down(
          "no answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return HealthCheck.Status.down("health probe interrupted");
    } catch (ExecutionException e) {
      return HealthCheck.Status.down("check failed: " + e.getCause().getMessage());
    }
  }

  private static HealthCheck.Status safely(HealthCheck check) {
    try {
      HealthCheck.Status s = check.check();
      return s != null ? s : HealthCheck.Status.down("check returned nothing");
    } catch (RuntimeException e) {
      return HealthCheck.Status.down("check failed: " + e.getMessage());
    }
  }

  /** Stops the check threads; checks still running are interrupted. */
  void close() {
    runner.shutdownNow();
  }
}
