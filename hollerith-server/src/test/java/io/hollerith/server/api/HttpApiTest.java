package io.hollerith.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.hollerith.server.config.HttpConfig;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Server behaviour over real HTTP: errors, auth schemes, limits, compression, health, logs. */
class HttpApiTest {

  @TempDir Path dir;
  ApiFixture fx;

  static final String SERIES =
      "/api/v1/series?metric=shop.orders&startDate=2019-07-22T17:55:30Z&endDate=2019-07-22T17:57:29Z";

  ApiFixture start(HttpConfig config) {
    fx = new ApiFixture(dir, config);
    return fx;
  }

  @AfterEach
  void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  static String alert(HttpResponse<String> r) throws Exception {
    JsonNode alerts = json(r).get("alerts");
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).get("level").asText()).isEqualTo("error");
    return alerts.get(0).get("text").asText();
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405WithAllow() throws Exception {
    start(ApiFixture.config());
    HttpResponse<String> missing = fx.get("/api/v2/nothing", "admin@root");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(alert(missing)).isEqualTo("No such endpoint: /api/v2/nothing");
    HttpResponse<String> wrong = fx.send("DELETE", "/api/v1/series", "admin@root", null);
    assertThat(wrong.statusCode()).isEqualTo(405);
    assertThat(wrong.headers().firstValue("Allow")).hasValue("GET");
    assertThat(alert(wrong)).isEqualTo("Method DELETE not allowed on /api/v1/series; allowed: GET");
    assertThat(fx.send("GET", "/api/v1/ingest", "admin@root", null).headers().firstValue("Allow"))
        .hasValue("POST");
  }

  @Test
  void bothTokenSchemesWorkAndErrorsNameTheProblem() throws Exception {
    start(ApiFixture.config());
    String token = fx.tokens.get("reader@root");
    for (String header : new String[] {"Token " + token, "Bearer " + token, "bearer  " + token}) {
      HttpResponse<String> r = fx.get("/api/v1/whoami", null, Map.of("Authorization", header));
      assertThat(r.statusCode()).as(header).isEqualTo(200);
      assertThat(json(r).get("user").asText()).isEqualTo("reader@root");
      assertThat(json(r).get("permissions").toString()).isEqualTo("[\"STAT:READ\"]");
    }
    HttpResponse<String> none = fx.get("/api/v1/whoami", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(alert(none))
        .isEqualTo(
            "Authentication required: send 'Authorization: Token <token>' or 'Authorization: Bearer <token>'");
    HttpResponse<String> basic =
        fx.get("/api/v1/whoami", null, Map.of("Authorization", "Basic YWxpY2U6eA=="));
    assertThat(alert(basic))
        .isEqualTo("Unsupported authorization scheme: use 'Token <token>' or 'Bearer <token>'");
    HttpResponse<String> bad =
        fx.get("/api/v1/whoami", null, Map.of("Authorization", "Token hol_wrong"));
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(alert(bad)).isEqualTo("Invalid token: unknown, expired or revoked");
    HttpResponse<String> forbidden = fx.get("/stats", "reader@root");
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(alert(forbidden))
        .isEqualTo("Permission OPS:READ required; role reader does not grant it");
  }

  @Test
  void revokedTokensAreRefusedOnTheNextRequest() throws Exception {
    start(ApiFixture.config());
    assertThat(fx.get("/api/v1/whoami", "support@shop").statusCode()).isEqualTo(200);
    fx.auth.revokeTokens("support@shop");
    assertThat(fx.get("/api/v1/whoami", "support@shop").statusCode()).isEqualTo(401);
  }

  @Test
  void failedAuthenticationsAreCountedAndRateLimitedButValidTokensAreAlwaysAdmitted()
      throws Exception {
    start(ApiFixture.config("http.auth_failure_limit=3", "http.auth_failure_window=5m"));
    for (int i = 0; i < 3; i++) {
      assertThat(
              fx.get("/api/v1/whoami", null, Map.of("Authorization", "Token nope" + i))
                  .statusCode())
          .isEqualTo(401);
    }
    HttpResponse<String> limited =
        fx.get("/api/v1/whoami", null, Map.of("Authorization", "Token nope"));
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 300L);
    assertThat(alert(limited))
        .startsWith("Too many failed authentications from 127.0.0.1; retry in ");
    // Only failures are throttled: bad tokens from an address cannot lock its valid users out.
    assertThat(fx.get("/api/v1/whoami", "admin@root").statusCode()).isEqualTo(200);
    assertThat(fx.get("/api/v1/whoami", null, Map.of("Authorization", "Token nope")).statusCode())
        .isEqualTo(429);
    assertThat(fx.get("/api/v1/whoami", "reader@shop").statusCode()).isEqualTo(200);
    // /health needs no authentication and stays reachable.
    assertThat(fx.get("/health", null).statusCode()).isEqualTo(200);
    assertThat(fx.stats.value("auth", "failures")).isEqualTo(5L);
    assertThat(fx.stats.value("auth", "rate_limited")).isEqualTo(2L);
    assertThat(fx.stats.value("auth", "failure_addresses_tracked")).isEqualTo(1L);
  }

  @Test
  void healthReportsEveryCheckAndTurns503WhenOneIsDown() throws Exception {
    start(ApiFixture.config());
    HttpResponse<String> up = fx.get("/health", null);
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(json(up).get("status").asText()).isEqualTo("up");
    assertThat(json(up).get("checks").get("storage").get("up").asBoolean()).isTrue();
    assertThat(json(up).get("checks").get("credentials").get("up").asBoolean()).isTrue();
    fx.storageUp.set(false);
    HttpResponse<String> down = fx.get("/health", null);
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(json(down).get("status").asText()).isEqualTo("down");
    assertThat(json(down).get("checks").get("storage").get("detail").asText())
        .isEqualTo("store unreachable");
  }

  @Test
  void largeResponsesAreGzippedWhenAccepted() throws Exception {
    start(ApiFixture.config());
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(fx.base + "/api/openapi.json"))
            .header("Authorization", "Token " + fx.tokens.get("reader@root"))
            .header("Accept-Encoding", "gzip")
            .build();
    HttpResponse<byte[]> r = fx.client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
    byte[] plain;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
      plain = in.readAllBytes();
    }
    assertThat(Json.MAPPER.readTree(plain).get("openapi").asText()).isEqualTo("3.0.3");
    HttpResponse<String> identity = fx.get("/api/openapi.json", "reader@root");
    assertThat(identity.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(identity.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(plain);
  }

  @Test
  void oversizedBodiesGet413() throws Exception {
    start(ApiFixture.config("http.max_request_bytes=1024"));
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fx.api.address().getPort())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(
          "POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response)
          .startsWith("HTTP/1.1 413 ")
          .contains("Request body larger than 1024 bytes");
    }
    HttpResponse<String> small =
        fx.send("POST", "/api/v1/ingest", "admin@root", "a:1|c\n".repeat(100));
    assertThat(small.statusCode()).isEqualTo(200);
  }

  @Test
  void slowRequestsGet408AndIdleConnectionsAreClosed() throws Exception {
    start(ApiFixture.config("http.idle_timeout=400ms", "http.request_timeout=200ms"));
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fx.api.address().getPort())) {
      s.setSoTimeout(5000);
      s.getOutputStream()
          .write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response)
          .startsWith("HTTP/1.1 408 ")
          .contains("Request not received within 200 ms");
    }
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fx.api.address().getPort())) {
      s.setSoTimeout(5000);
      long start = System.nanoTime();
      assertThat(s.getInputStream().read()).isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }
  }

  @Test
  void seriesOverHttpCarriesTheTimestampFormatAndVary() throws Exception {
    start(ApiFixture.config());
    HttpResponse<String> unix =
        fx.get(
            SERIES,
            "reader@shop",
            Map.of(
                "Accept",
                "application/json;timestamp=unix, application/json;timestamp=rfc;q=0.9, application/json;q=0.8, */*;q=0.7"));
    assertThat(unix.statusCode()).isEqualTo(200);
    assertThat(unix.headers().firstValue("Content-Type"))
        .hasValue("application/json; timestamp=unix");
    assertThat(unix.headers().firstValue("Vary")).hasValue("Accept");
    JsonNode response = json(unix).get("response");
    assertThat(response.get("series").get("values").toString())
        .isEqualTo("[[1563818130000000000,15.0],[1563818190000000000,null]]");
    assertThat(response.get("summary").get("count").asInt()).isEqualTo(5);
    HttpResponse<String> rfc = fx.get(SERIES, "reader@shop");
    assertThat(rfc.headers().firstValue("Content-Type"))
        .hasValue("application/json; timestamp=rfc");
    assertThat(json(rfc).get("response").get("series").get("values").toString())
        .isEqualTo("[[\"2019-07-22T17:55:30Z\",15.0],[\"2019-07-22T17:56:30Z\",null]]");
    HttpResponse<String> notAcceptable =
        fx.get(SERIES, "reader@shop", Map.of("Accept", "text/csv"));
    assertThat(notAcceptable.statusCode()).isEqualTo(406);
    assertThat(alert(notAcceptable))
        .isEqualTo("Failed to negotiate content; cannot produce output satisfying text/csv");
    HttpResponse<String> badLimit = fx.get(SERIES + "&limit=-1", "reader@shop");
    assertThat(badLimit.statusCode()).isEqualTo(400);
    assertThat(badLimit.body())
        .isEqualTo("{\"alerts\":[{\"level\":\"error\",\"text\":\"Invalid limit!\"}]}");
    HttpResponse<String> missing = fx.get("/api/v1/series?metric=shop.orders", "reader@shop");
    assertThat(alert(missing)).isEqualTo("missing required parameters: startDate, endDate");
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    // The slow health check must answer (not time out) however loaded the machine is.
    start(ApiFixture.config("http.health_check_timeout=30s"));
    fx.healthDelayMillis.set(300);
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fx.api.address().getPort())) {
      s.setSoTimeout(5000);
      s.getOutputStream()
          .write(
              ("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                      + "GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\n\r\n"
                      + "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int first = all.indexOf("HTTP/1.1 200 ");
      int second = all.indexOf("HTTP/1.1 401 ");
      int third = all.indexOf("HTTP/1.1 404 ");
      assertThat(first).as(all).isZero();
      assertThat(second).as(all).isGreaterThan(first);
      assertThat(third).as(all).isGreaterThan(second);
    }
  }

  @Test
  void adminsListUsersTenantsAndNamespaces() throws Exception {
    start(ApiFixture.config());
    JsonNode users = json(fx.get("/api/v1/users", "admin@root")).get("users");
    assertThat(users).hasSize(9);
    assertThat(users.toString())
        .contains(
            "\"name\":\"reader@shop\",\"role\":\"reader\",\"tenant\":\"shop\",\"activeTokens\":1");
    assertThat(users.toString()).doesNotContain("hol_");
    JsonNode tenants = json(fx.get("/api/v1/tenants", "admin@root"));
    assertThat(tenants.get("tenants").toString())
        .isEqualTo(
            "[{\"name\":\"root\",\"parent\":null},{\"name\":\"shop\",\"parent\":\"root\"},{\"name\":\"blog\",\"parent\":\"root\"}]");
    assertThat(tenants.get("namespaces").toString())
        .isEqualTo(
            "[{\"prefix\":\"blog.\",\"tenant\":\"blog\"},{\"prefix\":\"shop.\",\"tenant\":\"shop\"}]");
  }

  @Test
  void aFullWorkerQueueAnswers503InsteadOfQueueingWithoutBound() throws Exception {
    // A health check slower than the request interval (but within its own timeout) holds the one
    // worker.
    start(
        ApiFixture.config(
            "http.worker_threads=1",
            "http.max_queued_requests=1",
            "http.health_check_timeout=30s"));
    fx.healthDelayMillis.set(500);
    var requests = new ArrayList<CompletableFuture<HttpResponse<String>>>();
    for (int i = 0; i < 4; i++) {
      requests.add(
          fx.client.sendAsync(
              HttpRequest.newBuilder(URI.create(fx.base + "/health")).build(),
              HttpResponse.BodyHandlers.ofString()));
      Thread.sleep(50);
    }
    var statuses = new ArrayList<Integer>();
    for (var f : requests) {
      statuses.add(f.get(10, TimeUnit.SECONDS).statusCode());
    }
    // One runs, one waits in the queue, the rest are refused at once.
    assertThat(statuses).containsExactlyInAnyOrder(200, 200, 503, 503);
    assertThat(fx.stats.value("http", "rejected_busy")).isEqualTo(2L);
  }

  @Test
  void aStoreThatDoesNotAnswerGets503AfterTheReadTimeoutNotAHangingRequest() throws Exception {
    start(ApiFixture.config());
    CountDownLatch release = new CountDownLatch(1);
    fx.reader.hangUntil(release);
    try {
      HttpResponse<String> r = fx.get(SERIES, "reader@root");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(alert(r))
          .isEqualTo("Storage did not answer within 2000 ms (storage.read_timeout)");
      assertThat(fx.stats.value("http", "store_read_timeouts")).isEqualTo(1L);
    } finally {
      release.countDown();
    }
    // The store answers again: so does the API.
    assertThat(fx.get(SERIES, "reader@root").statusCode()).isEqualTo(200);
  }

  @Test
  void aHealthCheckThatHangsIsReportedDownWithinTheHealthTimeout() throws Exception {
    start(ApiFixture.config());
    fx.healthDelayMillis.set(600_000);
    HttpClient oneSecond = HttpClient.newHttpClient();
    for (int probe = 1; probe <= 3; probe++) {
      // The client gives up after 1 s: every probe must have its answer before that.
      HttpResponse<String> r =
          oneSecond.send(
              HttpRequest.newBuilder(URI.create(fx.base + "/health"))
                  .timeout(Duration.ofSeconds(1))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(503);
      JsonNode checks = json(r).get("checks");
      assertThat(checks.get("storage").get("detail").asText()).isEqualTo("no answer within 500 ms");
      assertThat(checks.get("credentials").get("up").asBoolean()).isTrue();
      assertThat(fx.stats.value("http", "health_check_timeouts")).isEqualTo((long) probe);
    }
  }

  @Test
  void aFailingStoreAnswers503() throws Exception {
    start(ApiFixture.config());
    fx.reader.failWith(new IllegalStateException("disk on fire"));
    HttpResponse<String> r = fx.get(SERIES, "reader@root");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(alert(r)).isEqualTo("Storage unavailable; the server log has the cause");
    assertThat(fx.get("/api/v1/metrics", "reader@root").statusCode()).isEqualTo(503);
    // Validation still comes first: a bad request is a 400 whatever the store's state.
    assertThat(fx.get(SERIES + "&limit=x", "reader@root").statusCode()).isEqualTo(400);
  }

  @Test
  void ingestCountsAcceptedAndRejectedLines() throws Exception {
    start(ApiFixture.config());
    HttpResponse<String> r =
        fx.send(
            "POST",
            "/api/v1/ingest",
            "admin@root",
            "a.b:1|c\nbroken line\r\nc.d:2.5|ms|@0.5\n\nx:y\n");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .isEqualTo(
            "{\"accepted\":2,\"rejected\":2,\"errors\":[\"invalid line: broken line\",\"invalid line: x:y\"]}");
  }

  @Test
  void statsJsonHasCategoriesSystemAndStorage() throws Exception {
    start(ApiFixture.config());
    fx.get("/nowhere", null);
    HttpResponse<String> r = fx.get("/stats", "support@root");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode root = json(r).get("hollerith");
    assertThat(root.get("http").get("requests").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(root.get("http").get("responses_4xx").asLong()).isEqualTo(1);
    assertThat(root.get("system").get("uptime_seconds").asDouble()).isGreaterThan(0);
    assertThat(root.get("system").get("memory_usage_bytes").asLong()).isGreaterThan(0);
    assertThat(root.get("storage").get("bytes").asLong()).isEqualTo(4096);
    HttpResponse<String> prom = fx.get("/stats?format=prometheus", "support@root");
    assertThat(prom.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(prom.body()).contains("# TYPE hollerith_http_requests_total counter");
    assertThat(fx.get("/stats?format=xml", "support@root").statusCode()).isEqualTo(400);
  }

  @Test
  void statsAndMetricsLeaveOutStorageSizesWhileTheStoreIsDown() throws Exception {
    start(ApiFixture.config());
    fx.storageSizesReadable.set(false);
    HttpResponse<String> r = fx.get("/stats", "support@root");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("hollerith").has("storage")).isFalse();
    assertThat(json(r).get("hollerith").get("http").get("requests").asLong())
        .isGreaterThanOrEqualTo(0);
    HttpResponse<String> prom = fx.get("/metrics", "support@root");
    assertThat(prom.statusCode()).isEqualTo(200);
    assertThat(prom.body())
        .contains("hollerith_http_requests_total")
        .doesNotContain("storage_bytes");
    fx.storageSizesReadable.set(true);
    assertThat(fx.get("/metrics", "support@root").body()).contains("storage_bytes");
  }

  @Test
  void anonymousScrapingOnlyFromListedAddresses() throws Exception {
    start(ApiFixture.config("http.anonymous_metrics_from=[127.0.0.1]"));
    assertThat(fx.get("/metrics", null).statusCode()).isEqualTo(200);
    assertThat(fx.get("/stats/prometheus", null).statusCode()).isEqualTo(200);
    assertThat(fx.get("/stats", null).statusCode()).isEqualTo(401);
    assertThat(fx.get("/metrics", null).body()).contains("blog_visitors 2");
  }

  @Test
  void accessLogHasOneLinePerRequestAndNeverTheToken() throws Exception {
    Logger access = (Logger) LoggerFactory.getLogger("io.hollerith.server.api.access");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    access.addAppender(appender);
    try {
      start(ApiFixture.config());
      fx.get(SERIES + "&secret=visible-only-in-query", "reader@shop");
      fx.get("/api/v1/whoami", null, Map.of("Authorization", "Token hol_not_a_real_token"));
      await().atMost(Duration.ofSeconds(5)).until(() -> appender.list.size() >= 2);
      assertThat(appender.list).hasSize(2);
      String first = appender.list.get(0).getFormattedMessage();
      assertThat(first)
          .matches("GET /api/v1/series 200 \\d+ms user=reader@shop remote=127\\.0\\.0\\.1");
      String second = appender.list.get(1).getFormattedMessage();
      assertThat(second).matches("GET /api/v1/whoami 401 \\d+ms user=- remote=127\\.0\\.0\\.1");
      for (ILoggingEvent e : appender.list) {
        assertThat(e.getFormattedMessage())
            .doesNotContain(fx.tokens.get("reader@shop"))
            .doesNotContain("hol_not_a_real_token");
      }
    } finally {
      access.detachAppender(appender);
    }
  }
}
