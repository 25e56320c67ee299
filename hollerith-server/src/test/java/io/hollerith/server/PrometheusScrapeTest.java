package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hollerith.client.StatsClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (Debian package {@code prometheus}; {@code .ci/run} installs it) scrapes
 * Hollerith's {@code /metrics} with a bearer token, and the value is read back through Prometheus'
 * own HTTP API.
 */
class PrometheusScrapeTest {

  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

  @TempDir Path dir;

  @Test
  void prometheusScrapesCounterTotalsAndTimerHistograms() throws Exception {
    assumeTrue(
        Files.isExecutable(PROMETHEUS), "prometheus is not installed (apt-get install prometheus)");
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"));
        StatsClient client =
            new StatsClient("127.0.0.1", h.server.ingestAddresses().udp().getPort())) {
      client.incr("shop.orders", 3);
      client.timing("shop.checkout", 250);
      h.awaitSamples(2);
      h.flushAndStore();

      Path token = dir.resolve("token");
      Files.writeString(token, h.token);
      int promPort;
      try (ServerSocket probe = new ServerSocket(0)) {
        promPort = probe.getLocalPort();
      }
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(
          config,
          """
          global:
            scrape_interval: 1s
          scrape_configs:
            - job_name: hollerith
              metrics_path: /metrics
              authorization:
                type: Bearer
                credentials_file: %s
              static_configs:
                - targets: ["127.0.0.1:%d"]
          """
              .formatted(token, h.server.httpAddress().getPort()));
      Process prometheus =
          new ProcessBuilder(
                  PROMETHEUS.toString(),
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + dir.resolve("tsdb"),
                  "--web.listen-address=127.0.0.1:" + promPort)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
      try {
        HttpClient http = HttpClient.newHttpClient();
        Path log = dir.resolve("prometheus.log");
        await("Prometheus to scrape both series")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () ->
                    (query(http, promPort, "shop_orders_total") != null
                            && query(http, promPort, "shop_checkout_count") != null)
                        || !prometheus.isAlive());
        JsonNode orders = query(http, promPort, "shop_orders_total");
        JsonNode checkoutCount = query(http, promPort, "shop_checkout_count");
        assertThat(orders)
            .as(
                "shop_orders_total via Prometheus; its log:%n%s",
                Files.exists(log) ? Files.readString(log) : "")
            .isNotNull();
        assertThat(orders.get("value").get(1).asText()).isEqualTo("3");
        assertThat(orders.get("metric").get("job").asText()).isEqualTo("hollerith");
        assertThat(checkoutCount.get("value").get(1).asText()).isEqualTo("1");
        // The timer is a histogram in seconds: 250 ms is 0.25 s, in the bucket whose bound is 0.25.
        assertThat(query(http, promPort, "shop_checkout_sum").get("value").get(1).asText())
            .isEqualTo("0.25");
        String bucket =
            URLEncoder.encode("shop_checkout_bucket{le=\"0.25\"}", StandardCharsets.UTF_8);
        assertThat(query(http, promPort, bucket).get("value").get(1).asText()).isEqualTo("1");
        String below =
            URLEncoder.encode("shop_checkout_bucket{le=\"0.1\"}", StandardCharsets.UTF_8);
        assertThat(query(http, promPort, below).get("value").get(1).asText()).isEqualTo("0");
      } finally {
        prometheus.destroy();
        if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly();
        }
      }
    }
  }

  /** The first sample of an instant query's result, or null while there is none. */
  private static JsonNode query(HttpClient http, int port, String promql) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/api/v1/query?query=" + promql))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return null;
      }
      JsonNode result = ServerHarness.JSON.readTree(response.body()).path("data").path("result");
      return result.isArray() && result.size() > 0 ? result.get(0) : null;
    } catch (IOException e) {
      return null; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
