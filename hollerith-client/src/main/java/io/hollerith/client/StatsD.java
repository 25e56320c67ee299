package io.hollerith.client;

import java.time.Duration;

/**
 * The StatsD client contract: pystatsd's {@code StatsClientBase} API, which every client of this
 * library implements ({@link StatsClient} over UDP, {@link TcpStatsClient}, {@link
 * UnixSocketStatsClient}, a {@link Pipeline} and a {@link #withTags} view). Depend on this type,
 * not on a transport, so that tests and configurations without metrics can pass {@link #noop()} or
 * a fake of their own.
 *
 * <p><b>Implementing it.</b> The shorter overloads are default methods that call the longest one of
 * their kind with pystatsd's keyword defaults ({@code count = 1}, {@code rate = 1}, {@code delta =
 * false}); {@code decr} with a float count becomes {@code incr} with its negation; a {@code
 * Duration} becomes milliseconds as pystatsd computes them from a {@code timedelta}. A fake
 * therefore implements the longest overload of each metric, {@link #sendLine}, {@link #pipeline},
 * {@link #withTags}, {@link #prefix} and {@link #close}, and sees every call there. The default
 * {@link #timer(String, double)} measures on {@link System#nanoTime()} and reports through {@link
 * #timing(String, double, double)}.
 *
 * <p><b>Which calls may throw.</b>
 *
 * <ul>
 *   <li>{@link StatsClient} (UDP) never throws on a send failure: it counts the failure and passes
 *       it to its error handler, and the stat is lost as UDP would lose it.
 *   <li>{@link TcpStatsClient} and {@link UnixSocketStatsClient} throw {@link
 *       java.io.UncheckedIOException} when connecting or writing fails (pystatsd raises the socket
 *       error), from every metric method and from {@link Pipeline#send()}.
 *   <li>Every client of this library throws {@link IllegalArgumentException} for text that is not
 *       ASCII or an invalid tag, and {@link NullPointerException} for a {@code null} name, before
 *       anything is sent.
 *   <li>{@link #noop()} never throws from {@code incr}, {@code decr}, {@code gauge}, {@code set},
 *       {@code timing} or {@code sendLine}, whatever the arguments.
 * </ul>
 *
 * <p><b>Thread-safety</b> is that of the implementation: {@link StatsClient} and {@link #noop()}
 * are thread-safe; the stream clients and pipelines are not.
 */
public interface StatsD extends AutoCloseable {

  /**
   * A client that sends nothing and whose metric methods never throw, whatever the arguments, for
   * tests and for disabled metrics. Its pipelines and tagged views are itself, and its {@link
   * #prefix()} is {@code null}. Thread-safe.
   */
  static StatsD noop() {
    return NoopStatsD.INSTANCE;
  }

  // ---------------------------------------------------------------- counters

  /** {@code incr(stat)}: adds 1 to a counter, {@code stat:1|c}. */
  default void incr(String stat) {
    incr(stat, 1L, 1.0);
  }

  /** {@code incr(stat, count)}: {@code stat:count|c}. */
  default void incr(String stat, long count) {
    incr(stat, count, 1.0);
  }

  /**
   * {@code incr(stat, count, rate)}: {@code stat:count|c|@rate}, sent with probability {@code
   * rate}.
   */
  void incr(String stat, long count, double rate);

  /** {@code incr(stat, 1.2)}: a float count, printed as Python does ({@code stat:1.2|c}). */
  default void incr(String stat, double count) {
    incr(stat, count, 1.0);
  }

  /** {@code incr(stat, count, rate)} with a float count. */
  void incr(String stat, double count, double rate);

  /** {@code decr(stat)}: {@code stat:-1|c}. */
  default void decr(String stat) {
    decr(stat, 1L, 1.0);
  }

  /** {@code decr(stat, count)}: {@code stat:-count|c}. */
  default void decr(String stat, long count) {
    decr(stat, count, 1.0);
  }

  /**
   * {@code decr(stat, count, rate)}: {@code incr(stat, -count, rate)}, where negating {@link
   * Long#MIN_VALUE} gives {@code 9223372036854775808} as Python's unbounded ints do.
   */
  void decr(String stat, long count, double rate);

  /** {@code decr(stat, 1.2)}: {@code stat:-1.2|c}. */
  default void decr(String stat, double count) {
    decr(stat, count, 1.0);
  }

  /** {@code decr(stat, count, rate)} with a float count: {@code incr(stat, -count, rate)}. */
  default void decr(String stat, double count, double rate) {
    incr(stat, -count, rate);
  }

  // ---------------------------------------------------------------- gauges

  /** {@code gauge(stat, value)}: sets a gauge. */
  default void gauge(String stat, long value) {
    gauge(stat, value, 1.0, false);
  }

  /** {@code gauge(stat, value, delta=...)}. */
  default void gauge(String stat, long value, boolean delta) {
    gauge(stat, value, 1.0, delta);
  }

  /** {@code gauge(stat, value, rate)}. */
  default void gauge(String stat, long value, double rate) {
    gauge(stat, value, rate, false);
  }

  /**
   * {@code gauge(stat, value, rate, delta)}. A delta is sent signed ({@code +12}, {@code -13},
   * {@code +0}). An absolute negative value cannot be expressed in one StatsD line, so, as pystatsd
   * does, it is sent as {@code stat:0|g} then {@code stat:-5|g}, joined in one packet when they
   * fit, sampled once and without a rate suffix.
   */
  void gauge(String stat, long value, double rate, boolean delta);

  /** {@code gauge(stat, 1.2)}. */
  default void gauge(String stat, double value) {
    gauge(stat, value, 1.0, false);
  }

  /** {@code gauge(stat, value, delta=...)} with a float value. */
  default void gauge(String stat, double value, boolean delta) {
    gauge(stat, value, 1.0, delta);
  }

  /** {@code gauge(stat, value, rate)} with a float value. */
  default void gauge(String stat, double value, double rate) {
    gauge(stat, value, rate, false);
  }

  /**
   * {@code gauge(stat, value, rate, delta)} with a float value, with the same comparisons as
   * Python: {@code nan} is neither negative nor signed, {@code -0.0} is not negative (so an
   * absolute {@code -0.0} is sent as {@code -0.0} and a delta {@code -0.0} as {@code +-0.0}).
   */
  void gauge(String stat, double value, double rate, boolean delta);

  // ---------------------------------------------------------------- sets

  /** {@code set(stat, value)}: adds {@code value} to a set, {@code stat:value|s}. */
  default void set(String stat, String value) {
    set(stat, value, 1.0);
  }

  /** {@code set(stat, value, rate)}. */
  void set(String stat, String value, double rate);

  /** {@code set(stat, 10)}. */
  default void set(String stat, long value) {
    set(stat, value, 1.0);
  }

  /** {@code set(stat, value, rate)} with an integer member. */
  void set(String stat, long value, double rate);

  /** {@code set(stat, 2.3)}: the member printed as Python prints the float. */
  default void set(String stat, double value) {
    set(stat, value, 1.0);
  }

  /** {@code set(stat, value, rate)} with a float member. */
  void set(String stat, double value, double rate);

  // ---------------------------------------------------------------- timings

  /**
   * {@code timing(stat, millis)}: {@code stat:100.000000|ms} (six decimals, as {@code '%0.6f'}).
   */
  default void timing(String stat, double millis) {
    timing(stat, millis, 1.0);
  }

  /** {@code timing(stat, millis, rate)}. */
  void timing(String stat, double millis, double rate);

  /** {@code timing(stat, timedelta)}: the duration in milliseconds, as pystatsd computes them. */
  default void timing(String stat, Duration duration) {
    timing(stat, duration, 1.0);
  }

  /**
   * {@code timing(stat, timedelta, rate)}: {@code total_seconds() * 1000.}, where {@code
   * total_seconds()} is the correctly rounded quotient of whole microseconds by 10^6; a duration
   * with a sub-microsecond part (which a {@code timedelta} cannot hold) is converted as {@code
   * nanos / 1e6} instead, keeping it.
   */
  default void timing(String stat, Duration duration, double rate) {
    timing(stat, DurationMillis.of(duration), rate);
  }

  /**
   * {@code timer(stat)}: a {@link Timer} for a block (try-with-resources), a function (its {@code
   * wrap} methods) or manual {@code start()}/{@code stop()}.
   */
  default Timer timer(String stat) {
    return timer(stat, 1.0);
  }

  /**
   * {@code timer(stat, rate)}: a {@link Timer} that reports through {@link #timing(String, double,
   * double)}.
   */
  default Timer timer(String stat, double rate) {
    return new Timer(this, stat, rate, System::nanoTime);
  }

  // ---------------------------------------------------------------- raw lines and composition

  /**
   * Sends a line that is already in StatsD format, as is: no prefix, no tags, no sampling (not in
   * pystatsd; for tools such as {@code hollerith send --line}). In a pipeline it is one item.
   *
   * @throws IllegalArgumentException if the line is empty or not ASCII
   */
  void sendLine(String line);

  /**
   * {@code pipeline()}: a {@link Pipeline} that batches stats and sends them, with this client's
   * prefix, tags and random source, on {@link Pipeline#send()} or {@link Pipeline#close()}.
   */
  Pipeline pipeline();

  /**
   * A view of this client that appends DogStatsD tags ({@code |#k:v,k2}) to every line, for servers
   * that accept them (Hollerith does; Etsy StatsD does not, which is why pystatsd has no tags). The
   * view shares this client's connection: closing either closes it. Tags accumulate over repeated
   * calls. Each tag is ASCII without {@code ,}, {@code |}, {@code #}, or line breaks, and not
   * empty.
   *
   * @throws IllegalArgumentException for an invalid tag or no tags at all
   */
  StatsD withTags(String... tags);

  /** The prefix joined to every stat name with a dot, or {@code null}. */
  String prefix();

  /**
   * Closes the underlying connection (a pipeline sends instead). Never throws a checked exception.
   */
  @Override
  void close();
}
