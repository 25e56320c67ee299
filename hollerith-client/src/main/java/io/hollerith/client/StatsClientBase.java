package io.hollerith.client;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The line building shared by every client of this library and by its pipelines: each {@link
 * StatsD} method builds one StatsD line {@code [prefix.]stat:value|type[|@rate][|#tags]} exactly as
 * pystatsd 4.x would (integers as Python prints an {@code int}, doubles as Python's {@code
 * repr(float)}, timings as {@code '%0.6f'}) and hands it to the transport. Program against {@link
 * StatsD}; this class exists for the transports of this package, which alone can extend it.
 *
 * <p><b>Sampling.</b> With {@code rate < 1} a stat is dropped when the client's random source
 * returns a value {@code > rate}, and otherwise sent with {@code |@rate} appended (the rate printed
 * as Python prints a float). A rate {@code >= 1} never adds a suffix.
 *
 * <p><b>Text.</b> Stat names, the prefix, set members and tags must be ASCII (pystatsd encodes with
 * {@code 'ascii'}); anything else throws {@link IllegalArgumentException} and sends nothing. As in
 * pystatsd, names are not otherwise validated or escaped.
 *
 * <p><b>Thread-safety</b> is that of the concrete class: {@link StatsClient} is thread-safe, {@link
 * TcpStatsClient}, {@link UnixSocketStatsClient} and pipelines are not.
 */
public abstract class StatsClientBase implements StatsD {

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
   * stream write, or one entry of a pipeline. The bytes may hold several lines joined by {@code
   * \n}. The bytes are only valid during the call.
   */
  abstract void deliver(LineBuffer buf, int off, int len);

  /**
   * The packing limit of this client's pipelines: two items are joined into one packet only while
   * {@code len(joined) < packLimit()}. {@link Integer#MAX_VALUE} for streams, which never split.
   */
  abstract int packLimit();

  // ---------------------------------------------------------------- counters

  @Override
  public void incr(String stat, long count, double rate) {
    send(stat, false, count, 0, "|c", rate);
  }

  @Override
  public void incr(String stat, double count, double rate) {
    send(stat, true, 0, count, "|c", rate);
  }

  @Override
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

  // ---------------------------------------------------------------- gauges

  @Override
  public void gauge(String stat, long value, double rate, boolean delta) {
    gauge(stat, false, value, 0, rate, delta);
  }

  @Override
  public void gauge(String stat, double value, double rate, boolean delta) {
    gauge(stat, true, 0, value, rate, delta);
  }

  /** The one gauge implementation, for an integer ({@code !isFloat}) or a float value. */
  private void gauge(
      String stat, boolean isFloat, long intValue, double floatValue, double rate, boolean delta) {
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

  @Override
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

  @Override
  public void set(String stat, long value, double rate) {
    send(stat, false, value, 0, "|s", rate);
  }

  @Override
  public void set(String stat, double value, double rate) {
    send(stat, true, 0, value, "|s", rate);
  }

  // ---------------------------------------------------------------- timings

  @Override
  public void timing(String stat, double millis, double rate) {
    if (dropped(rate)) {
      return;
    }
    LineBuffer b = LineBuffer.local();
    PyFormat.appendFixed6(name(b, stat), millis);
    finish(b, "|ms", rate);
    deliver(b, 0, b.length());
  }

  @Override
  public Timer timer(String stat, double rate) {
    return new Timer(this, stat, rate, nanoClock);
  }

  // ---------------------------------------------------------------- raw lines

  @Override
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

  @Override
  public Pipeline pipeline() {
    return new PacketPipeline(this);
  }

  @Override
  public StatsClientBase withTags(String... tags) {
    if (tags.length == 0) {
      throw new IllegalArgumentException("withTags needs at least one tag");
    }
    StringBuilder sb =
        new StringBuilder(
            tagSuffix == null ? "|#" : new String(tagSuffix, StandardCharsets.US_ASCII) + ",");
    for (int i = 0; i < tags.length; i++) {
      String tag = Objects.requireNonNull(tags[i], "tag");
      if (tag.isEmpty()) {
        throw new IllegalArgumentException("empty tag at index " + i);
      }
      for (int j = 0; j < tag.length(); j++) {
        char c = tag.charAt(j);
        if (c == ',' || c == '|' || c == '#' || c == '\n' || c == '\r') {
          throw new IllegalArgumentException(
              "tag \""
                  + tag
                  + "\" contains '"
                  + (c == '\n' ? "\\n" : c == '\r' ? "\\r" : String.valueOf(c))
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

  @Override
  public String prefix() {
    return prefix;
  }

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
   * The one implementation of the counter and set overloads: {@code
   * stat:value<type>[|@rate][|#tags]}, the value an integer ({@code !isFloat}) or a float printed
   * as Python's {@code repr}. Two value parameters rather than a {@code Number}, so that nothing is
   * boxed per call.
   */
  private void send(
      String stat, boolean isFloat, long intValue, double floatValue, String type, double rate) {
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
