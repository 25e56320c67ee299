package io.hollerith.client;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The metric methods shared by every client and by {@link Pipeline}: pystatsd's
 * {@code StatsClientBase} in Java.
 *
 * <p>Each method builds one StatsD line {@code [prefix.]stat:value|type[|@rate][|#tags]} exactly as
 * pystatsd 4.x would (integers as Python prints an {@code int}, doubles as Python's
 * {@code repr(float)}, timings as {@code '%0.6f'}) and hands it to the transport. Python's
 * keyword defaults become overloads: {@code count = 1}, {@code rate = 1}, {@code delta = false}.
 *
 * <p><b>Sampling.</b> With {@code rate < 1} a stat is dropped when the client's random source
 * returns a value {@code > rate}, and otherwise sent with {@code |@rate} appended (the rate
 * printed as Python prints a float). A rate {@code >= 1} never adds a suffix.
 *
 * <p><b>Text.</b> Stat names, the prefix, set members and tags must be ASCII (pystatsd encodes with
 * {@code 'ascii'}); anything else throws {@link IllegalArgumentException} and sends nothing. As in
 * pystatsd, names are not otherwise validated or escaped.
 *
 * <p><b>Thread-safety</b> is that of the concrete class: {@link StatsClient} is thread-safe,
 * {@link TcpStatsClient}, {@link UnixSocketStatsClient} and {@link Pipeline} are not.
 */
public abstract class StatsClientBase implements AutoCloseable {

  /** The prefix as ASCII bytes followed by a dot, or {@code null} when there is no prefix. */
  final byte[] prefixDot;
  /** {@code |#tag1,tag2} as ASCII bytes, or {@code null} when there are no tags. */
  final byte[] tagSuffix;
  final String prefix;
  final DoubleSupplier random;
  final LongSupplier nanoClock;

  StatsClientBase(String prefix, byte[] tagSuffix, DoubleSupplier random, LongSupplier nanoClock) {
    this.prefix = prefix;
    this.prefixDot = prefix == null || prefix.isEmpty() ? null : asciiBytes(prefix + ".", "prefix");
    this.tagSuffix = tagSuffix;
    this.random = Objects.requireNonNull(random, "random");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  // ---------------------------------------------------------------- transport hooks

  /**
   * Delivers one prepared item (pystatsd's {@code _after}): a UDP datagram, a newline-terminated
   * stream write, or one entry of a pipeline. The bytes may hold several lines joined by
   * {@code \n}. The bytes are only valid during the call.
   */
  abstract void deliver(LineBuffer buf, int off, int len);

  /**
   * The packing limit of this client's pipelines: two items are joined into one packet only
   * while {@code len(joined) < packLimit()}. {@link Integer#MAX_VALUE} for streams, which never
   * split.
   */
  abstract int packLimit();

  // ---------------------------------------------------------------- counters

  /** {@code incr(stat)}: adds 1 to a counter, {@code stat:1|c}. */
  public void incr(String stat) {
    incr(stat, 1L, 1.0);
  }

  /** {@code incr(stat, count)}: {@code stat:count|c}. */
  public void incr(String stat, long count) {
    incr(stat, count, 1.0);
  }

  /** {@code incr(stat, count, rate)}: {@code stat:count|c|@rate}, sent with probability {@code rate}. */
  public void incr(String stat, long count, double rate) {
    send(stat, false, count, 0, "|c", rate);
  }

  /** {@code incr(stat, 1.2)}: a float count, printed as Python does ({@code stat:1.2|c}). */
  public void incr(String stat, double count) {
    incr(stat, count, 1.0);
  }

  /** {@code incr(stat, count, rate)} with a float count. */
  public void incr(String stat, double count, double rate) {
    send(stat, true, 0, count, "|c", rate);
  }

  /** {@code decr(stat)}: {@code stat:-1|c}. */
  public void decr(String stat) {
    decr(stat, 1L, 1.0);
  }

  /** {@code decr(stat, count)}: {@code stat:-count|c}. */
  public void decr(String stat, long count) {
    decr(stat, count, 1.0);
  }

  /**
   * {@code decr(stat, count, rate)}: {@code incr(stat, -count, rate)}. Negating
   * {@link Long#MIN_VALUE} gives {@code 9223372036854775808} as Python's unbounded ints do.
   */
  public void decr(String stat, long count, double rate) {
    if (count != Long.MIN_VALUE) {
      incr(stat, -count, rate);
      return;
    }
    if (dropped(rate)) {
      return;
    }
    LineBuffer b = LineBuffer.local();
    name(b, stat).putLiteral("9223372036854775808");
    finish(b, "|c", rate);
    deliver(b, 0, b.length());
  }

  /** {@code decr(stat, 1.2)}: {@code stat:-1.2|c}. */
  public void decr(String stat, double count) {
    incr(stat, -count, 1.0);
  }

  /** {@code decr(stat, count, rate)} with a float count. */
  public void decr(String stat, double count, double rate) {
    incr(stat, -count, rate);
  }

  // ---------------------------------------------------------------- gauges

  /** {@code gauge(stat, value)}: sets a gauge. */
  public void gauge(String stat, long value) {
    gauge(stat, value, 1.0, false);
  }

  /** {@code gauge(stat, value, delta=...)}. */
  public void gauge(String stat, long value, boolean delta) {
    gauge(stat, value, 1.0, delta);
  }

  /** {@code gauge(stat, value, rate)}. */
  public void gauge(String stat, long value, double rate) {
    gauge(stat, value, rate, false);
  }

  /**
   * {@code gauge(stat, value, rate, delta)}. A delta is sent signed ({@code +12}, {@code -13},
   * {@code +0}). An absolute negative value cannot be expressed in one StatsD line, so, as
   * pystatsd does, it is sent as {@code stat:0|g} then {@code stat:-5|g}, joined in one packet
   * when they fit, sampled once and without a rate suffix.
   */
  public void gauge(String stat, long value, double rate, boolean delta) {
    gauge(stat, false, value, 0, rate, delta);
  }

  /** {@code gauge(stat, 1.2)}. */
  public void gauge(String stat, double value) {
    gauge(stat, value, 1.0, false);
  }

  /** {@code gauge(stat, value, delta=...)} with a float value. */
  public void gauge(String stat, double value, boolean delta) {
    gauge(stat, value, 1.0, delta);
  }

  /** {@code gauge(stat, value, rate)} with a float value. */
  public void gauge(String stat, double value, double rate) {
    gauge(stat, value, rate, false);
  }

  /**
   * {@code gauge(stat, value, rate, delta)} with a float value, with the same comparisons as
   * Python: {@code nan} is neither negative nor signed, {@code -0.0} is not negative (so an
   * absolute {@code -0.0} is sent as {@code -0.0} and a delta {@code -0.0} as {@code +-0.0}).
   */
  public void gauge(String stat, double value, double rate, boolean delta) {
    gauge(stat, true, 0, value, rate, delta);
  }

  /** The one gauge implementation, for an integer ({@code !isFloat}) or a float value. */
  private void gauge(String stat, boolean isFloat, long intValue, double floatValue, double rate,
      boolean delta) {
    // Converting a long to a double keeps its sign, so one set of comparisons serves both.
    double value = isFloat ? floatValue : intValue;
    if (dropped(rate)) {
      return;
    }
    LineBuffer b = LineBuffer.local();
    if (value < 0 && !delta) {
      name(b, stat).putLiteral("0|g");
      tags(b);
      int first = b.length();
      b.put('\n');
      value(name(b, stat), isFloat, intValue, floatValue).putLiteral("|g");
      tags(b);
      deliverPair(b, first);
      return;
    }
    name(b, stat);
    if (delta && value >= 0) {
      b.put('+');
    }
    value(b, isFloat, intValue, floatValue);
    finish(b, "|g", rate);
    deliver(b, 0, b.length());
  }

  // ---------------------------------------------------------------- sets

  /** {@code set(stat, value)}: adds {@code value} to a set, {@code stat:value|s}. */
  public void set(String stat, String value) {
    set(stat, value, 1.0);
  }

  /** {@code set(stat, value, rate)}. */
  public void set(String stat, String value, double rate) {
    Objects.requireNonNull(value, "value");
    if (dropped(rate)) {
      return;
    }
    LineBuffer b = LineBuffer.local();
    name(b, stat).putAscii(value);
    finish(b, "|s", rate);
    deliver(b, 0, b.length());
  }

  /** {@code set(stat, 10)}. */
  public void set(String stat, long value) {
    set(stat, value, 1.0);
  }

  /** {@code set(stat, value, rate)} with an integer member. */
  public void set(String stat, long value, double rate) {
    send(stat, false, value, 0, "|s", rate);
  }

  /** {@code set(stat, 2.3)}: the member printed as Python prints the float. */
  public void set(String stat, double value) {
    set(stat, value, 1.0);
  }

  /** {@code set(stat, value, rate)} with a float member. */
  public void set(String stat, double value, double rate) {
    send(stat, true, 0, value, "|s", rate);
  }

  // ---------------------------------------------------------------- timings

  /** {@code timing(stat, millis)}: {@code stat:100.000000|ms} (six decimals, as {@code '%0.6f'}). */
  public void timing(String stat, double millis) {
    timing(stat, millis, 1.0);
  }

  /** {@code timing(stat, millis, rate)}. */
  public void timing(String stat, double millis, double rate) {
    if (dropped(rate)) {
      return;
    }
    LineBuffer b = LineBuffer.local();
    PyFormat.appendFixed6(name(b, stat), millis);
    finish(b, "|ms", rate);
    deliver(b, 0, b.length());
  }

  /** {@code timing(stat, timedelta)}: the duration in milliseconds, see {@link #toMillis}. */
  public void timing(String stat, Duration duration) {
    timing(stat, toMillis(duration), 1.0);
  }

  /** {@code timing(stat, timedelta, rate)}. */
  public void timing(String stat, Duration duration, double rate) {
    timing(stat, toMillis(duration), rate);
  }

  /**
   * A duration in milliseconds as pystatsd computes it from a {@code timedelta}:
   * {@code total_seconds() * 1000.}, where {@code total_seconds()} is the correctly rounded
   * quotient of whole microseconds by 10^6. A duration with a sub-microsecond part (which a
   * {@code timedelta} cannot hold) is converted as {@code nanos / 1e6} instead, keeping it.
   */
  static double toMillis(Duration duration) {
    long seconds = duration.getSeconds();
    int nanos = duration.getNano();
    if (nanos % 1000 != 0) {
      if (Math.abs(seconds) < 9_000_000L) { // nanos below 2^53: exact as a double
        return (seconds * 1_000_000_000L + nanos) / 1e6;
      }
      return new BigDecimal(seconds).movePointRight(9).add(BigDecimal.valueOf(nanos))
          .movePointLeft(6).doubleValue();
    }
    long micros;
    try {
      micros = Math.addExact(Math.multiplyExact(seconds, 1_000_000L), nanos / 1000);
    } catch (ArithmeticException overflow) {
      micros = Long.MAX_VALUE;
    }
    double totalSeconds;
    if (Math.abs(micros) <= (1L << 53)) {
      totalSeconds = micros / 1e6; // both exact, so the quotient is correctly rounded
    } else {
      totalSeconds = new BigDecimal(seconds).add(BigDecimal.valueOf(nanos / 1000, 6))
          .doubleValue();
    }
    return totalSeconds * 1000.0;
  }

  /**
   * {@code timer(stat)}: a {@link Timer} for a block (try-with-resources), a function (its
   * {@code wrap} methods) or manual {@code start()}/{@code stop()}.
   */
  public Timer timer(String stat) {
    return new Timer(this, stat, 1.0);
  }

  /** {@code timer(stat, rate)}. */
  public Timer timer(String stat, double rate) {
    return new Timer(this, stat, rate);
  }

  // ---------------------------------------------------------------- raw lines

  /**
   * Sends a line that is already in StatsD format, as is: no prefix, no tags, no sampling (not in
   * pystatsd; for tools such as {@code hollerith send --line}). In a pipeline it is one item.
   *
   * @throws IllegalArgumentException if the line is empty or not ASCII
   */
  public void sendLine(String line) {
    Objects.requireNonNull(line, "line");
    if (line.isEmpty()) {
      throw new IllegalArgumentException("empty StatsD line");
    }
    LineBuffer b = LineBuffer.local();
    b.putAscii(line);
    deliver(b, 0, b.length());
  }

  // ---------------------------------------------------------------- composition

  /**
   * {@code pipeline()}: a {@link Pipeline} that batches stats and sends them, with this client's
   * prefix, tags and random source, on {@link Pipeline#send()} or {@link Pipeline#close()}.
   */
  public Pipeline pipeline() {
    return new Pipeline(this);
  }

  /**
   * A view of this client that appends DogStatsD tags ({@code |#k:v,k2}) to every line, for
   * servers that accept them (Hollerith does; etsy statsd does not, which is why pystatsd has no
   * tags). The view shares this client's connection: closing either closes it. Tags accumulate
   * over repeated calls. Each tag is ASCII without {@code ,}, {@code |}, {@code #}, or line
   * breaks, and not empty.
   *
   * @throws IllegalArgumentException for an invalid tag or no tags at all
   */
  public StatsClientBase withTags(String... tags) {
    if (tags.length == 0) {
      throw new IllegalArgumentException("withTags needs at least one tag");
    }
    StringBuilder sb = new StringBuilder(tagSuffix == null ? "|#" : new String(tagSuffix, StandardCharsets.US_ASCII) + ",");
    for (int i = 0; i < tags.length; i++) {
      String tag = Objects.requireNonNull(tags[i], "tag");
      if (tag.isEmpty()) {
        throw new IllegalArgumentException("empty tag at index " + i);
      }
      for (int j = 0; j < tag.length(); j++) {
        char c = tag.charAt(j);
        if (c == ',' || c == '|' || c == '#' || c == '\n' || c == '\r') {
          throw new IllegalArgumentException("tag \"" + tag + "\" contains '" + (c == '\n' ? "\\n" : c == '\r' ? "\\r" : String.valueOf(c))
              + "', which would break the DogStatsD line");
        }
      }
      if (i > 0) {
        sb.append(',');
      }
      sb.append(tag);
    }
    return new TaggedClient(this, asciiBytes(sb.toString(), "tags"));
  }

  /** The prefix joined to every stat name with a dot, or {@code null}. */
  public String prefix() {
    return prefix;
  }

  /**
   * Closes the underlying connection (a pipeline sends instead). Never throws a checked
   * exception.
   */
  @Override
  public abstract void close();

  // ---------------------------------------------------------------- line building

  final boolean dropped(double rate) {
    return rate < 1 && random.getAsDouble() > rate;
  }

  final LineBuffer name(LineBuffer b, String stat) {
    Objects.requireNonNull(stat, "stat");
    if (prefixDot != null) {
      b.putBytes(prefixDot);
    }
    return b.putAscii(stat).put(':');
  }

  /**
   * The one implementation of the counter and set overloads: {@code stat:value<type>[|@rate][|#tags]},
   * the value an integer ({@code !isFloat}) or a float printed as Python's {@code repr}. Two value
   * parameters rather than a {@code Number}, so that nothing is boxed per call.
   */
  private void send(String stat, boolean isFloat, long intValue, double floatValue, String type, double rate) {
    if (dropped(rate)) {
      return;
    }
    LineBuffer b = LineBuffer.local();
    value(name(b, stat), isFloat, intValue, floatValue);
    finish(b, type, rate);
    deliver(b, 0, b.length());
  }

  private static LineBuffer value(LineBuffer b, boolean isFloat, long intValue, double floatValue) {
    if (isFloat) {
      PyFormat.appendRepr(b, floatValue);
      return b;
    }
    return b.putLong(intValue);
  }

  final void finish(LineBuffer b, String type, double rate) {
    b.putLiteral(type);
    if (rate < 1) {
      b.putLiteral("|@");
      PyFormat.appendRepr(b, rate);
    }
    tags(b);
  }

  final void tags(LineBuffer b) {
    if (tagSuffix != null) {
      b.putBytes(tagSuffix);
    }
  }

  /**
   * Delivers the two lines {@code [0, first)} and {@code [first + 1, length)} the way pystatsd's
   * internal pipeline does: one item when {@code len1 + len2 + 1 < packLimit()}, else two.
   */
  final void deliverPair(LineBuffer b, int first) {
    int total = b.length();
    int second = total - first - 1;
    if (first + second + 1 >= packLimit()) {
      // Rare (names of ~250 characters): copy the second line first, because delivering the
      // first may run an error handler that reuses this thread's buffer.
      LineBuffer rest = new LineBuffer(second).putBytes(b.array(), first + 1, second);
      deliver(b, 0, first);
      deliver(rest, 0, second);
    } else {
      deliver(b, 0, total);
    }
  }

  static byte[] asciiBytes(String s, String what) {
    byte[] out = new byte[s.length()];
    for (int i = 0; i < out.length; i++) {
      char c = s.charAt(i);
      if (c > 0x7f) {
        throw new IllegalArgumentException(what + " must be ASCII, got \"" + s + "\"");
      }
      out[i] = (byte) c;
    }
    return out;
  }
}
