package io.hollerith.server.protocol;

import io.hollerith.server.config.ProtocolConfig;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.stats.StatName;
import io.hollerith.server.stats.StatsRegistry;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Parses StatsD packets (Etsy, DogStatsD, Influx/Telegraf and Graphite dialects) into {@link
 * Sample}s for a {@link SampleSink}. The accepted grammar, the sanitizing rules and the internal
 * statistics are described in the {@linkplain io.hollerith.server.protocol package documentation}.
 *
 * <p>A packet is one or more lines separated by {@code \n} (a {@code \r} before it is dropped);
 * empty lines are skipped silently. A bad line — or one bad value of a multi-value line — is
 * counted, logged at most once per second, reported to {@link SampleSink#reject} and skipped; the
 * other lines and values of the packet still count. No input makes {@code parse} throw; as a last
 * resort a {@link RuntimeException} from the parser or the sink is caught per line and counted as
 * {@code internal_error} (an {@link Error} is not caught).
 *
 * <p>The parser owns one {@link Sample} flyweight and reusable scratch arrays, so the steady-state
 * path for counters, gauges and timers allocates nothing; the arrays grow only when a longer line
 * or more tags arrive than seen before, bounded by the {@link ProtocolConfig} limits.
 *
 * <p>Not thread-safe: create one parser per ingest thread (they share nothing but the {@link
 * StatsRegistry} counters, which are contention-free adders).
 */
public final class LineParser {

  private static final byte T_NONE = 0;
  private static final byte T_C = 1;
  private static final byte T_G = 2;
  private static final byte T_S = 3;
  private static final byte T_MS = 4;
  private static final byte T_H = 5;
  private static final byte T_D = 6;
  private static final MetricType[] TYPES = {
    null,
    MetricType.COUNTER,
    MetricType.GAUGE,
    MetricType.SET,
    MetricType.TIMER,
    MetricType.TIMER,
    MetricType.TIMER
  };
  private static final char[] SOURCE_TYPES = {'?', 'c', 'g', 's', 'm', 'h', 'd'};

  /** Etsy 0.9 {@code sanitizeKeyName} keeps {@code [a-zA-Z_\-0-9.;=]}. */
  private static final boolean[] NAME_ALLOWED = new boolean[128];

  static {
    for (int c = 0; c < NAME_ALLOWED.length; c++) {
      NAME_ALLOWED[c] = Bytes.isSimpleNameByte(c) || c == ';' || c == '=';
    }
  }

  private final int maxPacketBytes;
  private final int maxLineBytes;
  private final int maxNameBytes;

  /** False only in tests that compare the one-pass path with the general one. */
  private final boolean simpleLinePath;

  private final Sample sample = new Sample();
  private final LineTags tags;
  private final BadLineReporter badLines;

  private final StatsRegistry.Counter linesReceived;
  private final StatsRegistry.Counter samplesParsed;
  private final StatsRegistry.Counter eventsReceived;
  private final StatsRegistry.Counter serviceChecksReceived;

  // Counts batched per packet so a packet costs one adder update per counter, not one per line.
  private long pendingLines;
  private long pendingSamples;

  /** Copy of a ByteBuf without a backing array. */
  private byte[] packetCopy = new byte[0];

  // Value groups of the current line ("1|c", then "2|ms" in "name:1|c:2|ms").
  private int groupCount;
  private int[] groupStart = new int[4];
  private int[] groupEnd = new int[4];
  private byte[] groupType = new byte[4];
  private double[] groupRate = new double[4];
  private long[] groupTimestamp = new long[4];
  private BadLineReason[] groupReason = new BadLineReason[4];

  /** A parser with the given limits, counting into {@code stats}. */
  public LineParser(ProtocolConfig config, StatsRegistry stats) {
    this(config, stats, System::nanoTime);
  }

  /** For tests: {@code nanoClock} paces the rate-limited warnings. */
  LineParser(ProtocolConfig config, StatsRegistry stats, LongSupplier nanoClock) {
    this(config, stats, nanoClock, true);
  }

  /** For tests: {@code simpleLinePath false} parses every line with the general path. */
  LineParser(
      ProtocolConfig config, StatsRegistry stats, LongSupplier nanoClock, boolean simpleLinePath) {
    this.simpleLinePath = simpleLinePath;
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(stats, "stats");
    this.maxPacketBytes = config.maxPacketBytes();
    this.maxLineBytes = config.maxLineBytes();
    this.maxNameBytes = config.maxNameBytes();
    this.tags = new LineTags(config.maxTags());
    this.badLines = new BadLineReporter(stats, Objects.requireNonNull(nanoClock, "nanoClock"));
    this.linesReceived =
        stats.counter(
            StatName.METRICS_RECEIVED, "non-empty StatsD lines received (Etsy's metrics_received)");
    this.samplesParsed = stats.counter(StatName.SAMPLES_PARSED, "samples passed on to aggregation");
    this.eventsReceived =
        stats.counter(
            "protocol", "events_received", "DogStatsD events received (counted, not kept)");
    this.serviceChecksReceived =
        stats.counter(
            "protocol",
            "service_checks_received",
            "DogStatsD service checks received (counted, not kept)");
  }

  /**
   * Parses the readable bytes of {@code packet} without consuming them: the reader and writer
   * indexes are left unchanged and the buffer is not released (the caller owns it). A buffer with a
   * backing array is read in place; any other (direct, composite) is first copied into a scratch
   * array that this parser reuses.
   */
  public void parse(ByteBuf packet, SampleSink sink) {
    Objects.requireNonNull(sink, "sink");
    int length = packet.readableBytes();
    if (length > maxPacketBytes) {
      badLines.rejectPacket(length, maxPacketBytes, sink);
      return;
    }
    if (packet.hasArray()) {
      parse(packet.array(), packet.arrayOffset() + packet.readerIndex(), length, sink);
      return;
    }
    if (packetCopy.length < length) {
      packetCopy = new byte[Math.max(length, Math.min(maxPacketBytes, 2 * packetCopy.length))];
    }
    packet.getBytes(packet.readerIndex(), packetCopy, 0, length);
    parse(packetCopy, 0, length, sink);
  }

  /**
   * Parses {@code packet[offset..offset+length)}, passing each valid sample to {@link
   * SampleSink#accept} and each rejected line to {@link SampleSink#reject}. Stream transports (TCP,
   * Unix stream) pass complete lines, or chunks of complete lines no larger than {@code
   * maxPacketBytes}; a larger packet is rejected whole as {@code packet_too_large}.
   *
   * @throws IndexOutOfBoundsException if the range lies outside the array (a caller bug; no packet
   *     content can make this method throw)
   */
  public void parse(byte[] packet, int offset, int length, SampleSink sink) {
    Objects.checkFromIndexSize(offset, length, packet.length);
    Objects.requireNonNull(sink, "sink");
    if (length > maxPacketBytes) {
      badLines.rejectPacket(length, maxPacketBytes, sink);
      return;
    }
    sink.beginPacket();
    try {
      parseLines(packet, offset, offset + length, sink);
    } finally {
      sink.endPacket();
    }
    if (pendingLines != 0) {
      linesReceived.incr(pendingLines);
      pendingLines = 0;
    }
    if (pendingSamples != 0) {
      samplesParsed.incr(pendingSamples);
      pendingSamples = 0;
    }
  }

  /** Parses the lines of {@code packet[start..end)} into the sink. */
  private void parseLines(byte[] packet, int start, int end, SampleSink sink) {
    while (start < end) {
      if (simpleLinePath) {
        int next = parseSimpleLine(packet, start, end, sink);
        if (next >= 0) {
          start = next;
          continue;
        }
      }
      int newline = start;
      while (newline < end && packet[newline] != '\n') {
        newline++;
      }
      int lineEnd = newline;
      if (lineEnd > start && packet[lineEnd - 1] == '\r') {
        lineEnd--;
      }
      if (lineEnd > start) {
        pendingLines++;
        try {
          parseLine(packet, start, lineEnd, sink);
        } catch (RuntimeException e) {
          badLines.reject(BadLineReason.INTERNAL_ERROR, packet, start, lineEnd, sink, e);
        }
      }
      start = newline + 1;
    }
  }

  /** WARN lines written so far (for tests of the rate limit). */
  long warningsLogged() {
    return badLines.warningsLogged();
  }

  /**
   * The common line in one pass: {@code name:value|type}, the name made of {@link
   * Bytes#simpleNameEnd simple-name} bytes, one value without ':', type {@code c}, {@code g},
   * {@code ms}, {@code h}, {@code d} or {@code s} (a non-empty ASCII member), and nothing after it
   * but the {@code \n} that ends the line (or the end of the packet). Emits the same sample the
   * general path would and returns the index after the line; for anything else — tags, sample
   * rates, packed values, a bad value, a limit exceeded, an empty line — it returns -1 having
   * emitted and counted nothing (it may have written the flyweight's key buffer, which the general
   * path rewrites), and the general path parses the line from its start.
   */
  private int parseSimpleLine(byte[] b, int s, int end, SampleSink sink) {
    byte[] key = sample.key;
    int nameLimit = Math.min(end, s + Math.min(maxNameBytes, key.length));
    int i = Bytes.simpleNameEnd(b, s, nameLimit);
    int nameLength = i - s;
    if (i >= end || b[i] != ':' || nameLength == 0) {
      return -1;
    }
    System.arraycopy(b, s, key, 0, nameLength);
    int valueStart = i + 1;
    int bar = Bytes.valueEnd(b, valueStart, end);
    int t = bar + 1;
    if (t >= end || b[bar] != '|') {
      return -1;
    }
    byte type;
    int lineEnd = t + 1;
    switch (b[t]) {
      case 'c' -> type = T_C;
      case 'g' -> type = T_G;
      case 'h' -> type = T_H;
      case 'd' -> type = T_D;
      case 's' -> type = T_S;
      case 'm' -> {
        if (lineEnd >= end || b[lineEnd] != 's') {
          return -1;
        }
        type = T_MS;
        lineEnd++;
      }
      default -> {
        return -1;
      }
    }
    if ((lineEnd < end && b[lineEnd] != '\n') || lineEnd - s > maxLineBytes) {
      return -1;
    }
    double v = 0;
    if (type == T_S) {
      if (bar == valueStart || !Bytes.isAscii(b, valueStart, bar)) {
        return -1;
      }
    } else {
      v = NumberParser.parse(b, valueStart, bar);
      if (Double.isNaN(v) || (type == T_MS && v < 0)) {
        return -1;
      }
    }
    sample.keyLength = nameLength;
    sample.nameLength = nameLength;
    sample.keyHash = Sample.hashKey(key, 0, nameLength);
    pendingLines++;
    try {
      if (type == T_S) {
        emitMember(b, valueStart, bar, true, 1.0, Sample.NO_TIMESTAMP, sink);
      } else {
        emitNumeric(
            type,
            1.0,
            Sample.NO_TIMESTAMP,
            v,
            type == T_G && (b[valueStart] == '+' || b[valueStart] == '-'),
            sink);
      }
    } catch (RuntimeException e) {
      badLines.reject(BadLineReason.INTERNAL_ERROR, b, s, lineEnd, sink, e);
    }
    return lineEnd + 1;
  }

  /**
   * Fills every value field of the flyweight (it is shared by all samples of a line) around the key
   * already in it, hands it to the sink and counts it.
   */
  private void emitNumeric(
      byte type, double rate, long timestamp, double v, boolean gaugeDelta, SampleSink sink) {
    Sample s = sample;
    s.type = TYPES[type];
    s.sourceType = SOURCE_TYPES[type];
    s.sampleRate = rate;
    s.timestampSeconds = timestamp;
    s.memberLength = 0;
    s.memberAscii = false;
    s.value = v;
    s.gaugeDelta = gaugeDelta;
    sink.accept(s);
    pendingSamples++;
  }

  /**
   * Fills the flyweight as a set sample whose member is the raw text {@code b[start..end)} (':'
   * included: sets cannot be packed; empty means "0" as in Etsy), hands it to the sink and counts
   * it. {@code ascii}: the caller checked that the member is all ASCII.
   */
  private void emitMember(
      byte[] b, int start, int end, boolean ascii, double rate, long timestamp, SampleSink sink) {
    Sample s = sample;
    s.type = MetricType.SET;
    s.sourceType = 's';
    s.sampleRate = rate;
    s.timestampSeconds = timestamp;
    int length = end - start;
    if (length == 0) {
      s.member[0] = '0';
      s.memberLength = 1;
    } else {
      if (s.member.length < length) {
        s.member = new byte[Math.max(length, 2 * s.member.length)];
      }
      System.arraycopy(b, start, s.member, 0, length);
      s.memberLength = length;
    }
    s.memberAscii = ascii;
    s.value = 0;
    s.gaugeDelta = false;
    sink.accept(s);
    pendingSamples++;
  }

  private void parseLine(byte[] b, int s, int e, SampleSink sink) {
    if (e - s > maxLineBytes) {
      badLines.reject(BadLineReason.LINE_TOO_LONG, b, s, e, sink, null);
      return;
    }
    if (b[s] == '_' && e - s >= 3) {
      if (b[s + 1] == 'e' && b[s + 2] == '{') {
        parseEvent(b, s, e, sink);
        return;
      }
      if (e - s >= 4 && b[s + 1] == 's' && b[s + 2] == 'c' && b[s + 3] == '|') {
        parseServiceCheck(b, s, e, sink);
        return;
      }
    }
    // One pass sanitizes the name and stops at the first ':', ',', ';' or '|'.
    int nameEnd = sanitizeName(b, s, e);
    int nameLength = sanitizedLength;
    int colon = nameEnd;
    while (colon < e && b[colon] != ':' && b[colon] != '|') {
      colon++;
    }
    if (colon >= e || b[colon] != ':') {
      badLines.reject(BadLineReason.NO_VALUE, b, s, e, sink, null);
      return;
    }
    if (nameLength == 0) {
      badLines.reject(BadLineReason.EMPTY_NAME, b, s, e, sink, null);
      return;
    }
    if (nameLength > maxNameBytes) {
      badLines.reject(BadLineReason.NAME_TOO_LONG, b, s, e, sink, null);
      return;
    }
    tags.start(e - s);
    if (nameEnd < colon) {
      tags.parseNameTags(b, nameEnd + 1, colon);
    }
    scanGroups(b, colon + 1, e);
    if (tags.tooMany()) {
      badLines.reject(BadLineReason.TOO_MANY_TAGS, b, s, e, sink, null);
      return;
    }
    buildKey(nameLength);
    for (int g = 0; g < groupCount; g++) {
      if (groupReason[g] != null) {
        badLines.reject(groupReason[g], b, s, e, sink, null);
      } else {
        emitGroup(g, b, s, e, sink);
      }
    }
  }

  // ---------------------------------------------------------------- name

  /** Length of the name written by the last {@link #sanitizeName} call. */
  private int sanitizedLength;

  /**
   * Etsy 0.9 {@code sanitizeKeyName} of the name that starts at {@code from}, written into {@code
   * sample.key} (its length into {@link #sanitizedLength}). The name ends at the first {@code :},
   * {@code ,}, {@code ;} or {@code |}; returns that position ({@code to} if none).
   */
  private int sanitizeName(byte[] b, int from, int to) {
    if (sample.key.length < to - from) {
      sample.key = new byte[Math.max(to - from, 2 * sample.key.length)];
    }
    byte[] out = sample.key;
    int o = 0;
    boolean inWhitespace = false;
    int i = from;
    while (i < to) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        if (NAME_ALLOWED[c]) {
          if (c == ';') {
            break;
          }
          out[o++] = (byte) c;
          inWhitespace = false;
        } else if (c == ':' || c == ',' || c == '|') {
          break;
        } else if ((c >= 0x09 && c <= 0x0D) || c == ' ') {
          if (!inWhitespace) {
            out[o++] = '_';
            inWhitespace = true;
          }
        } else {
          inWhitespace = false;
          if (c == '/') {
            out[o++] = '-';
          }
        }
        i++;
        continue;
      }
      int ws = Utf8.jsWhitespaceAt(b, i, to);
      if (ws > 0) {
        if (!inWhitespace) {
          out[o++] = '_';
          inWhitespace = true;
        }
        i += ws;
        continue;
      }
      inWhitespace = false;
      int length = Utf8.sequenceLength(b, i, to);
      i += length > 0 ? length : 1;
    }
    sanitizedLength = o;
    return i;
  }

  /** Writes the sorted, de-duplicated tags after the name in {@code sample.key}, and the hash. */
  private void buildKey(int nameLength) {
    int needed = tags.maxKeyLength(nameLength);
    if (sample.key.length < needed) {
      sample.key = Arrays.copyOf(sample.key, Math.max(needed, 2 * sample.key.length));
    }
    int keyLength = tags.writeSorted(sample.key, nameLength);
    sample.keyLength = keyLength;
    sample.nameLength = nameLength;
    sample.keyHash = Sample.hashKey(sample.key, 0, keyLength);
  }

  // ---------------------------------------------------------------- values

  /**
   * Splits everything after the name's ':' into value groups. A group is a value section (up to the
   * first '|'; it may hold DogStatsD packed values {@code 1:2:3}), a type, and optional sections. A
   * ':' right after the type, a sample rate or a timestamp starts the next group (Etsy's {@code
   * name:1|c:2|ms}); inside tags and {@code x:} sections ':' is just a character.
   */
  private void scanGroups(byte[] b, int from, int e) {
    groupCount = 0;
    int p = from;
    while (true) {
      int valueStart = p;
      int valueEnd = Bytes.indexOf(b, (byte) '|', p, e);
      if (valueEnd < 0) {
        addGroup(valueStart, e, T_NONE, 1.0, Sample.NO_TIMESTAMP, BadLineReason.MISSING_TYPE);
        return;
      }
      p = valueEnd + 1;
      int typeStart = p;
      while (p < e && b[p] != '|' && b[p] != ':') {
        p++;
      }
      byte type = typeCode(b, typeStart, p);
      BadLineReason reason =
          type != T_NONE
              ? null
              : Bytes.isBlank(b, typeStart, p)
                  ? BadLineReason.MISSING_TYPE
                  : BadLineReason.UNKNOWN_TYPE;
      double rate = 1.0;
      long timestamp = Sample.NO_TIMESTAMP;
      boolean nextGroup = p < e && b[p] == ':';
      if (p < e && b[p] == '|') {
        p++;
        while (true) {
          if (p >= e) {
            reason = first(reason, BadLineReason.BAD_SECTION); // trailing '|'
            break;
          }
          byte c = b[p];
          if (c == '#') {
            p = tags.parseDogTags(b, p + 1, e);
          } else if (isExtensionField(b, p, e)) {
            // DogStatsD extension fields: c:<container id> (1.2), e:<external data>, card:…;
            // ignored.
            p = Bytes.indexOrEnd(b, (byte) '|', p + 2, e);
          } else {
            int sectionEnd = p;
            while (sectionEnd < e && b[sectionEnd] != '|' && b[sectionEnd] != ':') {
              sectionEnd++;
            }
            if (c == '@') {
              double r = NumberParser.parse(b, p + 1, sectionEnd);
              if (r > 0 && r <= 1) {
                rate = r;
              } else {
                reason = first(reason, BadLineReason.BAD_SAMPLE_RATE);
              }
            } else if (c == 'T') {
              long t = parseTimestamp(b, p + 1, sectionEnd);
              if (t == Sample.NO_TIMESTAMP) {
                reason = first(reason, BadLineReason.BAD_TIMESTAMP);
              } else {
                timestamp = t;
              }
            } else {
              reason = first(reason, BadLineReason.BAD_SECTION);
            }
            p = sectionEnd;
          }
          if (p >= e) {
            break;
          }
          if (b[p] == ':') {
            nextGroup = true;
            break;
          }
          p++; // past '|'
        }
      }
      addGroup(valueStart, valueEnd, type, rate, timestamp, reason);
      if (!nextGroup) {
        return;
      }
      p++; // past ':'
    }
  }

  private void addGroup(
      int start, int end, byte type, double rate, long timestamp, BadLineReason reason) {
    int g = groupCount;
    if (g == groupStart.length) {
      int n = 2 * g;
      groupStart = Arrays.copyOf(groupStart, n);
      groupEnd = Arrays.copyOf(groupEnd, n);
      groupType = Arrays.copyOf(groupType, n);
      groupRate = Arrays.copyOf(groupRate, n);
      groupTimestamp = Arrays.copyOf(groupTimestamp, n);
      groupReason = Arrays.copyOf(groupReason, n);
    }
    groupStart[g] = start;
    groupEnd[g] = end;
    groupType[g] = type;
    groupRate[g] = rate;
    groupTimestamp[g] = timestamp;
    groupReason[g] = reason;
    groupCount = g + 1;
  }

  private void emitGroup(int g, byte[] b, int lineStart, int lineEnd, SampleSink sink) {
    byte type = groupType[g];
    int start = groupStart[g];
    int end = groupEnd[g];
    if (type == T_S) {
      emitMember(b, start, end, false, groupRate[g], groupTimestamp[g], sink);
      return;
    }
    int p = start;
    while (true) {
      int q = p;
      while (q < end && b[q] != ':') {
        q++;
      }
      double v = NumberParser.parse(b, p, q);
      if (Double.isNaN(v)) {
        badLines.reject(BadLineReason.BAD_VALUE, b, lineStart, lineEnd, sink, null);
      } else if (type == T_MS && v < 0) {
        badLines.reject(BadLineReason.NEGATIVE_TIMER, b, lineStart, lineEnd, sink, null);
      } else {
        emitNumeric(
            type,
            groupRate[g],
            groupTimestamp[g],
            v,
            type == T_G && q > p && (b[p] == '+' || b[p] == '-'),
            sink);
      }
      if (q >= end) {
        return;
      }
      p = q + 1;
    }
  }

  private static byte typeCode(byte[] b, int from, int to) {
    while (from < to && (b[from] == ' ' || b[from] == '\t')) {
      from++;
    }
    while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
      to--;
    }
    if (to - from == 1) {
      return switch (b[from]) {
        case 'c' -> T_C;
        case 'g' -> T_G;
        case 's' -> T_S;
        case 'h' -> T_H;
        case 'd' -> T_D;
        default -> T_NONE;
      };
    }
    return to - from == 2 && b[from] == 'm' && b[from + 1] == 's' ? T_MS : T_NONE;
  }

  /** An optionally signed integer of at most 18 digits, or {@link Sample#NO_TIMESTAMP}. */
  private static long parseTimestamp(byte[] b, int from, int to) {
    int i = from;
    boolean negative = false;
    if (i < to && (b[i] == '-' || b[i] == '+')) {
      negative = b[i] == '-';
      i++;
    }
    if (i >= to || to - i > 18) {
      return Sample.NO_TIMESTAMP;
    }
    long v = 0;
    for (; i < to; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return Sample.NO_TIMESTAMP;
      }
      v = v * 10 + d;
    }
    return negative ? -v : v;
  }

  // ---------------------------------------------------------------- DogStatsD events and checks

  /** {@code _e{<title length>,<text length>}:<title>|<text>[|…]}: counted when the lengths fit. */
  private void parseEvent(byte[] b, int s, int e, SampleSink sink) {
    int p = s + 3;
    int comma = Bytes.indexOf(b, (byte) ',', p, e);
    int close = comma < 0 ? -1 : Bytes.indexOf(b, (byte) '}', comma, e);
    long titleLength = close < 0 ? -1 : parseLength(b, p, comma);
    long textLength = close < 0 ? -1 : parseLength(b, comma + 1, close);
    boolean ok = titleLength > 0 && textLength >= 0 && close + 1 < e && b[close + 1] == ':';
    if (ok) {
      long titleEnd = close + 2 + titleLength;
      long textEnd = titleEnd + 1 + textLength;
      ok = textEnd <= e && b[(int) titleEnd] == '|' && (textEnd == e || b[(int) textEnd] == '|');
    }
    if (ok) {
      eventsReceived.incr();
    } else {
      badLines.reject(BadLineReason.BAD_EVENT, b, s, e, sink, null);
    }
  }

  /** {@code _sc|<name>|<status 0-3>[|…]}: counted when it has a name and a valid status. */
  private void parseServiceCheck(byte[] b, int s, int e, SampleSink sink) {
    int nameStart = s + 4;
    int nameEnd = Bytes.indexOf(b, (byte) '|', nameStart, e);
    boolean ok =
        nameEnd > nameStart
            && nameEnd + 1 < e
            && b[nameEnd + 1] >= '0'
            && b[nameEnd + 1] <= '3'
            && (nameEnd + 2 == e || b[nameEnd + 2] == '|');
    if (ok) {
      serviceChecksReceived.incr();
    } else {
      badLines.reject(BadLineReason.BAD_SERVICE_CHECK, b, s, e, sink, null);
    }
  }

  private static long parseLength(byte[] b, int from, int to) {
    if (from >= to || to - from > 9) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  // ---------------------------------------------------------------- helpers

  private static BadLineReason first(BadLineReason current, BadLineReason next) {
    return current != null ? current : next;
  }

  /** A section of the form {@code name:…} with a lower-case ASCII name (DogStatsD extensions). */
  private static boolean isExtensionField(byte[] b, int p, int e) {
    int i = p;
    while (i < e && b[i] >= 'a' && b[i] <= 'z') {
      i++;
    }
    return i > p && i < e && b[i] == ':';
  }
}
