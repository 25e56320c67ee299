package io.hollerith.server.api;

import io.hollerith.server.auth.Permission;

/**
 * One endpoint: method, path (exact, or a template with {@code {name}} segments), what the caller
 * needs, and the handler. Immutable.
 *
 * @param method upper-case HTTP method
 * @param path exact path or template
 * @param guard who may call it
 * @param permission the permission required when {@code guard} is {@link Guard#PERMISSION}
 * @param anonymousScrape true when configured addresses may call it without a token (Prometheus)
 * @param handler the handler
 */
record Route(
    String method,
    String path,
    Guard guard,
    Permission permission,
    boolean anonymousScrape,
    Handler handler) {

  /** Who may call a route. */
  enum Guard {
    /** Anyone, without a token ({@code /health}). */
    PUBLIC,
    /** Any valid token. */
    AUTHENTICATED,
    /** A valid token whose role grants {@link Route#permission()}. */
    PERMISSION
  }

  /**
   * Handles one request; may throw {@link ApiException} or {@link
   * io.hollerith.server.query.QueryException}.
   */
  @FunctionalInterface
  interface Handler {
    ApiResponse handle(ApiRequest request) throws Exception;
  }

  static Route publicRoute(String method, String path, Handler handler) {
    return new Route(method, path, Guard.PUBLIC, null, false, handler);
  }

  static Route authenticated(String method, String path, Handler handler) {
    return new Route(method, path, Guard.AUTHENTICATED, null, false, handler);
  }

  static Route requires(Permission permission, String method, String path, Handler handler) {
    return new Route(method, path, Guard.PERMISSION, permission, false, handler);
  }

  Route allowingAnonymousScrape() {
    return new Route(method, path, guard, permission, true, handler);
  }
}
