package io.hollerith.server.api;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Routing by exact path or by path template: a segment written {@code {name}} matches any one
 * non-empty segment and hands it to the handler as a path parameter ({@code
 * /api/stats/tasks/{id}/revoke}). An exact path wins over a template. Given the raw (still
 * percent-encoded) path, a template is matched segment by segment before decoding, so a parameter
 * may hold an encoded {@code /} ({@code /_local/files/logs%2Fa.txt}). A path that no route has is a
 * 404, a known path with another method a 405 listing the allowed methods. Immutable once built;
 * thread-safe.
 */
final class Router {

  /** A found route and the values of its path parameters. */
  record Match(Route route, Map<String, String> pathParams) {}

  /** The routes of one template, by method. */
  private record Template(String[] segments, Map<String, Route> methods) {}

  private final Map<String, Map<String, Route>> byPath = new LinkedHashMap<>();
  private final Map<String, Template> templates = new LinkedHashMap<>();
  private final List<Route> routes = new ArrayList<>();

  Router add(Route route) {
    Map<String, Route> methods =
        route.path().contains("{")
            ? templates
                .computeIfAbsent(
                    route.path(), p -> new Template(segments(p), new LinkedHashMap<>()))
                .methods()
            : byPath.computeIfAbsent(route.path(), p -> new LinkedHashMap<>());
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
    return match(method, path).route();
  }

  /**
   * The route for this request and its path parameters.
   *
   * @throws ApiException 404 for an unknown path, 405 (with {@code Allow}) for a known path
   */
  Match match(String method, String path) {
    return match(method, path, null);
  }

  /**
   * The route for this request and its path parameters.
   *
   * @param path the decoded path
   * @param rawPath the same path still percent-encoded; templates bind its segments, each decoded
   *     on its own; null to bind the decoded path's segments
   * @throws ApiException 404 for an unknown path, 405 (with {@code Allow}) for a known path
   */
  Match match(String method, String path, String rawPath) {
    Map<String, Route> methods = byPath.get(path);
    Map<String, String> params = Map.of();
    if (methods == null) {
      String[] parts = segments(rawPath == null ? path : rawPath);
      if (rawPath != null) {
        for (int i = 0; i < parts.length; i++) {
          // A '+' in a path is a plus, not a space as in a query string.
          parts[i] = QueryStringDecoder.decodeComponent(parts[i].replace("+", "%2B"));
        }
      }
      for (Template t : templates.values()) {
        Map<String, String> bound = bind(t.segments(), parts);
        if (bound != null) {
          methods = t.methods();
          params = bound;
          break;
        }
      }
    }
    if (methods == null) {
      throw new ApiException(404, "No such endpoint: " + path);
    }
    Route route = methods.get(method);
    if (route == null) {
      String allow = String.join(", ", new TreeSet<>(methods.keySet()));
      throw new ApiException(
          405,
          "Method " + method + " not allowed on " + path + "; allowed: " + allow,
          Map.of("Allow", allow));
    }
    return new Match(route, params);
  }

  /** The parameters when {@code parts} fit {@code template}, else null. */
  private static Map<String, String> bind(String[] template, String[] parts) {
    if (template.length != parts.length) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < template.length; i++) {
      String t = template[i];
      if (t.startsWith("{") && t.endsWith("}")) {
        if (parts[i].isEmpty()) {
          return null;
        }
        params.put(t.substring(1, t.length() - 1), parts[i]);
      } else if (!t.equals(parts[i])) {
        return null;
      }
    }
    return Map.copyOf(params);
  }

  private static String[] segments(String path) {
    return path.split("/", -1);
  }
}
