package io.hollerith.client;

import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Times a block or a function and sends the result as a timing: pystatsd's {@code Timer}, made by
 * {@link StatsD#timer(String)}.
 *
 * <pre>{@code
 * try (Timer t = statsd.timer("db.query").start()) {   // Python: with statsd.timer('db.query'):
 *   runQuery();
 * }
 * Supplier<Rows> timed = statsd.timer("db.query").wrapSupplier(this::runQuery); // the decorator
 * Timer t = statsd.timer("job").start();  ...  t.stop(false);  ...  t.send();
 * }</pre>
 *
 * <p>Elapsed time is measured on the client's monotonic nanosecond clock ({@link System#nanoTime}
 * unless a test injects another into one of this library's clients) and sent in milliseconds with
 * six decimals. A block or function that throws is still timed, and its exception propagates.
 * Errors are pystatsd's {@code RuntimeError}s as {@link IllegalStateException}s with the same
 * messages.
 *
 * <p><b>Thread-safety:</b> {@code start}/{@code stop}/{@code send}/{@code close} keep state and
 * must stay on one thread at a time (as in pystatsd); the wrapped functions keep no state and may
 * be called from any number of threads.
 */
public final class Timer implements AutoCloseable {

  private final StatsD client;
  private final LongSupplier nanoClock;
  private final String stat;
  private final double rate;
  private boolean started;
  private long startNanos;
  private boolean recorded;
  private double ms;
  private boolean sent;

  Timer(StatsD client, String stat, double rate, LongSupplier nanoClock) {
    this.client = client;
    this.nanoClock = nanoClock;
    this.stat = Objects.requireNonNull(stat, "stat");
    this.rate = rate;
  }

  /** The stat name this timer sends to. */
  public String stat() {
    return stat;
  }

  /** The sample rate of the sent timing. */
  public double rate() {
    return rate;
  }

  /** Starts (or restarts) timing: forgets any earlier result. Returns this timer. */
  public Timer start() {
    recorded = false;
    sent = false;
    started = true;
    startNanos = nanoClock.getAsLong();
    return this;
  }

  /** {@code stop(send=True)}: stops timing and sends the result. */
  public Timer stop() {
    return stop(true);
  }

  /**
   * Stops timing, keeps the elapsed milliseconds in {@link #ms()}, and sends them if {@code send}.
   *
   * @throws IllegalStateException "Timer has not started." before any {@link #start()}
   */
  public Timer stop(boolean send) {
    if (!started) {
      throw new IllegalStateException("Timer has not started.");
    }
    ms = (nanoClock.getAsLong() - startNanos) / 1e6;
    recorded = true;
    if (send) {
      send();
    }
    return this;
  }

  /**
   * Sends the recorded time.
   *
   * @throws IllegalStateException "No data recorded." before {@link #stop()}, or "Already sent
   *     data." if it was sent since the last {@link #start()}
   */
  public void send() {
    if (!recorded) {
      throw new IllegalStateException("No data recorded.");
    }
    if (sent) {
      throw new IllegalStateException("Already sent data.");
    }
    sent = true;
    client.timing(stat, ms, rate);
  }

  /** The elapsed milliseconds of the last {@link #stop}, empty until then ({@code timer.ms}). */
  public OptionalDouble ms() {
    return recorded ? OptionalDouble.of(ms) : OptionalDouble.empty();
  }

  /**
   * {@link #stop()}: ends a try-with-resources block opened with {@code timer(...).start()}.
   *
   * @throws IllegalStateException if the timer was never started (a missing {@code .start()})
   */
  @Override
  public void close() {
    stop();
  }

  /** The decorator: a {@code Runnable} that times every run of {@code task}. Thread-safe. */
  public Runnable wrap(Runnable task) {
    Objects.requireNonNull(task, "task");
    return () -> {
      long t0 = nanoClock.getAsLong();
      try {
        task.run();
      } finally {
        client.timing(stat, (nanoClock.getAsLong() - t0) / 1e6, rate);
      }
    };
  }

  /** The decorator for a {@code Callable}: times every call. Thread-safe. */
  public <T> Callable<T> wrapCallable(Callable<T> task) {
    Objects.requireNonNull(task, "task");
    return () -> {
      long t0 = nanoClock.getAsLong();
      try {
        return task.call();
      } finally {
        client.timing(stat, (nanoClock.getAsLong() - t0) / 1e6, rate);
      }
    };
  }

  /** The decorator for a {@code Supplier}: times every call. Thread-safe. */
  public <T> Supplier<T> wrapSupplier(Supplier<T> task) {
    Objects.requireNonNull(task, "task");
    return () -> {
      long t0 = nanoClock.getAsLong();
      try {
        return task.get();
      } finally {
        client.timing(stat, (nanoClock.getAsLong() - t0) / 1e6, rate);
      }
    };
  }
}
