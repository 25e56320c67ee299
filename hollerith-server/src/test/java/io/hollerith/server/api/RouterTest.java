package io.hollerith.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hollerith.server.auth.Permission;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exact paths and path templates, with 404 and 405 + Allow for both. */
class RouterTest {

  static final Route.Handler NONE = r -> ApiResponse.json(200, Map.of());

  final Router router =
      new Router()
          .add(Route.requires(Permission.OPS_READ, "GET", "/api/stats/tasks/", NONE))
          .add(Route.requires(Permission.OPS_WRITE, "POST", "/api/stats/tasks/{id}/revoke", NONE))
          .add(Route.requires(Permission.OPS_READ, "GET", "/api/stats/tasks/{id}/revoke", NONE))
          .add(Route.requires(Permission.OPS_READ, "GET", "/api/stats/tasks/current/revoke", NONE));

  @Test
  void aTemplateBindsItsSegment() {
    Router.Match m = router.match("POST", "/api/stats/tasks/8c1f-42/revoke");
    assertThat(m.route().path()).isEqualTo("/api/stats/tasks/{id}/revoke");
    assertThat(m.pathParams()).containsExactly(Map.entry("id", "8c1f-42"));
    assertThat(router.match("GET", "/api/stats/tasks/").pathParams()).isEmpty();
  }

  @Test
  void anExactPathWinsOverATemplate() {
    Router.Match m = router.match("GET", "/api/stats/tasks/current/revoke");
    assertThat(m.route().path()).isEqualTo("/api/stats/tasks/current/revoke");
    assertThat(m.pathParams()).isEmpty();
  }

  @Test
  void unmatchedPathsAre404AndOtherMethods405WithAllow() {
    for (String path :
        new String[] {
          "/api/stats/tasks//revoke",
          "/api/stats/tasks/a/b/revoke",
          "/api/stats/tasks/a",
          "/api/stats/tasks/a/revoke/"
        }) {
      assertThatThrownBy(() -> router.match("POST", path))
          .as(path)
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
    }
    assertThatThrownBy(() -> router.match("DELETE", "/api/stats/tasks/x/revoke"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(405);
              assertThat(e.headers()).containsEntry("Allow", "GET, POST");
            });
  }

  @Test
  void aDuplicateTemplateRouteIsRefused() {
    assertThatThrownBy(
            () ->
                router.add(
                    Route.requires(
                        Permission.OPS_WRITE, "POST", "/api/stats/tasks/{id}/revoke", NONE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duplicate route POST /api/stats/tasks/{id}/revoke");
  }

  @Test
  void givenTheRawPathATemplateParameterMayHoldAnEncodedSlash() {
    Router files =
        new Router()
            .add(Route.requires(Permission.OPS_READ, "GET", "/_local/files/_list", NONE))
            .add(Route.requires(Permission.FILES_DELETE, "DELETE", "/_local/files/{file}", NONE));
    Router.Match m =
        files.match("DELETE", "/_local/files/logs/a+b.txt", "/_local/files/logs%2Fa+b.txt");
    assertThat(m.pathParams()).containsExactly(Map.entry("file", "logs/a+b.txt"));
    assertThatThrownBy(
            () -> files.match("DELETE", "/_local/files/logs/a.txt", "/_local/files/logs/a.txt"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(() -> files.match("DELETE", "/_local/files/_list", "/_local/files/_list"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(405));
  }
}
