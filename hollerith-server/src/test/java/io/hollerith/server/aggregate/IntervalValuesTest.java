package io.hollerith.server.aggregate;

import static io.hollerith.server.aggregate.AggregatorTestSupport.T0;
import static io.hollerith.server.aggregate.AggregatorTestSupport.unbuffered;
import static io.hollerith.server.config.AggregationConfig.defaults;
import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.config.ProtocolConfig;
import io.hollerith.server.config.StatsConfig;
import io.hollerith.server.protocol.LineParser;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.sketch.UniqueSketch;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.testing.StepClock;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What a set, a timer and a gauge keep of an interval, from packets through the parser: set members
 * compare as the strings Etsy decodes them to, the sketches built at flush hold every sample, and a
 * gauge's set time is when its packet arrived.
 */
class IntervalValuesTest {

  private final StatsRegistry stats = new StatsRegistry();
  private final StepClock clock = new StepClock(T0 + 3_000);

  private FlushSnapshot ingestAndFlush(StatsConfig statsConfig, byte[]... packets) {
    Aggregator aggregator = new Aggregator(defaults(), statsConfig, stats, clock);
    LineParser parser = new LineParser(new ProtocolConfig(null, null, null, null), stats);
    try (AggregatorWriter writer = aggregator.newWriter()) {
      for (byte[] packet : packets) {
        parser.parse(packet, 0, packet.length, writer);
      }
    }
    List<FlushSnapshot> out = aggregator.flush(T0);
    assertThat(out).hasSize(1);
    return out.get(0);
  }

  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      byte[] b =
          part instanceof byte[] raw ? raw : part.toString().getBytes(StandardCharsets.UTF_8);
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  @Test
  void setMembersAreTheStringsTheirBytesDecodeTo() {
    for (StatsConfig mode : List.of(unbuffered(), StatsConfig.buffered(1000, 1000))) {
      byte[] packet =
          bytes(
              "users:",
              new byte[] {(byte) 0xFF},
              "|s\nusers:",
              new byte[] {(byte) 0xFE},
              "|s\n",
              "users:ok|s\nusers:é|s\nusers:ok|s\nusers:",
              new byte[] {(byte) 0xC3, (byte) 0xA9},
              "|s");

      FlushSnapshot s = ingestAndFlush(mode, packet);

      // 0xFF and 0xFE each decode to U+FFFD, one member; "é" sent twice is one member.
      FlushSnapshot.SetPoint users = s.sets().get(0);
      assertThat(users.unique()).isEqualTo(3);
      UniqueSketch expected = UniqueSketch.create();
      for (String m : List.of("\uFFFD", "ok", "é")) {
        expected.update(m);
      }
      assertThat(users.sketch().toBytes()).isEqualTo(expected.toBytes());
    }
  }

  @Test
  void aTimerSketchHoldsEveryValueWithItsSampleRateWeight() {
    StringBuilder packet = new StringBuilder();
    QuantileSketch expected = QuantileSketch.create();
    double count = 0;
    for (int i = 0; i < 300; i++) {
      double value = (i * 37) % 101 + 0.5;
      double rate = i % 4 == 3 ? 0.25 : 1;
      packet.append("latency:").append(value).append("|ms");
      if (rate != 1) {
        packet.append("|@").append(rate);
      }
      packet.append('\n');
      expected.accept(value, 1 / rate);
      count += 1 / rate;
    }

    FlushSnapshot s =
        ingestAndFlush(unbuffered(), packet.toString().getBytes(StandardCharsets.UTF_8));

    FlushSnapshot.TimerPoint latency = s.timers().get(0);
    assertThat(latency.stats().sampleCount()).isEqualTo(300);
    assertThat(latency.stats().count()).isEqualTo(count);
    assertThat(latency.sketch().toBytes()).isEqualTo(expected.toBytes());
    assertThat(latency.sketch().count()).isEqualTo(count);
  }

  /**
   * Every timer of a flush, and of the flush after it, gets statistics and a sketch of its own
   * values only, whatever sizes the timers closed before it had.
   */
  @Test
  void timersClosedOneAfterAnotherKeepOnlyTheirOwnValues() {
    Aggregator aggregator = new Aggregator(defaults(), unbuffered(), stats, clock);
    LineParser parser = new LineParser(new ProtocolConfig(null, null, null, null), stats);
    try (AggregatorWriter writer = aggregator.newWriter()) {
      for (int interval = 0; interval < 2; interval++) {
        int[] sizes = interval == 0 ? new int[] {300, 7, 1_000, 2} : new int[] {3, 500, 1, 40};
        StringBuilder packet = new StringBuilder();
        for (int t = 0; t < sizes.length; t++) {
          for (int i = 0; i < sizes[t]; i++) {
            packet.append("t").append(t).append(':').append(value(interval, t, i)).append("|ms\n");
          }
        }
        byte[] b = packet.toString().getBytes(StandardCharsets.UTF_8);
        parser.parse(b, 0, b.length, writer);

        FlushSnapshot s = aggregator.flush(T0 + 10_000L * interval).get(0);

        for (int t = 0; t < sizes.length; t++) {
          int n = sizes[t];
          int timer = t;
          FlushSnapshot.TimerPoint point =
              s.timers().stream()
                  .filter(p -> p.key().toString().equals("t" + timer))
                  .findFirst()
                  .orElseThrow();
          QuantileSketch expected = QuantileSketch.create();
          double sum = 0;
          for (int i = 0; i < n; i++) {
            expected.accept(value(interval, t, i));
            sum +=
                value(interval, t, i); // values rise with i: Etsy's sorted order is arrival order
          }
          assertThat(point.stats().sampleCount()).as("t%d", t).isEqualTo(n);
          assertThat(point.stats().lower()).isEqualTo(value(interval, t, 0));
          assertThat(point.stats().upper()).isEqualTo(value(interval, t, n - 1));
          assertThat(point.stats().sum()).isEqualTo(sum);
          assertThat(point.sketch().toBytes()).isEqualTo(expected.toBytes());
        }
      }
    }
  }

  /** Distinct per interval and timer, rising with {@code i}. */
  private static double value(int interval, int timer, int i) {
    return 1_000 * (10 * interval + timer + 1) + i + 0.25;
  }

  /**
   * The gauge lines of one packet share its time, read once at its first gauge; the next packet
   * reads it anew.
   */
  @Test
  void gaugesOfOnePacketAreSetAtThePacketsTime() {
    TickingClock ticking = new TickingClock(T0 + 3_000);
    Aggregator aggregator = new Aggregator(defaults(), unbuffered(), stats, ticking);
    LineParser parser = new LineParser(new ProtocolConfig(null, null, null, null), stats);
    try (AggregatorWriter writer = aggregator.newWriter()) {
      byte[] first = "hits:1|c\na:1|g\nb:2|g\nc:+3|g".getBytes(StandardCharsets.UTF_8);
      parser.parse(first, 0, first.length, writer);
      byte[] second = "b:5|g".getBytes(StandardCharsets.UTF_8);
      parser.parse(second, 0, second.length, writer);
    }
    Map<String, Long> setAt = new TreeMap<>();
    aggregator
        .flush(T0)
        .get(0)
        .gauges()
        .forEach(g -> setAt.put(g.key().toString(), g.setAtMillis()));

    long packetTime = setAt.get("a");
    assertThat(packetTime).isGreaterThan(T0 + 3_000);
    assertThat(setAt.get("c")).isEqualTo(packetTime);
    assertThat(setAt.get("b")).isGreaterThan(packetTime);
  }

  /** A clock one millisecond later at every read, so each read shows. */
  private static final class TickingClock extends Clock {
    private long millis;

    TickingClock(long startMillis) {
      this.millis = startMillis;
    }

    @Override
    public long millis() {
      return ++millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
