package io.hollerith.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's files over a real socket: public, cacheable by content hash or ETag, under a
 * same-origin Content-Security-Policy, and outside the API's route table; the API stays no-store.
 */
class DashboardAssetsTest {

  private static final Pattern REFERENCE = Pattern.compile("(?:src|href)=\"(/ui/[^\"]+)\"");

  @TempDir static Path dir;
  static ApiFixture fx;

  @BeforeAll
  static void start() {
    fx = new ApiFixture(dir, ApiFixture.config());
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @Test
  void thePageIsPublicRevalidatedByEtagAndUnderASameOriginPolicy() throws Exception {
    HttpResponse<String> page = fx.get("/", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValue(
            "default-src 'none'; script-src 'self'; "
                + "style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.body())
        .contains("<main id=\"main\"")
        .doesNotContain("{{")
        .doesNotContain("<script>")
        .doesNotContain("style=");
    String etag = page.headers().firstValue("ETag").orElseThrow();
    assertThat(etag)
        .isEqualTo('"' + sha256Prefix(page.body().getBytes(StandardCharsets.UTF_8)) + '"');

    HttpResponse<String> again = fx.get("/", null, Map.of("If-None-Match", etag));
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(fx.get("/", null, Map.of("If-None-Match", "\"0000000000000000\"")).statusCode())
        .isEqualTo(200);
  }

  @Test
  void everyReferencedFileIsNamedByItsContentHashAndKeptForAYear() throws Exception {
    List<String> files = referencedFiles();
    assertThat(files)
        .anyMatch(f -> f.startsWith("/ui/uPlot.") && f.endsWith(".js"))
        .anyMatch(f -> f.startsWith("/ui/uPlot.") && f.endsWith(".css"))
        .anyMatch(f -> f.startsWith("/ui/app.") && f.endsWith(".js"))
        .anyMatch(f -> f.startsWith("/ui/app.") && f.endsWith(".css"))
        .anyMatch(f -> f.startsWith("/ui/metrics.") && f.endsWith(".js"))
        .anyMatch(f -> f.startsWith("/ui/server.") && f.endsWith(".js"))
        .anyMatch(f -> f.startsWith("/ui/icon.") && f.endsWith(".svg"));
    for (String file : files) {
      HttpResponse<byte[]> r =
          fx.client.send(
              HttpRequest.newBuilder(URI.create(fx.base + file))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).as(file).isEqualTo(200);
      String hash = sha256Prefix(r.body());
      assertThat(file).contains("." + hash + ".");
      assertThat(r.headers().firstValue("ETag")).hasValue('"' + hash + '"');
      assertThat(r.headers().firstValue("Cache-Control"))
          .hasValue("public, max-age=31536000, immutable");
      assertThat(r.headers().firstValue("Content-Security-Policy")).isPresent();
      String type = r.headers().firstValue("Content-Type").orElseThrow();
      assertThat(type)
          .isEqualTo(
              file.endsWith(".js")
                  ? "text/javascript; charset=utf-8"
                  : file.endsWith(".css") ? "text/css; charset=utf-8" : "image/svg+xml");
    }
  }

  @Test
  void otherMethodsAndUnknownFilesFallThroughToTheApiRouter() throws Exception {
    assertThat(fx.send("POST", "/", null, "x").statusCode()).isEqualTo(404);
    HttpResponse<String> unknown = fx.get("/ui/app.0000000000000000.js", null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("No such endpoint: /ui/app.0000000000000000.js");
    assertThat(fx.get("/index.html", null).statusCode()).isEqualTo(404);
  }

  @Test
  void dashboardFilesAreNotApiRoutesAndTheApiStaysNoStore() throws Exception {
    List<String> files = referencedFiles();
    files.add("/");
    assertThat(fx.api.routes()).noneMatch(r -> files.contains(r.path()));
    HttpResponse<String> whoami = fx.get("/api/v1/whoami", "reader@root");
    assertThat(whoami.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(whoami.headers().firstValue("Content-Security-Policy")).isEmpty();
  }

  @Test
  void whoamiReportsTheFlushIntervalAndTheSelfSeriesPrefix() throws Exception {
    Files.createDirectories(dir.resolve("custom"));
    try (ApiFixture custom =
        new ApiFixture(
            dir.resolve("custom"),
            ApiFixture.config(),
            b -> b.flushInterval(Duration.ofSeconds(30)).selfSeriesPrefix("node7."))) {
      JsonNode me = Json.MAPPER.readTree(custom.get("/api/v1/whoami", "reader@shop").body());
      assertThat(me.get("flushIntervalMillis").asLong()).isEqualTo(30_000);
      assertThat(me.get("selfSeriesPrefix").asText()).isEqualTo("node7.");
      assertThat(me.get("permissions").toString()).isEqualTo("[\"STAT:READ\"]");
    }
    Files.createDirectories(dir.resolve("without"));
    try (ApiFixture without =
        new ApiFixture(
            dir.resolve("without"), ApiFixture.config(), b -> b.selfSeriesPrefix(null))) {
      JsonNode me = Json.MAPPER.readTree(without.get("/api/v1/whoami", "reader@shop").body());
      assertThat(me.has("selfSeriesPrefix")).isTrue();
      assertThat(me.get("selfSeriesPrefix").isNull()).isTrue();
    }
  }

  private static List<String> referencedFiles() throws Exception {
    Matcher m = REFERENCE.matcher(fx.get("/", null).body());
    List<String> files = new ArrayList<>();
    while (m.find()) {
      if (!files.contains(m.group(1))) {
        files.add(m.group(1));
      }
    }
    return files;
  }

  private static String sha256Prefix(byte[] body) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(body))
        .substring(0, 16);
  }
}
