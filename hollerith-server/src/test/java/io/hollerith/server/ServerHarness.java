package io.hollerith.server;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.config.ConfigLoader;
import io.hollerith.server.config.HollerithConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a whole {@link HollerithServer} on loopback with every port chosen by the kernel and the
 * data directory given, and talks to it over HTTP with the admin token it created. Test support.
 */
final class ServerHarness implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  final HollerithServer server;
  final String token;

  /** What the server printed on its console. */
  final ByteArrayOutputStream console;

  private final HttpClient http = HttpClient.newHttpClient();

  private ServerHarness(HollerithServer server, String token, ByteArrayOutputStream console) {
    this.server = server;
    this.token = token;
    this.console = console;
  }

  /**
   * A server with a one-hour flush interval (tests flush by hand) and the given extra overrides.
   */
  static ServerHarness start(Path dataDir, String... overrides) throws Exception {
    return start(dataDir, Clock.systemUTC(), (Path) null, overrides);
  }

  /** A server on {@code clock} reading {@code configFile} (or none) under the same overrides. */
  static ServerHarness start(Path dataDir, Clock clock, Path configFile, String... overrides)
      throws Exception {
    return start(dataDir, clock, configFile, null, overrides);
  }

  /**
   * As {@link #start(Path, java.time.Clock, Path, String...)}, talking with {@code token} (null:
   * the admin token this server wrote to its data directory).
   */
  static ServerHarness start(
      Path dataDir, Clock clock, Path configFile, String token, String... overrides)
      throws Exception {
    List<String> sets =
        new ArrayList<>(
            List.of(
                "node_id=test-node",
                "data_dir=" + dataDir,
                "listeners.udp.port=0",
                "listeners.udp.threads=1",
                "listeners.tcp.port=0",
                "listeners.unix_stream.enabled=true",
                "listeners.management.port=0",
                "http.port=0",
                "aggregation.flush_interval=1h",
                "storage.retention=1h:30d"));
    sets.addAll(List.of(overrides));
    HollerithConfig config = new ConfigLoader().load(configFile, Map.of(), sets);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    HollerithServer server =
        new HollerithServer(config, clock, new PrintStream(console, true, StandardCharsets.UTF_8));
    try {
      server.start();
    } catch (Exception e) {
      server.close();
      throw e;
    }
    try {
      return new ServerHarness(
          server,
          token != null
              ? token
              : Files.readString(server.dataDir().resolve(AuthStore.ADMIN_TOKEN_FILE)).trim(),
          console);
    } catch (IOException e) {
      server.close();
      throw e;
    }
  }

  /** Flushes the open interval and waits until the store has written it. */
  void flushAndStore() throws InterruptedException {
    server.flusher().flushNow();
    if (!server.storeSink().awaitDrained(Duration.ofSeconds(20))) {
      throw new AssertionError("the store did not drain within 20 s");
    }
  }

  /** Waits until the parser has passed on at least {@code samples} samples in total. */
  void awaitSamples(long samples) throws InterruptedException {
    await(
            "samples_parsed to reach "
                + samples
                + ", is "
                + server.stats().value("messages", "samples_parsed"))
        .atMost(Duration.ofSeconds(20))
        .until(() -> server.stats().value("messages", "samples_parsed").longValue() >= samples);
  }

  HttpResponse<String> post(String pathAndQuery) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.httpAddress().getPort() + pathAndQuery))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String pathAndQuery) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.httpAddress().getPort() + pathAndQuery))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(20))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /**
   * {@code /api/v1/series} over the hour around now; returns the parsed {@code response} object.
   */
  JsonNode series(String metric, String extraQuery) throws Exception {
    Instant now = Instant.now();
    String query =
        "/api/v1/series?metric="
            + URLEncoder.encode(metric, StandardCharsets.UTF_8)
            + "&startDate="
            + now.minus(Duration.ofHours(1)).toString()
            + "&endDate="
            + now.plus(Duration.ofHours(1)).toString()
            + "&interval=1h"
            + extraQuery;
    HttpResponse<String> response = get(query);
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "GET " + query + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body()).get("response");
  }

  /** The sum of the non-null bucket values of a series response. */
  static double sumOfValues(JsonNode response) {
    double sum = 0;
    for (JsonNode row : response.get("series").get("values")) {
      if (!row.get(1).isNull()) {
        sum += row.get(1).asDouble();
      }
    }
    return sum;
  }

  @Override
  public void close() {
    server.close();
  }
}
