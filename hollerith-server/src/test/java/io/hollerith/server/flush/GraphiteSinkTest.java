package io.hollerith.server.flush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hollerith.server.config.SinksConfig;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.testing.StepClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Graphite sink against a real TCP server on an ephemeral loopback port. */
class GraphiteSinkTest {

  private static final long NOW = SnapshotFixture.T0 + 10_000;
  private final StatsRegistry stats = new StatsRegistry();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /**
   * A plaintext Carbon stand-in: each accepted connection's lines, as one list, in arrival order.
   */
  private final class Carbon implements AutoCloseable {
    final ServerSocket server;
    final LinkedBlockingQueue<List<String>> payloads = new LinkedBlockingQueue<>();

    Carbon(int port) throws IOException {
      server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
      Thread t =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket s = server.accept();
                      BufferedReader in =
                          new BufferedReader(
                              new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
                    List<String> lines = new ArrayList<>();
                    String line;
                    while ((line = in.readLine()) != null) {
                      lines.add(line);
                    }
                    payloads.add(lines);
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      t.setDaemon(true);
      t.start();
      toClose.add(this);
    }

    List<String> next() throws InterruptedException {
      List<String> p = payloads.poll(10, TimeUnit.SECONDS);
      assertThat(p).as("a payload within 10 s").isNotNull();
      return p;
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  private GraphiteSink sink(
      int port,
      boolean legacy,
      String globalPrefix,
      String prefixTimer,
      String suffix,
      long maxQueuedBytes) {
    SinksConfig.Graphite config =
        new SinksConfig.Graphite(
            true, "127.0.0.1", port, legacy, globalPrefix, "c", prefixTimer, "g", "s", suffix);
    GraphiteSink sink = new GraphiteSink(config, stats, new StepClock(NOW), maxQueuedBytes);
    toClose.add(sink);
    return sink;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  @Test
  void legacyNamespaceLinesMatchEtsy() throws Exception {
    Carbon carbon = new Carbon(0);
    GraphiteSink sink =
        sink(
            carbon.server.getLocalPort(),
            true,
            null,
            null,
            null,
            GraphiteSink.DEFAULT_MAX_QUEUED_BYTES);
    sink.publish(SnapshotFixture.twoFlushes().get(0));
    List<String> lines = carbon.next();

    String ts = " 1700000010";
    assertThat(lines)
        .filteredOn(
            l ->
                !l.startsWith("stats.statsd.graphiteStats.calculationtime ")
                    && !l.startsWith("stats.statsd.processing_time "))
        .containsExactlyInAnyOrder(
            "stats.statsd.bad_lines_seen 0.1" + ts,
            "stats_counts.statsd.bad_lines_seen 1" + ts,
            "stats.statsd.packets_received 0.4" + ts,
            "stats_counts.statsd.packets_received 4" + ts,
            "stats.statsd.metrics_received 0.9" + ts,
            "stats_counts.statsd.metrics_received 9" + ts,
            "stats.hits 2.1" + ts,
            "stats_counts.hits 21" + ts,
            "stats.req;canary;env=prod 0.5" + ts,
            "stats_counts.req;canary;env=prod 5" + ts,
            "stats.timers.glork.count_90 3" + ts,
            "stats.timers.glork.mean_90 2" + ts,
            "stats.timers.glork.upper_90 3" + ts,
            "stats.timers.glork.sum_90 6" + ts,
            "stats.timers.glork.sum_squares_90 14" + ts,
            "stats.timers.glork.count_top50 2" + ts,
            "stats.timers.glork.mean_top50 2.5" + ts,
            "stats.timers.glork.lower_top50 2" + ts,
            "stats.timers.glork.sum_top50 5" + ts,
            "stats.timers.glork.sum_squares_top50 13" + ts,
            "stats.timers.glork.std 0.816496580927726" + ts,
            "stats.timers.glork.upper 3" + ts,
            "stats.timers.glork.lower 1" + ts,
            "stats.timers.glork.count 3" + ts,
            "stats.timers.glork.count_ps 0.3" + ts,
            "stats.timers.glork.sum 6" + ts,
            "stats.timers.glork.sum_squares 14" + ts,
            "stats.timers.glork.mean 2" + ts,
            "stats.timers.glork.median 2" + ts,
            "stats.timers.glork.histogram.bin_2 1" + ts,
            "stats.timers.glork.histogram.bin_2_5 1" + ts,
            "stats.timers.glork.histogram.bin_inf 1" + ts,
            "stats.gauges.temp 12" + ts,
            "stats.sets.users.count 2" + ts,
            "statsd.numStats 8" + ts,
            "stats.statsd.graphiteStats.last_exception 1700000010" + ts,
            "stats.statsd.graphiteStats.last_flush 1700000010" + ts,
            "stats.statsd.graphiteStats.flush_time 0" + ts,
            "stats.statsd.graphiteStats.flush_length 0" + ts);
    assertThat(lines)
        .filteredOn(
            l ->
                l.startsWith("stats.statsd.graphiteStats.calculationtime ")
                    || l.startsWith("stats.statsd.processing_time "))
        .hasSize(2)
        .allMatch(l -> l.matches("\\S+ \\d+ 1700000010"));
    // Etsy's graphiteStats come last, after the data of the flush.
    assertThat(lines.get(lines.size() - 1)).startsWith("stats.statsd.graphiteStats.flush_length ");

    // The next payload reports the previous send.
    sink.publish(SnapshotFixture.twoFlushes().get(1));
    List<String> second = carbon.next();
    int firstLength = lines.stream().mapToInt(l -> l.length() + 1).sum();
    assertThat(second).contains("stats.statsd.graphiteStats.flush_length " + firstLength + ts);
    // The sink counts a payload once send() has returned, which can be just after Carbon read it.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> stats.value("graphite", "payloads_sent").longValue() >= 2);
    assertThat(stats.value("graphite", "payloads_sent")).isEqualTo(2L);
  }

  @Test
  void prefixedNamespaceWithSuffixAndTags() throws Exception {
    Carbon carbon = new Carbon(0);
    GraphiteSink sink =
        sink(
            carbon.server.getLocalPort(),
            false,
            "app",
            "",
            "host1",
            GraphiteSink.DEFAULT_MAX_QUEUED_BYTES);
    sink.publish(SnapshotFixture.twoFlushes().get(1));
    List<String> lines = carbon.next();
    String ts = " 1700000020";
    String now = " 1700000010";
    assertThat(lines)
        .filteredOn(
            l ->
                !l.startsWith("app.statsd.graphiteStats.calculationtime.host1 ")
                    && !l.startsWith("app.statsd.processing_time.host1 "))
        .containsExactlyInAnyOrder(
            "app.c.statsd.bad_lines_seen.rate.host1 0" + ts,
            "app.c.statsd.bad_lines_seen.count.host1 0" + ts,
            "app.c.statsd.packets_received.rate.host1 0" + ts,
            "app.c.statsd.packets_received.count.host1 0" + ts,
            "app.c.statsd.metrics_received.rate.host1 0" + ts,
            "app.c.statsd.metrics_received.count.host1 0" + ts,
            "app.c.hits.rate.host1 0" + ts,
            "app.c.hits.count.host1 0" + ts,
            "app.c.req.rate.host1;canary;env=prod 0" + ts,
            "app.c.req.count.host1;canary;env=prod 0" + ts,
            "app.glork.count.host1 0" + ts,
            "app.glork.count_ps.host1 0" + ts,
            "app.g.temp.host1 12" + ts,
            "app.g.statsd.timestamp_lag.host1 1" + ts,
            "app.s.users.count.host1 0" + ts,
            "app.statsd.numStats.host1 9" + ts,
            "app.statsd.graphiteStats.last_exception.host1 1700000010" + now,
            "app.statsd.graphiteStats.last_flush.host1 1700000010" + now,
            "app.statsd.graphiteStats.flush_time.host1 0" + now,
            "app.statsd.graphiteStats.flush_length.host1 0" + now);
    assertThat(lines)
        .filteredOn(
            l ->
                l.startsWith("app.statsd.graphiteStats.calculationtime.host1 ")
                    || l.startsWith("app.statsd.processing_time.host1 "))
        .hasSize(2);
  }

  @Test
  void retriesUntilCarbonAcceptsAndCountsDropsWhenTheQueueIsFull() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    GraphiteSink sink = sink(port, true, null, null, null, GraphiteSink.DEFAULT_MAX_QUEUED_BYTES);
    sink.publish(
        SnapshotFixture.twoFlushes().get(0)); // nobody listens yet: connection refused, retried
    await("a refused connection")
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                stats.value("graphite", "send_errors") != null
                    && stats.value("graphite", "send_errors").longValue() > 0);
    Carbon carbon = new Carbon(port);
    assertThat(carbon.next()).contains("stats_counts.hits 21 1700000010");
    assertThat(stats.value("graphite", "payloads_dropped")).isEqualTo(0L);

    GraphiteSink tiny = sink(port, true, null, null, null, 16);
    tiny.publish(SnapshotFixture.twoFlushes().get(0));
    assertThat(stats.value("graphite", "payloads_dropped")).isEqualTo(1L);
    assertThat(stats.value("graphite", "lines_dropped").longValue()).isGreaterThan(30);
  }
}
