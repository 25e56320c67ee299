package io.hollerith.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.config.ProtocolConfig;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.stats.StatsRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Throws 1,000,000 random and mutated packets at two parsers (default and tight limits) with a
 * seeded generator: nothing may escape {@code parse}, and every sample handed over must satisfy the
 * {@link Sample} contract.
 */
class LineParserFuzzTest {

  private static final int PACKETS = 1_000_000;

  private static final String[] VALID = {
    "foo:1|c",
    "foo.bar:1.5|c|@0.5",
    "gauge:+12|g",
    "gauge:-3.5|g",
    "gauge:42|g",
    "timer:100.000000|ms",
    "timer:1|ms|@0.1",
    "uniq:user-42|s",
    "hist:1.5|h|#env:prod",
    "dist:1:2:3|d|#a:b,c",
    "req,env=prod,host=a:1|c",
    "req;env=prod;region=eu:1|c",
    "x:1|c:2|ms:3|g",
    "x:1|c|@0.5:2|c",
    "t:1|g|T1656581409|#a:b|c:abc123",
    "_e{5,4}:title|text|#a:b",
    "_sc|check|0|#a:b|m:msg",
    "u:1|c|#url:http://x.io/a:b,k:v",
    "m é/x  y:1|c",
    "big:1234568901234.000000|ms",
    "e:1e3|c",
    "hex:0x1f|c",
    "emoji:1|c|#\uD83D\uDE00:\uE000",
  };
  private static final byte[][] VALID_BYTES =
      Arrays.stream(VALID).map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
  private static final byte[] STRUCTURE =
      "|:#@,;=\n\r.T c+-e0123456789_".getBytes(StandardCharsets.ISO_8859_1);
  private static final String[] HUGE = {
    "1e308",
    "1e309",
    "-1e400",
    "123456789012345678901234567890",
    "0." + "0".repeat(400) + "1",
    "9".repeat(500),
    "0x" + "f".repeat(300),
    "NaN",
    "Infinity",
    "4.9e-324",
    "2.2250738585072011e-308",
  };
  private static final Set<String> REASONS =
      EnumSet.allOf(BadLineReason.class).stream()
          .map(BadLineReason::slug)
          .collect(Collectors.toSet());

  /** Checks every sample against the {@link Sample} contract and counts what it saw. */
  private static final class CheckingSink implements SampleSink {
    private final int maxNameBytes;
    private final CharsetDecoder strictUtf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    long accepted;
    long rejected;

    CheckingSink(int maxNameBytes) {
      this.maxNameBytes = maxNameBytes;
    }

    @Override
    public void accept(Sample s) {
      // Plain checks rather than AssertJ here: this runs a few million times.
      accepted++;
      char source = s.sourceType();
      MetricType expectedType =
          switch (source) {
            case 'c' -> MetricType.COUNTER;
            case 'g' -> MetricType.GAUGE;
            case 's' -> MetricType.SET;
            case 'm', 'h', 'd' -> MetricType.TIMER;
            default -> null;
          };
      check(s.type() != null && s.type() == expectedType, s, "type");
      check(s.keyLength() > 0, s, "keyLength");
      check(
          s.nameLength() > 0 && s.nameLength() <= s.keyLength() && s.nameLength() <= maxNameBytes,
          s,
          "nameLength");
      check(s.keyHash() == Sample.hashKey(s.keyBytes(), 0, s.keyLength()), s, "keyHash");
      for (int i = 0; i < s.nameLength(); i++) {
        byte b = s.keyBytes()[i];
        check(
            (Character.isLetterOrDigit(b) && b < 0x7F)
                || b == '_'
                || b == '-'
                || b == '.'
                || b == '=',
            s,
            "name byte");
      }
      check(
          s.nameLength() == s.keyLength()
              || s.keyBytes()[s.nameLength()] == MetricKey.TAG_SEPARATOR,
          s,
          "tags");
      check(s.sampleRate() > 0 && s.sampleRate() <= 1, s, "sampleRate");
      if (s.type() == MetricType.SET) {
        check(s.memberLength() > 0, s, "memberLength");
        for (int i = 0; i < s.memberLength(); i++) {
          check(s.memberBytes()[i] != '|' && s.memberBytes()[i] != '\n', s, "member byte");
        }
      } else {
        check(Double.isFinite(s.value()) && s.memberLength() == 0, s, "value");
        check(source != 'm' || s.value() >= 0, s, "negative timer");
      }
      check(s.type() == MetricType.GAUGE || !s.gaugeDelta(), s, "gaugeDelta");
      if (accepted % 61 == 0) {
        // The heavier checks on a sample of them: well-formed UTF-8 that round-trips through
        // MetricKey.
        try {
          strictUtf8.decode(ByteBuffer.wrap(s.keyBytes(), 0, s.keyLength()));
        } catch (CharacterCodingException e) {
          throw new AssertionError("key is not well-formed UTF-8", e);
        }
        byte[] canonical = s.toMetricKey().canonical().getBytes(StandardCharsets.UTF_8);
        assertThat(canonical).isEqualTo(Arrays.copyOf(s.keyBytes(), s.keyLength()));
      }
    }

    private static void check(boolean ok, Sample s, String what) {
      if (!ok) {
        throw new AssertionError(
            what
                + " broken for key "
                + new String(s.keyBytes(), 0, s.keyLength(), StandardCharsets.UTF_8));
      }
    }

    @Override
    public void reject(String reason, String linePrefix) {
      rejected++;
      if (!REASONS.contains(reason) || linePrefix.length() > BadLineReporter.PREFIX_BYTES) {
        throw new AssertionError("bad reject " + reason + ": " + linePrefix);
      }
    }
  }

  @Test
  void aMillionRandomAndMutatedPacketsNeverEscapeTheParser() {
    StatsRegistry defaultStats = new StatsRegistry();
    StatsRegistry tightStats = new StatsRegistry();
    LineParser defaults = new LineParser(new ProtocolConfig(null, null, null, null), defaultStats);
    ProtocolConfig tightConfig = new ProtocolConfig(300, 64, 12, 3);
    LineParser tight = new LineParser(tightConfig, tightStats);
    CheckingSink defaultSink = new CheckingSink(512);
    CheckingSink tightSink = new CheckingSink(12);
    ByteBuf direct = Unpooled.directBuffer(70_000);
    SplittableRandom random = new SplittableRandom(0x5EED_2026L);
    byte[] packet = new byte[70_000];

    for (int i = 0; i < PACKETS; i++) {
      int length = generate(random, packet);
      if ((i & 7) == 0) {
        direct.clear().writeBytes(packet, 0, length);
        int readerIndex = direct.readerIndex();
        defaults.parse(direct, defaultSink);
        assertThat(direct.readerIndex()).isEqualTo(readerIndex);
      } else {
        defaults.parse(packet, 0, length, defaultSink);
      }
      tight.parse(packet, 0, length, tightSink);
    }
    direct.release();

    assertThat(defaultSink.accepted).isGreaterThan(PACKETS / 2);
    assertThat(defaultSink.rejected).isGreaterThan(PACKETS / 4);
    assertThat(defaultStats.value("messages", "samples_parsed").longValue())
        .isEqualTo(defaultSink.accepted);
    assertThat(defaultStats.value("messages", "bad_lines_seen").longValue())
        .isEqualTo(defaultSink.rejected);
    assertThat(defaultStats.value("bad_lines", "internal_error").longValue()).isZero();
    assertThat(tightStats.value("messages", "samples_parsed").longValue())
        .isEqualTo(tightSink.accepted);
    assertThat(tightStats.value("messages", "bad_lines_seen").longValue())
        .isEqualTo(tightSink.rejected);
    assertThat(tightStats.value("bad_lines", "internal_error").longValue()).isZero();
    assertThat(tightStats.value("bad_lines", "too_many_tags").longValue()).isPositive();
    assertThat(tightStats.value("bad_lines", "line_too_long").longValue()).isPositive();
    assertThat(tightStats.value("bad_lines", "packet_too_large").longValue()).isPositive();
  }

  /**
   * The one-pass path for simple lines must be invisible: with and without it, the same packets
   * give the same samples (type, key, value, delta, rate, timestamp), the same rejects and the same
   * counters, under the default limits and under tight ones.
   */
  @Test
  void theSimpleLinePathAgreesWithTheGeneralPathOnEveryPacket() {
    for (ProtocolConfig config :
        List.of(new ProtocolConfig(null, null, null, null), new ProtocolConfig(300, 64, 12, 3))) {
      StatsRegistry fastStats = new StatsRegistry();
      StatsRegistry generalStats = new StatsRegistry();
      LineParser fast = new LineParser(config, fastStats, System::nanoTime, true);
      LineParser general = new LineParser(config, generalStats, System::nanoTime, false);
      SplittableRandom random = new SplittableRandom(0xFA57_2026L);
      byte[] packet = new byte[70_000];
      long simpleLines = 0;
      for (int i = 0; i < 200_000; i++) {
        int length = (i & 1) == 0 ? generate(random, packet) : simplePacket(random, packet);
        RecordingSink viaFast = new RecordingSink();
        RecordingSink viaGeneral = new RecordingSink();
        fast.parse(packet, 0, length, viaFast);
        general.parse(packet, 0, length, viaGeneral);
        String text = new String(packet, 0, Math.min(length, 300), StandardCharsets.UTF_8);
        assertThat(viaFast.samples).as(text).isEqualTo(viaGeneral.samples);
        assertThat(viaFast.rejects).as(text).isEqualTo(viaGeneral.rejects);
        simpleLines += viaFast.samples.size();
      }
      assertThat(simpleLines).isGreaterThan(200_000);
      for (String metric : List.of("metrics_received", "samples_parsed", "bad_lines_seen")) {
        assertThat(fastStats.value("messages", metric))
            .as(metric)
            .isEqualTo(generalStats.value("messages", metric));
      }
    }
  }

  private static final byte[] SIMPLE_NAME = "abcXYZ019_.-".getBytes(StandardCharsets.ISO_8859_1);
  private static final String[] SIMPLE_TAILS = {
    "1|c",
    "250|ms",
    "-3|g",
    "+4|g",
    "12.5|ms",
    "7|h",
    "9|d",
    "-1|ms",
    "1|s",
    "1|c|@0.5",
    "1|c\r",
    "|c",
    "1|",
    "1",
    "1|m",
    "1|msx",
    "1:2|c",
    "1|c|#a:b",
    "x|c",
    "1e3|c",
    " 5 |g",
    "0x1f|c",
    "00012|c",
    "user-1|s",
    "|s",
    "a:b|s",
    " x |s",
    "\u00e9|s",
    "u\rv|s",
    "1|s|@0.5",
    "1|sx",
    "1|s ",
    "-3.5|g",
    "+0.25|ms",
  };

  /**
   * Lines near the simple form, some exactly on it, some a byte away, joined by \n (sometimes
   * \r\n).
   */
  private static int simplePacket(SplittableRandom r, byte[] out) {
    int length = 0;
    int lines = 1 + r.nextInt(20);
    for (int l = 0; l < lines; l++) {
      if (l > 0) {
        if (r.nextInt(10) == 0) {
          out[length++] = '\r';
        }
        out[length++] = '\n';
      }
      int nameLength = r.nextInt(20) == 0 ? r.nextInt(0, 80) : r.nextInt(1, 20);
      for (int k = 0; k < nameLength; k++) {
        out[length++] = SIMPLE_NAME[r.nextInt(SIMPLE_NAME.length)];
      }
      if (r.nextInt(30) == 0) {
        out[length - (nameLength > 0 ? 1 : 0)] = (byte) " /;=,\u00e9".charAt(r.nextInt(6));
      }
      out[length++] = ':';
      byte[] tail =
          SIMPLE_TAILS[r.nextInt(SIMPLE_TAILS.length)].getBytes(StandardCharsets.ISO_8859_1);
      System.arraycopy(tail, 0, out, length, tail.length);
      length += tail.length;
    }
    if (r.nextInt(8) == 0) {
      out[length++] = '\n';
    }
    return length;
  }

  /** Writes one packet into {@code out} and returns its length. */
  private static int generate(SplittableRandom r, byte[] out) {
    int kind = r.nextInt(10);
    if (kind == 0) {
      // pure noise, biased towards structural bytes
      int n = r.nextInt(120);
      for (int k = 0; k < n; k++) {
        out[k] = r.nextInt(3) == 0 ? (byte) r.nextInt(256) : STRUCTURE[r.nextInt(STRUCTURE.length)];
      }
      return n;
    }
    if (kind == 1) {
      // a very long line or a packet of many lines
      int n = r.nextInt(50) == 0 ? r.nextInt(60_000) : r.nextInt(600);
      for (int k = 0; k < n; k++) {
        out[k] = STRUCTURE[r.nextInt(STRUCTURE.length)];
      }
      return n;
    }
    int length = 0;
    int lines = 1 + (r.nextInt(4) == 0 ? r.nextInt(20) : 0);
    for (int l = 0; l < lines; l++) {
      if (l > 0) {
        out[length++] = '\n';
      }
      length = mutatedLine(r, out, length);
    }
    return length;
  }

  private static int mutatedLine(SplittableRandom r, byte[] out, int at) {
    byte[] base = VALID_BYTES[r.nextInt(VALID_BYTES.length)];
    System.arraycopy(base, 0, out, at, base.length);
    int end = at + base.length;
    int mutations = r.nextInt(4);
    for (int m = 0; m < mutations && end < out.length - 1200; m++) {
      int pos = at + (end > at ? r.nextInt(end - at + 1) : 0);
      switch (r.nextInt(7)) {
        case 0 -> { // byte flip
          if (pos < end) {
            out[pos] ^= (byte) (1 << r.nextInt(8));
          }
        }
        case 1 -> end = pos; // truncation
        case 2 -> { // insert a structural byte
          System.arraycopy(out, pos, out, pos + 1, end - pos);
          out[pos] = STRUCTURE[r.nextInt(8)];
          end++;
        }
        case 3 -> { // replace the value with a huge or special number
          byte[] huge = HUGE[r.nextInt(HUGE.length)].getBytes(StandardCharsets.ISO_8859_1);
          System.arraycopy(out, pos, out, pos + huge.length, end - pos);
          System.arraycopy(huge, 0, out, pos, huge.length);
          end += huge.length;
        }
        case 4 -> { // invalid or partial UTF-8
          int n = 1 + r.nextInt(3);
          System.arraycopy(out, pos, out, pos + n, end - pos);
          for (int k = 0; k < n; k++) {
            out[pos + k] = (byte) (0x80 + r.nextInt(128));
          }
          end += n;
        }
        case 5 -> { // duplicate a chunk (repeated sections, extra values, many tags)
          int from = at + r.nextInt(Math.max(1, end - at));
          int n = Math.min(end - from, 1 + r.nextInt(40));
          System.arraycopy(out, pos, out, pos + n, end - pos);
          System.arraycopy(out, from < pos ? from : from + n, out, pos, n);
          end += n;
        }
        default -> { // a random byte
          System.arraycopy(out, pos, out, pos + 1, end - pos);
          out[pos] = (byte) r.nextInt(256);
          end++;
        }
      }
    }
    return end;
  }
}
