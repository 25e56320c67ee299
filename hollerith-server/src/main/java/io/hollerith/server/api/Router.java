package io.hollerith.server.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Exact-path routing: a path that no route has is a 404, a known path with another method a 405
 * listing the allowed methods. Immutable once built; thread-safe.
 */
final class Router {

  private final Map<String, Map<String, Route>> byPath = new LinkedHashMap<>();
  private final List<Route> routes = new ArrayList<>();

  Router add(Route route) {
    Map<String, Route> methods = byPath.computeIfAbsent(route.path(), p -> new LinkedHashMap<>());
    if (methods.put(route.method(), route) != null) {
      throw new IllegalArgumentException("duplicate route " + route.method() + " " + route.path());
    }
    routes.add(route);
    return this;
  }

  /** Every route, in registration order. */
  List<Route> routes() {
    return Collections.unmodifiableList(routes);
  }

  /**
   * The route for this request.
   *
   * @throws ApiException 404 for an unknown path, 405 (with {@code Allow}) for a known path
   */
  Route find(String method, String path) {
    Map<String, Route> methods = byPath.get(path);
    if (methods == null) {
      throw new ApiException(404, "No such endpoint: " + path);
    }
    Route route = methods.get(method);
    if (route == null) {
      String allow = String.join(", ", new TreeSet<>(methods.keySet()));
      throw new ApiException(405, "Method " + method + " not allowed on " + path + "; allowed: " + allow,
          Map.of("Allow", allow));
    }
    return route;
  }
}
