package io.hollerith.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.auth.Role;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route × every role × a tenant that owns the data, an ancestor of it, and an unrelated one
 * (plus no token), over real HTTP, against the expected status.
 */
class AuthorizationMatrixTest {

  @TempDir static Path dir;
  static ApiFixture fx;

  static final String RANGE = "&startDate=2019-07-22T17:55:30Z&endDate=2019-07-22T17:57:30Z";

  /** One request of the matrix: a route and the path (with query) used to call it. */
  record Call(String method, String route, String pathAndQuery, String body) {
    @Override
    public String toString() {
      return method + " " + pathAndQuery;
    }
  }

  static final List<Call> CALLS =
      List.of(
          new Call("GET", "/health", "/health", null),
          new Call("GET", "/api/openapi.json", "/api/openapi.json", null),
          new Call("GET", "/api/v1/whoami", "/api/v1/whoami", null),
          new Call("GET", "/api/v1/series", "/api/v1/series?metric=shop.orders" + RANGE, null),
          new Call("GET", "/api/v1/series", "/api/v1/series?metric=blog.posts" + RANGE, null),
          new Call("GET", "/api/v1/series", "/api/v1/series?metric=system.load" + RANGE, null),
          new Call("GET", "/api/v1/metrics", "/api/v1/metrics", null),
          new Call("POST", "/api/v1/ingest", "/api/v1/ingest", "shop.orders:1|c\n"),
          new Call("GET", "/api/v1/users", "/api/v1/users", null),
          new Call("GET", "/api/v1/tenants", "/api/v1/tenants", null),
          new Call("GET", "/stats", "/stats", null),
          new Call("GET", "/stats/prometheus", "/stats/prometheus", null),
          new Call("GET", "/metrics", "/metrics", null),
          new Call(
              "GET",
              "/api/v1/series",
              "/api/v1/series?metric=hollerith.packets_received" + RANGE,
              null),
          new Call("GET", "/api/stats/tasks/", "/api/stats/tasks/?limit=5", null),
          new Call(
              "POST", "/api/stats/tasks/{id}/revoke", "/api/stats/tasks/no-such-task/revoke", null),
          new Call("GET", "/api/stats/internal/", "/api/stats/internal/", null),
          new Call("GET", "/api/stats/celery/", "/api/stats/celery/", null),
          new Call("GET", "/api/stats/workers/", "/api/stats/workers/", null),
          new Call("GET", "/api/stats/database/", "/api/stats/database/", null),
          new Call("GET", "/api/stats/table-growth/", "/api/stats/table-growth/?days=7", null),
          new Call("POST", "/api/stats/query/", "/api/stats/query/", "{\"query\": \"SELECT 1\"}"),
          new Call("GET", "/debug/goroutines", "/debug/goroutines", null),
          new Call("GET", "/debug/threads", "/debug/threads", null),
          new Call("GET", "/debug/pool/bytes", "/debug/pool/bytes", null),
          new Call("GET", "/_local/files/_list", "/_local/files/_list", null),
          new Call("GET", "/_local/files/{file}/_list", "/_local/files/sub/_list", null),
          // A file the node has open: an authorised caller gets 409, so every row of the matrix
          // sees the same file.
          new Call("DELETE", "/_local/files/{file}", "/_local/files/metrics.db", null));

  /** Node-wide routes: the permission, and a caller in the root tenant. */
  static final Set<String> NODE_WIDE =
      Set.of(
          "/api/stats/database/",
          "/api/stats/table-growth/",
          "/debug/goroutines",
          "/debug/threads",
          "/debug/pool/bytes",
          "/_local/files/_list",
          "/_local/files/{file}/_list");

  /** Node-wide routes whose permission only admins have. */
  static final Set<String> ADMIN_NODE_WIDE = Set.of("/api/stats/query/", "/_local/files/{file}");

  @BeforeAll
  static void start() throws IOException {
    Files.createDirectories(dir.resolve("sub"));
    fx = new ApiFixture(dir, ApiFixture.config());
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  /** The owner of a series named in the call, or null when the call names none. */
  static String owner(Call c) {
    if (!c.route().equals("/api/v1/series")) {
      return null;
    }
    String metric =
        c.pathAndQuery()
            .substring(c.pathAndQuery().indexOf("metric=") + 7, c.pathAndQuery().indexOf('&'));
    return metric.startsWith("shop.")
        ? "shop"
        : metric.startsWith("blog.") ? "blog" : metric.startsWith("hollerith.") ? "self" : "root";
  }

  static int expected(Call c, Role role, String tenant) {
    if (c.route().equals("/health")) {
      return 200;
    }
    if (role == null) {
      return 401;
    }
    if (NODE_WIDE.contains(c.route())) {
      return role != Role.READER && tenant.equals("root") ? 200 : 403;
    }
    switch (c.route()) {
      case "/api/openapi.json", "/api/v1/whoami", "/api/v1/metrics" -> {
        return 200;
      }
      case "/api/v1/series" -> {
        if (owner(c).equals("self")) {
          // The node's own series: OPS:READ callers of the root tenant; a reader only if its tenant
          // owns the prefix.
          return role != Role.READER && tenant.equals("root") ? 200 : 404;
        }
        // root sees everything; a tenant sees its own namespace only; outside reach looks missing.
        return tenant.equals("root") || tenant.equals(owner(c)) ? 200 : 404;
      }
      case "/api/stats/tasks/",
          "/api/stats/internal/",
          "/api/stats/celery/",
          "/api/stats/workers/" -> {
        // Node-wide views: OPS:READ, and only for the root tenant.
        return role == Role.READER || !tenant.equals("root") ? 403 : 200;
      }
      case "/api/stats/tasks/{id}/revoke" -> {
        // OPS:WRITE (admin only), root tenant only; the task does not exist.
        return role != Role.ADMIN || !tenant.equals("root") ? 403 : 404;
      }
      case "/api/v1/ingest", "/api/v1/users", "/api/v1/tenants" -> {
        return role == Role.ADMIN ? 200 : 403;
      }
      case "/stats", "/stats/prometheus", "/metrics" -> {
        return role == Role.READER ? 403 : 200;
      }
      case "/api/stats/query/" -> {
        return role == Role.ADMIN && tenant.equals("root") ? 200 : 403;
      }
      case "/_local/files/{file}" -> {
        // FILES:DELETE (admin only), root tenant only; metrics.db is in use.
        return role == Role.ADMIN && tenant.equals("root") ? 409 : 403;
      }
      default -> {
        throw new AssertionError("route without an expectation: " + c.route());
      }
    }
  }

  static Stream<Arguments> matrix() {
    List<Arguments> out = new ArrayList<>();
    for (Call c : CALLS) {
      out.add(Arguments.of(c, null, null));
      for (Role role : Role.values()) {
        for (String tenant : ApiFixture.TENANTS) {
          out.add(Arguments.of(c, role, tenant));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} as {1}@{2}")
  @MethodSource("matrix")
  void status(Call call, Role role, String tenant) throws Exception {
    String user = role == null ? null : role.label() + "@" + tenant;
    HttpResponse<String> r = fx.send(call.method(), call.pathAndQuery(), user, call.body());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(expected(call, role, tenant));
    if (r.statusCode() == 404 && call.route().equals("/api/v1/series")) {
      String metric =
          call.pathAndQuery()
              .substring(
                  call.pathAndQuery().indexOf("metric=") + 7, call.pathAndQuery().indexOf('&'));
      assertThat(r.body())
          .isEqualTo(
              "{\"alerts\":[{\"level\":\"error\",\"text\":\"No such series: " + metric + "\"}]}");
    }
    if (r.statusCode() == 403
        && (role == Role.READER
            || (role == Role.SUPPORT && ADMIN_NODE_WIDE.contains(call.route()))
            || (!NODE_WIDE.contains(call.route()) && !ADMIN_NODE_WIDE.contains(call.route())))) {
      assertThat(r.body()).contains("Permission ").contains(" required; role " + role.label());
    } else if (r.statusCode() == 403) {
      assertThat(r.body()).contains("the caller's tenant must be the root tenant");
    }
    if (r.statusCode() == 409) {
      assertThat(r.body())
          .contains("'metrics.db' cannot be deleted: the node keeps it open (metrics.db)");
    }
  }

  @Test
  void theMatrixCoversEveryRoute() {
    Set<String> covered = new HashSet<>();
    CALLS.forEach(c -> covered.add(c.method() + " " + c.route()));
    Set<String> routes = new HashSet<>();
    fx.api.routes().forEach(r -> routes.add(r.method() + " " + r.path()));
    assertThat(covered).isEqualTo(routes);
  }

  @Test
  void invisibleSeriesLookExactlyLikeMissingOnes() throws Exception {
    HttpResponse<String> hidden =
        fx.get("/api/v1/series?metric=shop.orders" + RANGE, "reader@blog");
    HttpResponse<String> missing =
        fx.get("/api/v1/series?metric=shop.orders" + RANGE, "reader@blog");
    HttpResponse<String> absent =
        fx.get("/api/v1/series?metric=blog.nothing" + RANGE, "reader@blog");
    assertThat(hidden.statusCode()).isEqualTo(404).isEqualTo(absent.statusCode());
    assertThat(hidden.body()).isEqualTo(missing.body());
    assertThat(absent.body()).isEqualTo(hidden.body().replace("shop.orders", "blog.nothing"));
    assertThat(hidden.headers().map().keySet()).isEqualTo(absent.headers().map().keySet());
  }

  @Test
  void listsAndPrometheusOnlyShowTheCallersNamespaces() throws Exception {
    String shopList = fx.get("/api/v1/metrics", "reader@shop").body();
    assertThat(shopList)
        .contains("shop.orders", "shop.latency")
        .doesNotContain("blog.posts", "system.load");
    String rootList = fx.get("/api/v1/metrics", "reader@root").body();
    assertThat(rootList).contains("shop.orders", "blog.posts", "system.load");
    String shopMetrics = fx.get("/metrics", "support@shop").body();
    assertThat(shopMetrics)
        .contains("shop_orders_total 5")
        .doesNotContain("blog_posts", "blog_visitors");
    String rootMetrics = fx.get("/metrics", "support@root").body();
    assertThat(rootMetrics)
        .contains("shop_orders_total 5", "blog_posts_total{lang=\"en\"} 3", "blog_visitors 2");
  }
}
