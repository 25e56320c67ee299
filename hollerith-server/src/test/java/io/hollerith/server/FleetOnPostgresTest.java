package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.testing.StepClock;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes ({@code n1}, {@code n2}) run as a fleet on one real PostgreSQL server (the embedded
 * binaries) through the whole operator story: traffic split between them, gauges updated on one
 * node and then the other while both re-send what they hold, a clock on {@code n2} three seconds
 * ahead of {@code n1}'s, a restart of {@code n2}, and a database outage (the server stopped and
 * started again on the same port and data directory) with {@code /health} of both nodes probed
 * throughout. Every probe must answer before its client gives up after 1 s, the storage check must
 * say the store is down during the outage, and afterwards nothing sent is lost.
 *
 * <p>Time: both nodes run on one hand-stepped clock ({@code n2}'s offset by the skew), so the set
 * times of gauges are exact; each flush closes the next hour-long interval, and queries span a day
 * so that every flushed interval falls into one bucket.
 */
class FleetOnPostgresTest {

  private static final long SKEW_MILLIS = 3_000;

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, Double> counters = new HashMap<>();
  private final List<Double> timerValues = new ArrayList<>();
  private final List<String> members = new ArrayList<>();
  private final Map<ServerHarness, Long> samplesSent = new HashMap<>();

  /** The hour the first flushed interval starts. */
  private long hour;

  @Test
  void twoNodesOnOnePostgresqlMergeEverythingAndSurviveARestartAndAnOutage() throws Exception {
    EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(dir.resolve("pg"))
            .setCleanDataDirectory(false)
            .start();
    int port = pg.getPort();
    StepClock clock = new StepClock(System.currentTimeMillis() / 3_600_000 * 3_600_000 + 60_000);
    Clock aheadClock = Clock.offset(clock, Duration.ofMillis(SKEW_MILLIS));
    hour = clock.millis() / 3_600_000 * 3_600_000;
    String[] db = {
      "storage.type=postgresql",
      "storage.postgresql.url=" + pg.getJdbcUrl("postgres", "postgres"),
      "storage.postgresql.user=postgres",
      "storage.retention=1h:30d"
    };
    ServerHarness n1 =
        ServerHarness.start(dir.resolve("n1"), clock, null, null, with(db, "node_id=n1"));
    HealthProber prober = null;
    ServerHarness n2 = null;
    try {
      // Only the node that created the credential schema wrote admin.token; its token works on n2.
      assertThat(dir.resolve("n1").resolve(AuthStore.ADMIN_TOKEN_FILE)).exists();
      n2 =
          ServerHarness.start(
              dir.resolve("n2"), aheadClock, null, n1.token, with(db, "node_id=n2"));
      assertThat(dir.resolve("n2").resolve(AuthStore.ADMIN_TOKEN_FILE)).doesNotExist();
      assertThat(n2.get("/api/v1/whoami").statusCode()).isEqualTo(200);
      prober = new HealthProber(n1, n2);
      prober.start();

      // Split traffic: every other sample to each node.
      sendSplitTraffic(n1, n2, 0, 150, 200, 50);

      // Interleaved gauges. fleet.temp2: 20 to n2, then 10 to n1 five seconds later.
      gauge(n2, "fleet.temp2", 20);
      clock.advance(5_000);
      gauge(n1, "fleet.temp2", 10);
      // fleet.temp3: 5 to n2, then 30 to n1 six seconds later.
      gauge(n2, "fleet.temp3", 5);
      clock.advance(6_000);
      gauge(n1, "fleet.temp3", 30);
      // fleet.skewed: 50 to n2, then 60 to n1 one second later, within the skew: n2's clock reads
      // three seconds later than n1's, so its value counts as the later one.
      gauge(n2, "fleet.skewed", 50);
      clock.advance(1_000);
      gauge(n1, "fleet.skewed", 60);
      // Flushed in every order, several times: each flush re-sends the gauges a node holds.
      n1.flushAndStore();
      n2.flushAndStore();
      n2.flushAndStore();
      n1.flushAndStore();
      n2.flushAndStore();
      assertGauges(n1, n2, Map.of("fleet.temp2", 10.0, "fleet.temp3", 30.0, "fleet.skewed", 50.0));
      assertEverythingMerged(n1, n2);

      // Restart n2 with samples it has not flushed yet: its final flush keeps them, and its
      // restored gauges keep their set times, so they still do not override n1's newer values.
      sendSplitTraffic(n1, n2, 150, 20, 20, 10);
      prober.replace(1, null);
      n2.close();
      n2 =
          ServerHarness.start(
              dir.resolve("n2"), aheadClock, null, n1.token, with(db, "node_id=n2"));
      samplesSent.remove(n2);
      prober.replace(1, n2);
      n1.flushAndStore();
      n2.flushAndStore();
      n2.flushAndStore();
      assertGauges(n1, n2, Map.of("fleet.temp2", 10.0, "fleet.temp3", 30.0));
      assertEverythingMerged(n1, n2);
      clock.advance(10_000);
      gauge(n2, "fleet.temp2", 15);
      n2.flushAndStore();
      n1.flushAndStore();
      assertGauges(n1, n2, Map.of("fleet.temp2", 15.0, "fleet.temp3", 30.0));

      // The outage: PostgreSQL stops while both nodes keep receiving and flushing.
      pg.close();
      sendSplitTraffic(n1, n2, 170, 30, 40, 10);
      n1.server.flusher().flushNow();
      n2.server.flusher().flushNow();
      for (ServerHarness node : List.of(n1, n2)) {
        JsonNode health =
            awaitHealth(node, h -> storageDetail(h).contains("down since"), "storage down");
        assertThat(health.get("status").asText()).isEqualTo("down");
        assertThat(storageDetail(health))
            .startsWith("postgresql: down since ")
            .endsWith("1 flushes waiting");
        // A read fails at once with the reason rather than hanging.
        HttpResponse<String> read = node.get(seriesQuery("fleet.hits", "&stat=count"));
        assertThat(read.statusCode()).isEqualTo(503);
        assertThat(read.body())
            .containsAnyOf(
                "Storage did not answer", "Storage unavailable", "Credential store unavailable");
      }
      n1.server.flusher().flushNow();
      assertThat(n1.server.storeSink().backlog()).isEqualTo(2);

      pg =
          EmbeddedPostgres.builder()
              .setDataDirectory(dir.resolve("pg"))
              .setCleanDataDirectory(false)
              .setPort(port)
              .start();
      assertThat(n1.server.storeSink().awaitDrained(Duration.ofSeconds(60))).isTrue();
      assertThat(n2.server.storeSink().awaitDrained(Duration.ofSeconds(60))).isTrue();
      for (ServerHarness node : List.of(n1, n2)) {
        // Up again once both pools have reconnected (the credential pool may take a few seconds).
        JsonNode health =
            awaitHealth(node, h -> h.get("status").asText().equals("up"), "status up");
        assertThat(storageDetail(health)).startsWith("postgresql: writing, last write");
      }
      prober.stop();
      assertThat(prober.failures).as("health probes that did not answer within 1 s").isEmpty();
      assertThat(prober.sawStorageDown)
          .as("a probe saw the storage check down during the outage")
          .isTrue();
      assertThat(prober.probes.get()).isGreaterThan(0);
      assertEverythingMerged(n1, n2);
      assertGauges(n1, n2, Map.of("fleet.temp2", 15.0, "fleet.temp3", 30.0, "fleet.skewed", 50.0));
      assertThat(n1.server.stats().value("storage", "snapshots_dropped")).isEqualTo(0L);
      assertThat(n2.server.stats().value("storage", "snapshots_dropped")).isEqualTo(0L);
    } finally {
      if (prober != null) {
        prober.stop();
      }
      if (n2 != null) {
        n2.close();
      }
      n1.close();
      pg.close();
    }
  }

  private static String[] with(String[] base, String... more) {
    String[] out = Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, out, base.length, more.length);
    return out;
  }

  /**
   * Sends {@code counts} increments of {@code fleet.hits}, {@code timings} timer values and {@code
   * sets} set members (numbered from {@code first}), alternating between the nodes, and waits until
   * each node has parsed what it was sent. Timer values grow by 3 % a step, more than twice the
   * sketch's relative error, so a percentile within that error is the exact rank.
   */
  private void sendSplitTraffic(
      ServerHarness a, ServerHarness b, int first, int counts, int timings, int sets)
      throws Exception {
    List<List<String>> lines = List.of(new ArrayList<>(), new ArrayList<>());
    for (int i = 0; i < counts; i++) {
      lines.get(i % 2).add("fleet.hits:1|c");
      counters.merge("fleet.hits", 1.0, Double::sum);
    }
    for (int i = first; i < first + timings; i++) {
      double v = Math.round(10 * Math.pow(1.03, i) * 1000) / 1000.0;
      lines.get(i % 2).add("fleet.latency:" + v + "|ms");
      timerValues.add(v);
    }
    for (int i = first; i < first + sets; i++) {
      // Every member reaches both nodes, one of them twice: the union still counts it once.
      lines.get(i % 2).add("fleet.users:user" + i + "|s");
      lines.get((i + 1) % 2).add("fleet.users:user" + i + "|s");
      members.add("user" + i);
    }
    send(a, lines.get(0));
    send(b, lines.get(1));
  }

  private void gauge(ServerHarness node, String name, double value) throws Exception {
    send(node, List.of(name + ":" + value + "|g"));
  }

  /** Sends lines over UDP in datagrams of twenty and waits until the node has parsed them all. */
  private void send(ServerHarness node, List<String> lines) throws Exception {
    try (DatagramSocket socket = new DatagramSocket()) {
      int port = node.server.ingestAddresses().udp().getPort();
      for (int i = 0; i < lines.size(); i += 20) {
        byte[] packet =
            String.join("\n", lines.subList(i, Math.min(lines.size(), i + 20)))
                .getBytes(StandardCharsets.UTF_8);
        socket.send(
            new DatagramPacket(packet, packet.length, InetAddress.getLoopbackAddress(), port));
      }
    }
    long total = samplesSent.merge(node, (long) lines.size(), Long::sum);
    node.awaitSamples(total);
  }

  /**
   * Counters, timers and sets: both nodes give the same answer, and it is the sum of all that was
   * sent.
   */
  private void assertEverythingMerged(ServerHarness n1, ServerHarness n2) throws Exception {
    double[] sorted = timerValues.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    for (ServerHarness node : List.of(n1, n2)) {
      JsonNode hits = series(node, "fleet.hits", "&stat=count");
      assertThat(ServerHarness.sumOfValues(hits)).isEqualTo(counters.get("fleet.hits"));
      JsonNode latency = series(node, "fleet.latency", "").get("summary").get("latency");
      assertThat(latency.get("count").asLong()).isEqualTo(sorted.length);
      assertThat(latency.get("min").asDouble()).isEqualTo(sorted[0]);
      assertThat(latency.get("max").asDouble()).isEqualTo(sorted[sorted.length - 1]);
      for (Map.Entry<String, Double> p : Map.of("p50", 50.0, "p90", 90.0, "p99", 99.0).entrySet()) {
        // DDSketch's rank convention and nearest rank may pick neighbouring ranks; any other rank,
        // or a value outside the sketch's accuracy, is wrong.
        int rank = nearestRankIndex(sorted.length, p.getValue());
        double alpha = QuantileSketch.RELATIVE_ACCURACY;
        assertThat(latency.get(p.getKey()).asDouble())
            .as(p.getKey())
            .isBetween(sorted[rank - 1] * (1 - alpha), sorted[rank + 1] * (1 + alpha));
      }
      JsonNode users = series(node, "fleet.users", "&stat=unique");
      assertThat(users.get("series").get("values").get(0).get(1).asDouble())
          .isEqualTo((double) members.stream().distinct().count());
    }
    assertThat(series(n1, "fleet.latency", "").get("summary"))
        .isEqualTo(series(n2, "fleet.latency", "").get("summary"));
  }

  /** Index of the nearest-rank percentile {@code p} of {@code n} sorted values. */
  private static int nearestRankIndex(int n, double p) {
    return (int) Math.floor(n * p / 100.0 + 0.5) - 1;
  }

  private void assertGauges(ServerHarness n1, ServerHarness n2, Map<String, Double> expected)
      throws Exception {
    for (ServerHarness node : List.of(n1, n2)) {
      for (Map.Entry<String, Double> e : expected.entrySet()) {
        JsonNode values = series(node, e.getKey(), "&stat=last").get("series").get("values");
        assertThat(values).as(e.getKey()).hasSize(1);
        assertThat(values.get(0).get(1).asDouble()).as(e.getKey()).isEqualTo(e.getValue());
      }
    }
  }

  /** One bucket spanning every interval the test flushes (each flush closes the next hour). */
  private String seriesQuery(String metric, String extra) {
    return "/api/v1/series?metric="
        + URLEncoder.encode(metric, StandardCharsets.UTF_8)
        + "&startDate="
        + Instant.ofEpochMilli(hour - 3_600_000)
        + "&endDate="
        + Instant.ofEpochMilli(hour + 23 * 3_600_000 - 1)
        + "&interval=1d"
        + extra;
  }

  private JsonNode series(ServerHarness node, String metric, String extra) throws Exception {
    HttpResponse<String> r = node.get(seriesQuery(metric, extra));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return ServerHarness.JSON.readTree(r.body()).get("response");
  }

  private static String storageDetail(JsonNode health) {
    return health.get("checks").get("storage").get("detail").asText();
  }

  /**
   * Polls {@code /health} (each probe with a 1 s client timeout) until {@code condition} holds;
   * returns that answer.
   */
  private JsonNode awaitHealth(ServerHarness node, Predicate<JsonNode> condition, String what)
      throws Exception {
    JsonNode[] last = {null};
    await("/health: " + what)
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              try {
                HttpResponse<String> r =
                    http.send(
                        HttpRequest.newBuilder(
                                URI.create(
                                    "http://127.0.0.1:"
                                        + node.server.httpAddress().getPort()
                                        + "/health"))
                            .timeout(Duration.ofSeconds(1))
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                last[0] = ServerHarness.JSON.readTree(r.body());
                return condition.test(last[0]);
              } catch (Exception e) {
                throw new AssertionError("health probe failed", e);
              }
            });
    return last[0];
  }

  /**
   * Probes {@code /health} of every running node in a loop on its own thread, with a client that
   * gives up after 1 s, and records every probe that got no answer. Bounded: at most 20,000 probes.
   */
  private static final class HealthProber {
    private final ServerHarness[] nodes;
    private final HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final AtomicBoolean stopped = new AtomicBoolean();
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    volatile boolean sawStorageDown;
    final AtomicInteger probes = new AtomicInteger();
    private final Thread thread = new Thread(this::run, "health-prober");

    HealthProber(ServerHarness... nodes) {
      this.nodes = nodes.clone();
    }

    synchronized void replace(int index, ServerHarness node) {
      nodes[index] = node;
    }

    /**
     * Probes node {@code index} holding the monitor, so {@link #replace} waits for a probe in
     * flight and a node is never probed while the test closes it.
     */
    private synchronized void probe(int index) {
      if (nodes[index] != null) {
        probe(nodes[index]);
      }
    }

    void start() {
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      stopped.set(true);
      thread.join(10_000);
    }

    private void run() {
      for (int i = 0; i < 20_000 && !stopped.get(); i++) {
        for (int k = 0; k < nodes.length; k++) {
          probe(k);
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void probe(ServerHarness node) {
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + node.server.httpAddress().getPort() + "/health"))
                    .timeout(Duration.ofSeconds(1))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        probes.incrementAndGet();
        JsonNode checks = ServerHarness.JSON.readTree(r.body()).get("checks");
        if (checks == null || checks.get("storage") == null) {
          failures.add("no storage check in " + r.statusCode() + " " + r.body());
          return;
        }
        JsonNode storage = checks.get("storage");
        if (!storage.get("up").asBoolean()) {
          sawStorageDown = true;
          if (r.statusCode() != 503) {
            failures.add("storage down but status " + r.statusCode());
          }
        }
      } catch (Exception e) {
        failures.add(e.toString());
      }
    }
  }
}
