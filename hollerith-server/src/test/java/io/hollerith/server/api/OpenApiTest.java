package io.hollerith.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The served OpenAPI document describes exactly the routes the server has. */
class OpenApiTest {

  @TempDir static Path dir;
  static ApiFixture fx;
  static JsonNode doc;

  @BeforeAll
  static void start() throws Exception {
    fx = new ApiFixture(dir, ApiFixture.config());
    HttpResponse<String> r = fx.get("/api/openapi.json", "reader@root");
    assertThat(r.statusCode()).isEqualTo(200);
    doc = Json.MAPPER.readTree(r.body());
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @Test
  void documentAndRouterHaveTheSameOperations() {
    TreeSet<String> documented = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      path.getValue()
          .fieldNames()
          .forEachRemaining(
              method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey()));
    }
    TreeSet<String> routed = new TreeSet<>();
    fx.api.routes().forEach(r -> routed.add(r.method() + " " + r.path()));
    assertThat(documented).isEqualTo(routed);
  }

  @Test
  void everyOperationDocumentsItsPermissionAndResponses() {
    Map<String, String> permissions = new TreeMap<>();
    for (Route r : fx.api.routes()) {
      JsonNode op = doc.get("paths").get(r.path()).get(r.method().toLowerCase(Locale.ROOT));
      String expected =
          switch (r.guard()) {
            case PUBLIC -> "none";
            case AUTHENTICATED -> "authenticated";
            case PERMISSION -> r.permission().label();
          };
      assertThat(op.get("x-permission").asText()).as(r.path()).startsWith(expected);
      assertThat(op.get("responses").has("200")).as(r.path()).isTrue();
      if (r.guard() != Route.Guard.PUBLIC) {
        assertThat(op.get("responses").has("401")).as(r.path()).isTrue();
        assertThat(op.get("responses").has("429")).as(r.path()).isTrue();
      }
      if (r.guard() == Route.Guard.PERMISSION) {
        assertThat(op.get("responses").has("403")).as(r.path()).isTrue();
      }
      permissions.put(r.method() + " " + r.path(), expected);
    }
    assertThat(permissions).hasSize(fx.api.routes().size());
  }

  @Test
  void seriesParametersAreAllDocumented() {
    TreeSet<String> names = new TreeSet<>();
    doc.get("paths")
        .get("/api/v1/series")
        .get("get")
        .get("parameters")
        .forEach(p -> names.add(p.get("name").asText()));
    assertThat(names)
        .containsExactlyInAnyOrder(
            "metric",
            "startDate",
            "endDate",
            "interval",
            "stat",
            "type",
            "tags",
            "tag.*",
            "limit",
            "offset",
            "orderby",
            "exclude",
            "Accept");
    assertThat(doc.get("paths").get("/api/v1/series").get("get").get("responses").fieldNames())
        .toIterable()
        .contains("200", "400", "401", "403", "404", "406", "429", "503");
  }

  @Test
  void theReadmeHttpTableListsEveryRoute() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String table =
        readme.substring(readme.indexOf("## HTTP API"), readme.indexOf("## Configuration"));
    for (Route r : fx.api.routes()) {
      assertThat(table)
          .as("README's HTTP table lists %s %s", r.method(), r.path())
          .contains("`" + r.method() + " " + r.path() + "`");
    }
  }
}
