package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.hollerith.client.ClientTransport;
import io.hollerith.client.StatsClient;
import io.hollerith.client.StatsClientBase;
import io.hollerith.server.sketch.QuantileSketch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole path with real parts: the Java client sends over a real socket, the server parses,
 * aggregates and flushes into SQLite, and {@code /api/v1/series} and {@code /metrics} answer from
 * what was stored. Covers the client end to end and the HTTP API end to end.
 */
class HollerithServerEndToEndTest {

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(ClientTransport.class)
  void clientCallsBecomeStoredValuesOverEveryTransport(ClientTransport transport) throws Exception {
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"))) {
      var bound = h.server.ingestAddresses();
      try (StatsClientBase client =
          transport.open(bound.udp(), bound.tcp(), bound.unixStream(), "app", 512, () -> -1)) {
        client.incr("hits", 3);
        client.incr("hits");
        for (int v = 10; v <= 100; v += 10) {
          client.timing("db.query", v);
        }
        client.gauge("temp", 21.5);
        client.set("users", "alice");
        client.set("users", "bob");
        client.set("users", "alice");
      }
      h.awaitSamples(16);
      h.flushAndStore();

      assertThat(ServerHarness.sumOfValues(h.series("app.hits", "&stat=count"))).isEqualTo(4.0);
      assertThat(ServerHarness.sumOfValues(h.series("app.temp", ""))).isEqualTo(21.5);
      assertThat(ServerHarness.sumOfValues(h.series("app.users", ""))).isEqualTo(2.0);

      JsonNode latency = h.series("app.db.query", "").get("summary").get("latency");
      assertThat(latency.get("count").asLong()).isEqualTo(10);
      assertThat(latency.get("min").asDouble()).isEqualTo(10.0);
      assertThat(latency.get("max").asDouble()).isEqualTo(100.0);
      // DDSketch's quantile q is the value of rank floor(q * (n - 1)), within its relative
      // accuracy.
      assertThat(latency.get("p50").asDouble())
          .isCloseTo(50.0, within(50.0 * QuantileSketch.RELATIVE_ACCURACY));
      assertThat(latency.get("p90").asDouble())
          .isCloseTo(90.0, within(90.0 * QuantileSketch.RELATIVE_ACCURACY));
    }
  }

  @Test
  void countersAndGaugesContinueAfterARestart() throws Exception {
    Path data = dir.resolve("data");
    try (ServerHarness h = ServerHarness.start(data);
        StatsClient client =
            new StatsClient("127.0.0.1", h.server.ingestAddresses().udp().getPort())) {
      client.incr("restart.hits", 5);
      client.gauge("restart.temp", 7);
      client.timing("restart.latency", 12);
      h.awaitSamples(3);
      h.flushAndStore();
      h.flushAndStore(); // an idle interval: the timer's _sum must stay a number
      String metrics = h.get("/metrics").body();
      assertThat(metrics)
          .contains("restart_hits_total 5")
          .contains("restart_temp 7")
          .contains("restart_latency_sum 0.012");
    }
    try (ServerHarness h = ServerHarness.start(data);
        StatsClient client =
            new StatsClient("127.0.0.1", h.server.ingestAddresses().udp().getPort())) {
      // Before the first flush after the restart: totals and gauges as they were.
      assertThat(h.get("/metrics").body())
          .contains("restart_hits_total 5")
          .contains("restart_temp 7");
      client.incr("restart.hits", 2);
      client.gauge("restart.temp", 1, true);
      h.awaitSamples(2);
      h.flushAndStore();
      String metrics = h.get("/metrics").body();
      assertThat(metrics).contains("restart_hits_total 7").contains("restart_temp 8");
      assertThat(ServerHarness.sumOfValues(h.series("restart.hits", "&stat=count"))).isEqualTo(7.0);
    }
  }

  @Test
  void httpIngestIsProcessedLikeUdp() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"))) {
      var request =
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:" + h.server.httpAddress().getPort() + "/api/v1/ingest"))
              .header("Authorization", "Token " + h.token)
              .POST(BodyPublishers.ofString("web.hits:2|c\nweb.hits:3|c|@0.5\nbroken\n|c\n"))
              .build();
      var response = HttpClient.newHttpClient().send(request, BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode result = ServerHarness.JSON.readTree(response.body());
      // "broken" has no value and "|c" no name: both are rejected, as Etsy 0.9 rejects them.
      assertThat(result.get("accepted").asInt()).isEqualTo(2);
      assertThat(result.get("rejected").asInt()).isEqualTo(2);
      h.flushAndStore();
      assertThat(ServerHarness.sumOfValues(h.series("web.hits", "&stat=count")))
          .isEqualTo(2 + 3 / 0.5);
    }
  }
}
