package io.hollerith.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.Tag;
import io.hollerith.server.stats.StatsRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus exposition written in pieces: the same bytes as whole, every series, bounded
 * pieces.
 */
class PrometheusStreamingTest {

  /**
   * A small set touching every rule: internal statistics (milliseconds, storage tables), every
   * StatsD type, tags (escaping, a tag without value, {@code le} on a histogram), names that
   * sanitise alike, a gauge and a set sharing a family, and names colliding across types.
   */
  static LatestValues.Snapshot smallSet() {
    List<LatestValues.CounterTotal> counters =
        new ArrayList<>(
            List.of(
                new LatestValues.CounterTotal(MetricKey.of("a.b"), 1),
                new LatestValues.CounterTotal(MetricKey.of("a_b"), 2),
                new LatestValues.CounterTotal(MetricKey.of("dup"), 3),
                new LatestValues.CounterTotal(
                    MetricKey.of("hollerith.prometheus.name_collisions"), 4),
                new LatestValues.CounterTotal(
                    MetricKey.of(
                        "http.requests", List.of(new Tag("code", "200"), new Tag("path", "/a\"b"))),
                    5),
                new LatestValues.CounterTotal(
                    MetricKey.of("http.requests", List.of(new Tag("code", "500"))), 6.5),
                new LatestValues.CounterTotal(
                    MetricKey.of("http.requests", List.of(new Tag("canary", null))), 7),
                new LatestValues.CounterTotal(MetricKey.of("jobs.done_total"), 8),
                new LatestValues.CounterTotal(MetricKey.of("5xx.errors"), 9),
                new LatestValues.CounterTotal(MetricKey.of("x"), 1e20)));
    List<LatestValues.GaugeValue> gauges =
        new ArrayList<>(
            List.of(
                new LatestValues.GaugeValue(MetricKey.of("dup_total"), 10),
                new LatestValues.GaugeValue(MetricKey.of("lat_count"), 11),
                new LatestValues.GaugeValue(
                    MetricKey.of("queue", List.of(new Tag("q", "a"))), -1.25),
                new LatestValues.GaugeValue(MetricKey.of("temp"), Double.NaN),
                new LatestValues.GaugeValue(MetricKey.of("x"), 12)));
    List<LatestValues.TimerHistogram> timers =
        new ArrayList<>(
            List.of(
                new LatestValues.TimerHistogram(
                    MetricKey.of("lat"), List.of(0.01, 0.1), List.of(1.0, 2.0), 0.15, 3),
                new LatestValues.TimerHistogram(
                    MetricKey.of("rpc.time", List.of(new Tag("le", "x"))),
                    List.of(0.01, 0.1),
                    List.of(0.0, 4.0),
                    0.3,
                    4),
                new LatestValues.TimerHistogram(
                    MetricKey.of("rpc.time"), List.of(0.01, 0.1), List.of(2.0, 2.0), 0.02, 2.5)));
    List<LatestValues.SetValue> sets =
        new ArrayList<>(
            List.of(
                new LatestValues.SetValue(MetricKey.of("queue", List.of(new Tag("q", "a"))), 99),
                new LatestValues.SetValue(MetricKey.of("queue", List.of(new Tag("q", "b"))), 2),
                new LatestValues.SetValue(MetricKey.of("users"), 13),
                new LatestValues.SetValue(MetricKey.of("x"), 14)));
    counters.sort(Comparator.comparing(LatestValues.CounterTotal::key));
    gauges.sort(Comparator.comparing(LatestValues.GaugeValue::key));
    timers.sort(Comparator.comparing(LatestValues.TimerHistogram::key));
    sets.sort(Comparator.comparing(LatestValues.SetValue::key));
    return new LatestValues.Snapshot(counters, gauges, timers, sets);
  }

  static StatsRegistry smallRegistry() {
    StatsRegistry stats = new StatsRegistry();
    stats.counter("http", "requests", "HTTP requests").incr(3);
    stats.gauge("flush", "last_duration_ms", "Duration of the last flush", () -> 1500);
    return stats;
  }

  static Map<String, Map.Entry<Double, String>> smallSystem() {
    Map<String, Map.Entry<Double, String>> system = new LinkedHashMap<>();
    system.put(
        "storage_counter_points_bytes",
        new AbstractMap.SimpleImmutableEntry<>(4096.0, "Storage counter points bytes"));
    system.put(
        "storage_total_bytes",
        new AbstractMap.SimpleImmutableEntry<>(8192.0, "Storage total bytes"));
    system.put("heap_used_bytes", new AbstractMap.SimpleImmutableEntry<>(1.5e6, "Heap in use"));
    return system;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = PrometheusStreamingTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String render(boolean openMetrics, StatsRegistry stats) {
    return new PrometheusWriter(stats)
        .render(stats, smallSystem(), smallSet(), n -> !n.equals("users"), true, openMetrics);
  }

  @Test
  void theSmallSetIsWrittenByteForByteAsPinned() throws Exception {
    StatsRegistry stats = smallRegistry();
    assertThat(render(false, stats)).isEqualTo(resource("prometheus-small.txt"));
    // left out: gauge dup_total (counter dup), the counter named like an internal family, timer lat
    // (gauge lat_count), gauge x and set x (counter x)
    assertThat(stats.value("prometheus", "name_collisions")).isEqualTo(5L);
    assertThat(render(true, smallRegistry())).isEqualTo(resource("prometheus-small.om"));
  }

  @Test
  void piecesOfAnySizeJoinToTheWholeText() {
    String whole = render(false, smallRegistry());
    for (int target : new int[] {1, 7, 100, 4096}) {
      StatsRegistry stats = smallRegistry();
      TextBody body =
          new PrometheusWriter(stats)
              .open(stats, smallSystem(), smallSet(), n -> !n.equals("users"), true, false);
      StringBuilder joined = new StringBuilder();
      StringBuilder piece = new StringBuilder();
      int pieces = 0;
      boolean more = true;
      while (more && pieces < 100_000) {
        piece.setLength(0);
        more = body.writeNext(piece, target);
        joined.append(piece);
        pieces++;
      }
      assertThat(joined.toString()).as("pieces of %d", target).isEqualTo(whole);
    }
  }

  /**
   * 200,000 series: counters, gauges, timers and sets, every tenth tagged; values the test can
   * recompute.
   */
  static LatestValues.Snapshot manySeries() {
    List<LatestValues.CounterTotal> counters = new ArrayList<>();
    List<LatestValues.GaugeValue> gauges = new ArrayList<>();
    List<LatestValues.TimerHistogram> timers = new ArrayList<>();
    List<LatestValues.SetValue> sets = new ArrayList<>();
    for (int i = 0; i < MANY_COUNTERS; i++) {
      counters.add(new LatestValues.CounterTotal(manyKey("c", i), i));
    }
    for (int i = 0; i < MANY_OTHERS; i++) {
      gauges.add(new LatestValues.GaugeValue(manyKey("g", i), 2L * i));
      timers.add(
          new LatestValues.TimerHistogram(
              manyKey("t", i), List.of(0.5), List.of((double) i), i, i + 1.0));
      sets.add(new LatestValues.SetValue(manyKey("s", i), 3L * i));
    }
    counters.sort(Comparator.comparing(LatestValues.CounterTotal::key));
    gauges.sort(Comparator.comparing(LatestValues.GaugeValue::key));
    timers.sort(Comparator.comparing(LatestValues.TimerHistogram::key));
    sets.sort(Comparator.comparing(LatestValues.SetValue::key));
    return new LatestValues.Snapshot(counters, gauges, timers, sets);
  }

  static final int MANY_COUNTERS = 140_000;
  static final int MANY_OTHERS = 20_000;

  /**
   * {@code shop.many.<type>.<i / 10>} (in the fixture's namespace {@code shop.}), tagged {@code
   * shard:<i % 10>}: ten series per family.
   */
  private static MetricKey manyKey(String type, int i) {
    return MetricKey.of(
        "shop.many." + type + "." + (i / 10), List.of(new Tag("shard", Integer.toString(i % 10))));
  }

  /**
   * Every sample line the exposition of {@link #manySeries} must hold, as the test works them out.
   */
  static Map<String, String> expectedManyLines() {
    Map<String, String> expected = new HashMap<>();
    for (int i = 0; i < MANY_COUNTERS; i++) {
      expected.put(
          "shop_many_c_" + (i / 10) + "_total{shard=\"" + (i % 10) + "\"}", Long.toString(i));
    }
    for (int i = 0; i < MANY_OTHERS; i++) {
      String labels = "shard=\"" + (i % 10) + "\"";
      expected.put("shop_many_g_" + (i / 10) + "{" + labels + "}", Long.toString(2L * i));
      expected.put("shop_many_s_" + (i / 10) + "{" + labels + "}", Long.toString(3L * i));
      String t = "shop_many_t_" + (i / 10);
      expected.put(t + "_bucket{" + labels + ",le=\"0.5\"}", Long.toString(i));
      expected.put(t + "_bucket{" + labels + ",le=\"+Inf\"}", Long.toString(i + 1));
      expected.put(t + "_sum{" + labels + "}", Long.toString(i));
      expected.put(t + "_count{" + labels + "}", Long.toString(i + 1));
    }
    return expected;
  }

  /**
   * Checks that {@code text} has exactly the expected StatsD samples, and its families in name
   * order.
   */
  static void assertManyComplete(String text) {
    Map<String, String> expected = expectedManyLines();
    Map<String, String> seen = new HashMap<>();
    List<String> families = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE shop_many_")) {
        // families are in name order; a counter's TYPE line adds _total to its name
        families.add(line.split(" ")[2].replaceFirst("_total$", ""));
      } else if (line.startsWith("shop_many_")) {
        int space = line.lastIndexOf(' ');
        assertThat(seen.put(line.substring(0, space), line.substring(space + 1)))
            .as("written twice: %s", line)
            .isNull();
      }
    }
    assertThat(seen).hasSameSizeAs(expected).isEqualTo(expected);
    assertThat(families).hasSize(MANY_COUNTERS / 10 + 3 * MANY_OTHERS / 10).isSorted();
  }

  @Test
  void manySeriesAreAllWrittenInBoundedChunks() {
    StatsRegistry stats = new StatsRegistry();
    LatestValues.Snapshot many = manySeries();
    TextBodyInput input =
        new TextBodyInput(
            new PrometheusWriter(stats).open(stats, Map.of(), many, n -> true, true, false));
    StringBuilder joined = new StringBuilder();
    int chunks = 0;
    int largest = 0;
    while (!input.isEndOfInput() && chunks < 1_000_000) {
      ByteBuf chunk = input.readChunk(UnpooledByteBufAllocator.DEFAULT);
      largest = Math.max(largest, chunk.readableBytes());
      joined.append(chunk.toString(StandardCharsets.UTF_8));
      chunk.release();
      chunks++;
    }
    assertManyComplete(joined.toString());
    assertThat(new PrometheusWriter(stats).render(stats, Map.of(), many, n -> true, true, false))
        .isEqualTo(joined.toString());
    assertThat(input.progress())
        .isEqualTo(joined.toString().getBytes(StandardCharsets.UTF_8).length);
    // a chunk stops at the first whole line past its target: no line here is near 1 KiB
    assertThat(largest).isBetween(TextBodyInput.CHUNK_CHARS, TextBodyInput.CHUNK_CHARS + 1024);
    assertThat(chunks).isGreaterThan(joined.length() / (TextBodyInput.CHUNK_CHARS + 1024));
  }

  /**
   * A scraper that stops reading: the server writes while the connection is writable, so what it
   * holds for that reply stays near Netty's 64 KiB high-water mark plus one chunk, while the reply
   * is megabytes. A body built whole would sit in the outbound buffer (body less the kernel's
   * socket buffers). Then the scraper reads on and gets every series.
   */
  @Test
  void aScraperThatStopsReadingHoldsTheServerToAChunkAndTheHighWaterMark(@TempDir Path dir)
      throws Exception {
    LatestValues.Snapshot many = manySeries();
    try (ApiFixture fx = new ApiFixture(dir, ApiFixture.config(), b -> b.latestValues(() -> many));
        Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.setSoTimeout(120_000);
      socket.connect(fx.api.address());
      socket
          .getOutputStream()
          .write(
              ("GET /metrics HTTP/1.1\r\nHost: localhost\r\nAuthorization: Token "
                      + fx.tokens.get("support@root")
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      long most = 0;
      int unchanged = 0;
      long last = -1;
      // bounded: until the server has stopped for a while (twenty reads alike), or 60 s at most
      for (int polls = 0; polls < 1200 && (last <= 0 || unchanged < 20); polls++) {
        Thread.sleep(50);
        long pending = fx.stats.value("http", "response_bytes_pending").longValue();
        unchanged = pending == last ? unchanged + 1 : 0;
        last = pending;
        most = Math.max(most, pending);
      }
      assertThat(last).as("the server was held back by the reader").isPositive();
      assertThat(most).isLessThanOrEqualTo(64 * 1024 + 2 * (TextBodyInput.CHUNK_CHARS + 1024));

      InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
      String head = readHead(in);
      assertThat(head)
          .startsWith("HTTP/1.1 200 OK")
          .containsIgnoringCase("transfer-encoding: chunked");
      String body = readChunked(in);
      assertThat(body.length()).isGreaterThan(100 * (int) most);
      assertManyComplete(body);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed in the head: " + head);
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /** Reads a chunked body to its last chunk. */
  private static String readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(in);
      int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
      if (size == 0) {
        readLine(in);
        return body.toString(StandardCharsets.UTF_8);
      }
      body.write(in.readNBytes(size));
      readLine(in);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new IOException("closed mid-line");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  /** The comparison that sorts without building names agrees with building and comparing them. */
  @Test
  void familyNamesCompareAsTheirSanitisedForms() {
    String[] parts = {
      "",
      "a",
      "Z",
      "_",
      ".",
      "-",
      "0",
      "9",
      "total",
      "_total",
      ".total",
      ":",
      "é",
      "\uD83D\uDE00",
      "x"
    };
    Random random = new Random(18);
    for (int n = 0; n < 20_000; n++) {
      String a = randomName(random, parts);
      String b = randomName(random, parts);
      for (StatsdSource source : new StatsdSource[] {StatsdSource.COUNTERS, StatsdSource.GAUGES}) {
        int expected =
            Integer.signum(
                source.family(MetricKey.of(a)).compareTo(source.family(MetricKey.of(b))));
        assertThat(Integer.signum(StatsdFamilyPlan.compareFamilyNames(a, b, source.stripsTotal())))
            .as("%s vs %s (%s)", a, b, source)
            .isEqualTo(expected);
      }
    }
  }

  private static String randomName(Random random, String[] parts) {
    StringBuilder sb = new StringBuilder();
    for (int i = random.nextInt(5); i >= 0; i--) {
      sb.append(parts[random.nextInt(parts.length)]);
    }
    return sb.toString();
  }
}
