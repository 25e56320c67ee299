package io.hollerith.server.ops;

import io.hollerith.server.config.OpsConfig;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.storage.ReadOnlySql;
import io.hollerith.server.storage.StoreException;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs ad-hoc read-only SQL over the metric data: one fresh {@link ReadOnlySql} connection per
 * query, on a small bounded pool of its own (a full pool answers 503 at once), with the configured
 * timeout (the database cancels the statement; a watchdog cancels it too, and answers 408), row cap
 * and result size cap (both flag the result {@code truncated}). Every query is logged with its
 * user, duration and outcome, and counted. Thread-safe.
 */
public final class ReadOnlyQueries implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReadOnlyQueries.class);

  /** Characters of a query written to the log. */
  private static final int LOGGED_QUERY_CHARS = 2000;

  /** How long past the timeout the watchdog waits for the database's own cancellation. */
  private static final long WATCHDOG_GRACE_MILLIS = 2_000;

  /** A query's answer. */
  public record Result(
      List<String> columns, List<List<Object>> rows, boolean truncated, long elapsedMillis) {}

  private final ReadOnlySql sql;
  private final OpsConfig.Query config;
  private final ThreadPoolExecutor pool;

  /**
   * Queries running or waiting: a permit is taken before submitting and given back when the query's
   * task ends (not when its caller stops waiting), so the executor's queue never exceeds {@code
   * max_queued} even while timed-out queries wind down.
   */
  private final Semaphore admitted;

  private final StatsRegistry.Counter queries;
  private final StatsRegistry.Counter failures;
  private final StatsRegistry.Counter timeouts;
  private final StatsRegistry.Counter truncated;
  private final StatsRegistry.Counter rejectedBusy;

  public ReadOnlyQueries(ReadOnlySql sql, OpsConfig.Query config, StatsRegistry stats) {
    this.sql = sql;
    this.config = config;
    this.admitted = new Semaphore(config.threads() + config.maxQueued());
    this.pool =
        new ThreadPoolExecutor(
            config.threads(),
            config.threads(),
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            new DefaultThreadFactory("hollerith-readonly-sql", true));
    this.queries = stats.counter("ops", "queries", "Read-only SQL queries answered");
    this.failures =
        stats.counter("ops", "query_errors", "Read-only SQL queries the database refused (400)");
    this.timeouts =
        stats.counter(
            "ops",
            "query_timeouts",
            "Read-only SQL queries cancelled after ops.query.timeout (408)");
    this.truncated =
        stats.counter(
            "ops",
            "query_truncated",
            "Read-only SQL results cut at ops.query.max_rows or ops.query.max_result_bytes");
    this.rejectedBusy =
        stats.counter(
            "ops",
            "query_rejected_busy",
            "Read-only SQL queries refused with 503 because every query thread was busy");
  }

  /**
   * The most rows a result holds ({@code ops.query.max_rows}); a longer result is cut and flagged
   * truncated.
   */
  public int maxRows() {
    return config.maxRows();
  }

  /**
   * Runs one query and waits for its answer.
   *
   * @param user who asks, for the log
   * @throws OpsException 400 with the database's message, 408 after the timeout, 503 when busy or
   *     when read-only access is not configured
   */
  public Result run(String user, String query) {
    if (query == null || query.isBlank()) {
      throw new OpsException(400, "Parameter query: a non-empty SQL query is required");
    }
    String refusal = sql.refusal(query);
    if (refusal != null) {
      failures.incr();
      LOG.info("read-only SQL by {} refused ({}): {}", user, refusal, logged(query));
      throw new OpsException(400, "Query refused: " + refusal);
    }
    long started = System.nanoTime();
    AtomicReference<PreparedStatement> running = new AtomicReference<>();
    if (!admitted.tryAcquire()) {
      rejectedBusy.incr();
      throw new OpsException(
          503,
          "All "
              + config.threads()
              + " read-only SQL threads are busy and "
              + config.maxQueued()
              + " queries wait; retry later");
    }
    Future<Result> future;
    try {
      future =
          pool.submit(
              () -> {
                try {
                  return execute(query, running, started);
                } finally {
                  admitted.release();
                }
              });
    } catch (RejectedExecutionException e) {
      admitted.release();
      throw new OpsException(503, "Read-only SQL is shutting down");
    }
    try {
      Result r =
          future.get(config.timeout().toMillis() + WATCHDOG_GRACE_MILLIS, TimeUnit.MILLISECONDS);
      queries.incr();
      if (r.truncated()) {
        truncated.incr();
      }
      LOG.info(
          "read-only SQL by {} took {} ms, {} rows{}: {}",
          user,
          r.elapsedMillis(),
          r.rows().size(),
          r.truncated() ? " (truncated)" : "",
          logged(query));
      return r;
    } catch (TimeoutException e) {
      cancel(running.get());
      future.cancel(true);
      throw timedOut(user, query, started);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel(running.get());
      future.cancel(true);
      throw new OpsException(503, "interrupted while the query ran");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SQLException s && sql.isTimeout(s)) {
        throw timedOut(user, query, started);
      }
      if (cause instanceof StoreException || cause instanceof IllegalArgumentException) {
        LOG.warn("read-only SQL by {} not run: {}", user, cause.getMessage());
        throw new OpsException(503, "Read-only SQL is not available: " + cause.getMessage());
      }
      failures.incr();
      String message = cause instanceof SQLException ? cause.getMessage() : String.valueOf(cause);
      LOG.info(
          "read-only SQL by {} failed after {} ms ({}): {}",
          user,
          millisSince(started),
          message,
          logged(query));
      throw new OpsException(400, message);
    }
  }

  private Result execute(String query, AtomicReference<PreparedStatement> running, long started)
      throws SQLException {
    try (Connection c = sql.open(config.timeout(), config.maxResultBytes());
        PreparedStatement ps = c.prepareStatement(query)) {
      running.set(ps);
      ps.setMaxRows(config.maxRows() + 1);
      // A first batch of one row; PostgreSQL's adaptive fetch then sizes each batch to its result
      // buffer.
      ps.setFetchSize(1);
      List<String> columns = new ArrayList<>();
      List<List<Object>> rows = new ArrayList<>();
      boolean cut = false;
      if (ps.execute()) {
        try (ResultSet rs = ps.getResultSet()) {
          ResultSetMetaData md = rs.getMetaData();
          int n = md.getColumnCount();
          for (int i = 1; i <= n; i++) {
            columns.add(md.getColumnLabel(i));
          }
          long bytes = 0;
          rows:
          while (rs.next()) {
            if (rows.size() == config.maxRows()) {
              cut = true;
              break;
            }
            List<Object> row = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
              Object v = plain(rs.getObject(i));
              bytes += approximateBytes(v);
              if (bytes > config.maxResultBytes()) {
                cut = true;
                break rows;
              }
              row.add(v);
            }
            rows.add(row);
          }
        }
      }
      c.rollback();
      return new Result(columns, rows, cut, millisSince(started));
    }
  }

  private OpsException timedOut(String user, String query, long started) {
    timeouts.incr();
    LOG.info(
        "read-only SQL by {} cancelled after {} ms (ops.query.timeout {}): {}",
        user,
        millisSince(started),
        config.timeout(),
        logged(query));
    return new OpsException(
        408,
        "Query cancelled: it ran longer than ops.query.timeout ("
            + config.timeout().toMillis()
            + " ms)");
  }

  private static void cancel(PreparedStatement ps) {
    if (ps != null) {
      try {
        ps.cancel();
      } catch (SQLException | RuntimeException ignored) {
        // already finished or closed: nothing left to cancel
      }
    }
  }

  /**
   * A JSON-ready value: numbers, strings, booleans and null as they are; bytes as Base64; others as
   * text.
   */
  static Object plain(Object v) {
    if (v == null
        || v instanceof String
        || v instanceof Boolean
        || v instanceof Long
        || v instanceof Integer
        || v instanceof Double
        || v instanceof Float
        || v instanceof Short) {
      return v;
    }
    if (v instanceof BigDecimal d) {
      return d.stripTrailingZeros().scale() <= 0
              && d.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
          ? (Object) d.longValue()
          : (Object) d.doubleValue();
    }
    if (v instanceof byte[] b) {
      return Base64.getEncoder().encodeToString(b);
    }
    return v.toString();
  }

  private static long approximateBytes(Object v) {
    return v instanceof String s ? s.length() + 2L : 8L;
  }

  private static long millisSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  private static String logged(String query) {
    String oneLine = query.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= LOGGED_QUERY_CHARS
        ? oneLine
        : oneLine.substring(0, LOGGED_QUERY_CHARS) + "…";
  }

  /** Stops the query threads (running queries are interrupted). */
  @Override
  public void close() {
    pool.shutdownNow();
  }
}
