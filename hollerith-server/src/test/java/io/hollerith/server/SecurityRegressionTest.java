package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.hollerith.client.StatsClient;
import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.auth.Role;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The leak, lockout and memory probes of the hardening review, run against a whole live server on
 * loopback so that they stay fixed. Every probe is bounded in the number of requests and
 * connections it makes; none measures time.
 */
class SecurityRegressionTest {

  @TempDir Path dir;
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  final HttpClient client = HttpClient.newHttpClient();
  ServerHarness h;

  @BeforeEach
  void captureLogs() {
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
    root.detachAppender(logs);
  }

  /** Every run of 6 characters of the secret that occurs in the text. */
  static List<String> fragments(String secret, String text) {
    List<String> found = new ArrayList<>();
    for (int i = 0; i + 6 <= secret.length(); i++) {
      if (text.contains(secret.substring(i, i + 6))) {
        found.add(secret.substring(i, i + 6));
      }
    }
    return found;
  }

  private String allLogLines() {
    StringBuilder b = new StringBuilder();
    synchronized (logs) {
      logs.list.forEach(e -> b.append(e.getFormattedMessage()).append('\n'));
    }
    return b.toString();
  }

  /**
   * A user of a new tenant {@code tenant} that owns the namespace {@code prefix}; returns its
   * token.
   */
  private String tenantUser(String tenant, String prefix, Role role) {
    try (AuthStore auth =
        AuthStore.openSqlite(h.server.dataDir().resolve("auth.db"), Clock.systemUTC())) {
      auth.addTenant(tenant, "root");
      auth.assignNamespace(prefix, tenant);
      return auth.addUser(role.label() + "@" + tenant, role, tenant, null).secret();
    }
  }

  private HttpResponse<String> get(String pathAndQuery, String token) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + h.server.httpAddress().getPort() + pathAndQuery))
            .header("Authorization", "Token " + token)
            .timeout(Duration.ofSeconds(20))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricListCursorsCarryOnlyWhatTheCallerMaySee() throws Exception {
    h = ServerHarness.start(dir.resolve("data"));
    String shopReader = tenantUser("shop", "shop.", Role.READER);
    List<String> hidden =
        List.of("b.private.customer18.revenue", "b.private.customer19.revenue", "zz.internal");
    try (StatsClient statsd =
        new StatsClient("127.0.0.1", h.server.ingestAddresses().udp().getPort())) {
      for (String name : List.of("shop.a", "shop.b", hidden.get(0), hidden.get(1), hidden.get(2))) {
        statsd.incr(name, 1);
      }
      h.awaitSamples(5);
    }
    h.flushAndStore();
    JsonNode probe =
        ServerHarness.JSON.readTree(get("/api/v1/metrics?prefix=b.&limit=1", shopReader).body());
    assertThat(probe.get("metrics")).isEmpty();
    assertThat(probe.get("next").isNull()).isTrue();
    List<String> seen = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < 10; page++) {
      String body =
          get("/api/v1/metrics?limit=1" + (cursor == null ? "" : "&cursor=" + cursor), shopReader)
              .body();
      JsonNode doc = ServerHarness.JSON.readTree(body);
      doc.get("metrics").forEach(m -> seen.add(m.get("name").asText()));
      cursor = doc.get("next").isNull() ? null : doc.get("next").asText();
      if (cursor == null) {
        break;
      }
      seen.add("next=" + new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
    }
    assertThat(seen).containsExactly("shop.a", "next=shop.a", "shop.b", "next=shop.b");
    JsonNode all = ServerHarness.JSON.readTree(h.get("/api/v1/metrics").body());
    assertThat(all.get("metrics").findValuesAsText("name")).containsAll(hidden);
  }

  @Test
  void dropsByPrefixAreShownToRootTenantCallersOnly() throws Exception {
    h = ServerHarness.start(dir.resolve("data"), "aggregation.max_metrics=2");
    String shopSupport = tenantUser("shop", "shop.", Role.SUPPORT);
    try (StatsClient statsd =
        new StatsClient("127.0.0.1", h.server.ingestAddresses().udp().getPort())) {
      for (String name :
          List.of("shop.a", "shop.b", "bprivate.customer17", "bprivate.customer18")) {
        statsd.incr(name, 1);
      }
      h.awaitSamples(4);
    }
    h.flushAndStore();
    assertThat(h.get("/stats").body()).contains("\"drops_by_prefix\"").contains("bprivate");
    assertThat(h.get("/metrics").body()).contains("hollerith_drops_by_prefix_");
    HttpResponse<String> stats = get("/stats", shopSupport);
    assertThat(stats.statusCode()).isEqualTo(200);
    assertThat(stats.body())
        .doesNotContain("drops_by_prefix")
        .doesNotContain("bprivate")
        .contains("\"drops\"");
    HttpResponse<String> metrics = get("/metrics", shopSupport);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).doesNotContain("drops_by_prefix").doesNotContain("bprivate");
  }

  /**
   * Sends one request from the loopback address {@code from} (Linux routes all of 127/8 to the
   * loopback interface) and returns the status code.
   */
  private int statusFrom(String from, String pathAndQuery, String authorization) throws Exception {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(from, 0));
      s.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), h.server.httpAddress().getPort()),
          5000);
      s.setSoTimeout(20_000);
      s.getOutputStream()
          .write(
              ("GET "
                      + pathAndQuery
                      + " HTTP/1.1\r\nHost: x\r\nAuthorization: "
                      + authorization
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      byte[] head = s.getInputStream().readNBytes(12);
      return Integer.parseInt(new String(head, StandardCharsets.ISO_8859_1).substring(9, 12));
    }
  }

  @Test
  void badTokensNeverLockOutAValidTokenAndAFloodOfAddressesSharesNoWindow() throws Exception {
    h =
        ServerHarness.start(
            dir.resolve("data"), "http.auth_failure_limit=3", "http.auth_failure_max_addresses=50");
    String valid = "Token " + h.token;
    List<Integer> fromOneAddress = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      fromOneAddress.add(statusFrom("127.0.0.1", "/api/v1/whoami", "Token hol_wrong" + i));
    }
    assertThat(fromOneAddress).containsExactly(401, 401, 401, 429, 429, 429, 429, 429, 429, 429);
    assertThat(statusFrom("127.0.0.1", "/api/v1/whoami", valid)).isEqualTo(200);
    List<Integer> flood = new ArrayList<>();
    for (int i = 1; i <= 200; i++) {
      flood.add(statusFrom("127.0.1." + i, "/api/v1/whoami", "Token hol_wrong"));
    }
    assertThat(flood).containsOnly(401);
    assertThat(statusFrom("127.0.2.1", "/api/v1/whoami", valid)).isEqualTo(200);
    assertThat(statusFrom("127.0.2.2", "/api/v1/whoami", "Token hol_wrong")).isEqualTo(401);
    JsonNode auth =
        ServerHarness.JSON.readTree(h.get("/stats").body()).get("hollerith").get("auth");
    assertThat(auth.get("failure_addresses_tracked").asLong()).isLessThanOrEqualTo(50);
    assertThat(auth.get("failure_addresses_evicted").asLong()).isGreaterThanOrEqualTo(151);
    assertThat(auth.get("rate_limited").asLong()).isEqualTo(7);
  }

  @Test
  void declaredBodiesWithoutCredentialsPinNoMemory() throws Exception {
    h =
        ServerHarness.start(
            dir.resolve("data"), "http.max_connections=50", "http.auth_failure_limit=1000");
    byte[] partialBody = "a:1|c\n".repeat(64 * 1024 / 6).getBytes(StandardCharsets.US_ASCII);
    List<String> answers = new ArrayList<>();
    for (int batch = 0; batch < 5; batch++) {
      List<Socket> attackers = new ArrayList<>();
      try {
        for (int i = 0; i < 40; i++) {
          Socket s = new Socket(InetAddress.getLoopbackAddress(), h.server.httpAddress().getPort());
          attackers.add(s);
          s.setSoTimeout(20_000);
          s.getOutputStream()
              .write(
                  ("POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\n"
                          + (i % 2 == 0 ? "" : "Authorization: Token hol_wrong\r\n")
                          + "Content-Length: 1000000\r\n\r\n")
                      .getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().write(partialBody);
          s.getOutputStream().flush();
        }
        JsonNode http =
            ServerHarness.JSON.readTree(h.get("/stats").body()).get("hollerith").get("http");
        assertThat(http.get("body_bytes_in_flight").asLong()).isZero();
        for (Socket s : attackers) {
          answers.add(new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1));
        }
      } finally {
        for (Socket s : attackers) {
          s.close();
        }
      }
    }
    assertThat(answers).hasSize(200).containsOnly("HTTP/1.1 401");
    JsonNode http =
        ServerHarness.JSON.readTree(h.get("/stats").body()).get("hollerith").get("http");
    assertThat(http.get("body_bytes_in_flight").asLong()).isZero();
    assertThat(http.get("connections_rejected").asLong()).isZero();
    HttpRequest ingest =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + h.server.httpAddress().getPort() + "/api/v1/ingest"))
            .header("Authorization", "Token " + h.token)
            .POST(HttpRequest.BodyPublishers.ofString("a:1|c\n".repeat(10_000)))
            .build();
    assertThat(client.send(ingest, HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aTokenSentWithoutASchemeIsNeitherEchoedNorLogged() throws Exception {
    h = ServerHarness.start(dir.resolve("data"));
    List<String> bodies = new ArrayList<>();
    for (String authorization : List.of(h.token, h.token + " x", "Token " + h.token + "x")) {
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:" + h.server.httpAddress().getPort() + "/api/v1/whoami"))
              .header("Authorization", authorization)
              .build();
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(401);
      bodies.add(r.body());
    }
    HttpRequest inPath =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + h.server.httpAddress().getPort() + "/" + h.token))
            .header("Authorization", "Token " + h.token)
            .build();
    bodies.add(client.send(inPath, HttpResponse.BodyHandlers.ofString()).body());
    assertThat(fragments(h.token, String.join("\n", bodies))).isEmpty();
    h.close(); // every access line is written before the server stops
    h = null;
    assertThat(allLogLines()).contains("/api/v1/whoami 401");
    assertThat(fragments(tokenOf(dir.resolve("data")), allLogLines())).isEmpty();
  }

  private static String tokenOf(Path dataDir) throws IOException {
    return Files.readString(dataDir.resolve("admin.token")).trim();
  }

  @Test
  void anAcceptHeaderOfOnlyASemicolonIsNoServerError() throws Exception {
    h = ServerHarness.start(dir.resolve("data"));
    for (String path :
        List.of(
            "/api/v1/series?metric=x&startDate=2019-07-22T17:55:30Z&endDate=2019-07-22T17:57:30Z",
            "/metrics",
            "/stats/prometheus")) {
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + h.server.httpAddress().getPort() + path))
              .header("Authorization", "Token " + h.token)
              .header("Accept", ";")
              .build();
      assertThat(client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
          .as(path)
          .isLessThan(500);
    }
    JsonNode http =
        ServerHarness.JSON.readTree(h.get("/stats").body()).get("hollerith").get("http");
    assertThat(http.get("server_errors").asLong()).isZero();
  }

  @Test
  void theFirstStartSaysWhereTheAdminTokenIsButNeverPrintsIt() throws Exception {
    h = ServerHarness.start(dir.resolve("data"));
    String console = h.console.toString(StandardCharsets.UTF_8);
    Path file = h.server.dataDir().resolve("admin.token");
    assertThat(console)
        .contains("created user 'admin'; its API token is in " + file)
        .contains("cat " + file);
    assertThat(fragments(h.token, console)).isEmpty();
    assertThat(fragments(h.token, allLogLines())).isEmpty();
    assertThat(h.get("/api/v1/whoami").statusCode()).isEqualTo(200);
  }
}
