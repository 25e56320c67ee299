package io.hollerith.server.protocol;

import io.hollerith.server.stats.StatName;
import io.hollerith.server.stats.StatsRegistry;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link LineParser} does with a bad line or value: counts it in {@code
 * messages.bad_lines_seen} and in {@code bad_lines.<reason>}, logs it at WARN under the parser's
 * logger at most once per second (the next WARN says how many were held back, and control
 * characters are escaped), and passes its first {@link #PREFIX_BYTES} bytes to {@link
 * SampleSink#reject}. A sink that throws from {@code reject} is counted as {@code internal_error}
 * and logged the same way.
 *
 * <p>Not thread-safe: owned by one parser.
 */
final class BadLineReporter {

  private static final Logger LOG = LoggerFactory.getLogger(LineParser.class);

  /** Most bytes of a bad line passed to {@link SampleSink#reject} and written to the log. */
  static final int PREFIX_BYTES = 200;

  private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final BadLineReason[] REASONS = BadLineReason.values();

  private final LongSupplier nanoClock;
  private final StatsRegistry.Counter badLinesSeen;
  private final StatsRegistry.Counter[] badLinesByReason;

  private boolean warnedBefore;
  private long lastWarnNanos;
  private long suppressedWarnings;
  private long warningsLogged;

  BadLineReporter(StatsRegistry stats, LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.badLinesSeen =
        stats.counter(StatName.BAD_LINES_SEEN, "lines or values rejected (Etsy's bad_lines_seen)");
    this.badLinesByReason = new StatsRegistry.Counter[REASONS.length];
    for (BadLineReason reason : REASONS) {
      badLinesByReason[reason.ordinal()] =
          stats.counter("bad_lines", reason.slug(), "bad lines: " + reason.help());
    }
  }

  /** A packet of {@code length} bytes, over the limit of {@code maxPacketBytes}, rejected whole. */
  void rejectPacket(int length, int maxPacketBytes, SampleSink sink) {
    report(
        BadLineReason.PACKET_TOO_LARGE,
        length + " bytes, more than the limit of " + maxPacketBytes,
        sink,
        null);
  }

  /** The line {@code b[s..e)}, or one of its values, rejected for {@code reason}. */
  void reject(BadLineReason reason, byte[] b, int s, int e, SampleSink sink, Throwable error) {
    report(
        reason,
        new String(b, s, Math.min(e - s, PREFIX_BYTES), StandardCharsets.UTF_8),
        sink,
        error);
  }

  /** WARN lines written so far (for tests of the rate limit). */
  long warningsLogged() {
    return warningsLogged;
  }

  private void report(BadLineReason reason, String text, SampleSink sink, Throwable error) {
    badLinesSeen.incr();
    badLinesByReason[reason.ordinal()].incr();
    warn(reason, text, error);
    try {
      sink.reject(reason.slug(), text);
    } catch (RuntimeException ex) {
      badLinesByReason[BadLineReason.INTERNAL_ERROR.ordinal()].incr();
      warn(BadLineReason.INTERNAL_ERROR, "sink.reject threw", ex);
    }
  }

  /** At most one WARN per second per parser; the next one says how many were held back. */
  private void warn(BadLineReason reason, String text, Throwable error) {
    long now = nanoClock.getAsLong();
    if (warnedBefore && now - lastWarnNanos < WARN_INTERVAL_NANOS) {
      suppressedWarnings++;
      return;
    }
    warnedBefore = true;
    lastWarnNanos = now;
    long suppressed = suppressedWarnings;
    suppressedWarnings = 0;
    warningsLogged++;
    String escaped = escapeForLog(text);
    if (error != null) {
      LOG.warn(
          "Bad StatsD line ({}): \"{}\" ({} more bad lines not logged)",
          reason.slug(),
          escaped,
          suppressed,
          error);
    } else {
      LOG.warn(
          "Bad StatsD line ({}): \"{}\" ({} more bad lines not logged)",
          reason.slug(),
          escaped,
          suppressed);
    }
  }

  /** Control characters and quotes escaped, so a logged line cannot forge log records. */
  static String escapeForLog(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
        sb.append(String.format("\\x%02x", (int) c));
      } else if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
