package io.hollerith.server.api;

import io.hollerith.server.query.QueryException;
import io.hollerith.server.stats.StatsRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the store reads of HTTP requests with a deadline ({@code storage.read_timeout}): a read
 * without an answer by then is answered 503 at once, interrupted, and counted ({@code
 * http.store_read_timeouts}), so a client sees a fast, explained failure while the database is down
 * or hangs instead of a request that hangs with it. A read that fails is a 503 too, logged with its
 * cause; a refused request (a bad parameter) keeps its own status.
 *
 * <p>Reads run on their own bounded pool: a read abandoned at its deadline may keep its thread
 * until the store gives up, and once every thread is held that way further reads get 503 at once
 * ({@code http.store_reads_refused}) rather than queueing behind them.
 *
 * <p>Thread-safe.
 */
final class StoreReads {

  private static final Logger LOG = LoggerFactory.getLogger(StoreReads.class);

  private final long timeoutMillis;
  private final ThreadPoolExecutor pool;
  private final StatsRegistry.Counter timeouts;
  private final StatsRegistry.Counter refused;

  /**
   * @param timeout how long a read may take
   * @param threads most reads in flight, counting abandoned ones still holding their thread
   */
  StoreReads(Duration timeout, int threads, StatsRegistry stats) {
    this.timeoutMillis = timeout.toMillis();
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            new DefaultThreadFactory("hollerith-store-read", true));
    pool.allowCoreThreadTimeOut(true);
    this.timeouts =
        stats.counter(
            "http",
            "store_read_timeouts",
            "Store reads answered 503 because the store had not answered within storage.read_timeout");
    this.refused =
        stats.counter(
            "http",
            "store_reads_refused",
            "Store reads answered 503 at once because every store read thread was still held by an earlier read");
  }

  /**
   * The read's result, or an {@link ApiException} 503 when the store fails or does not answer in
   * time.
   */
  <T> T read(Supplier<T> read) {
    Future<T> future;
    try {
      future = pool.submit(read::get);
    } catch (RejectedExecutionException e) {
      refused.incr();
      throw new ApiException(
          503,
          "Storage busy: "
              + pool.getMaximumPoolSize()
              + " earlier reads are still waiting for the store");
    }
    try {
      return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      timeouts.incr();
      throw new ApiException(
          503, "Storage did not answer within " + timeoutMillis + " ms (storage.read_timeout)");
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new ApiException(503, "Storage read interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof QueryException q) {
        throw q;
      }
      if (e.getCause() instanceof ApiException a) {
        throw a;
      }
      LOG.error("storage read failed", e.getCause());
      throw new ApiException(503, "Storage unavailable; the server log has the cause");
    }
  }

  /** Stops the read threads; reads still running are interrupted. */
  void close() {
    pool.shutdownNow();
  }
}
