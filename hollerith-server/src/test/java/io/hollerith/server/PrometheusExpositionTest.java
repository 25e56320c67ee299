package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} of a whole server (every internal statistic registered, every StatsD type
 * flushed) as Prometheus users expect it: {@code promtool check metrics} has nothing to say.
 */
class PrometheusExpositionTest {

  @TempDir Path dir;

  @Test
  void promtoolFindsNothingToSayAboutAWholeServer() throws Exception {
    String promtool = promtool();
    Assumptions.assumeTrue(promtool != null, "promtool not installed (apt-get install prometheus)");
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"))) {
      send(
          h,
          "app.hits:3|c",
          "app.debt:-2|c",
          "app.temp:21|g",
          "app.latency:250|ms|@0.5",
          "app.users:alice|s",
          "app.response_bytes:512|c");
      h.awaitSamples(6);
      h.flushAndStore();
      h.flushAndStore();
      HttpResponse<String> response = h.get("/metrics");
      assertThat(response.statusCode()).isEqualTo(200);
      Process p =
          new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
      p.getOutputStream().write(response.body().getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(out.strip()).as(out + "\n---\n" + response.body()).isEmpty();
      assertThat(p.exitValue()).isZero();
      assertThat(response.body())
          .contains(
              "hollerith_flush_last_duration_seconds ",
              "app_latency_count 2\n",
              "app_latency_sum 0.5\n",
              "hollerith_storage_table_bytes{table=\"counter_points\"} ");
    }
  }

  @Test
  void aDecrementedCounterNeverShowsANegativeTotalAcrossARestart() throws Exception {
    Path data = dir.resolve("data");
    try (ServerHarness h = ServerHarness.start(data)) {
      send(h, "app.debt:5|c");
      h.awaitSamples(1);
      h.flushAndStore();
      send(h, "app.debt:-8|c");
      h.awaitSamples(2);
      h.flushAndStore();
      assertThat(h.get("/metrics").body())
          .contains(
              "app_debt_total 5\n", "hollerith_prometheus_negative_intervals_dropped_total 1\n");
      // The store keeps the signed history.
      assertThat(ServerHarness.sumOfValues(h.series("app.debt", "&stat=count")))
          .isEqualTo(5.0 - 8.0);
    }
    try (ServerHarness h = ServerHarness.start(data)) {
      assertThat(h.get("/metrics").body()).contains("app_debt_total 5\n");
    }
  }

  /** promtool from the Debian package {@code prometheus}, or null when it is not installed. */
  static String promtool() {
    for (String dirName : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dirName, "promtool");
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    return null;
  }

  static void send(ServerHarness h, String... lines) throws Exception {
    InetSocketAddress udp = h.server.ingestAddresses().udp();
    try (DatagramSocket socket = new DatagramSocket()) {
      for (String line : lines) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, udp));
      }
    }
  }
}
