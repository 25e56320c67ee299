package io.hollerith.server.api;

import io.hollerith.server.auth.Access;
import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.auth.AuthStoreException;
import io.hollerith.server.auth.Principal;
import io.hollerith.server.auth.Role;
import io.hollerith.server.auth.Tenant;
import io.hollerith.server.auth.TokenRedaction;
import io.hollerith.server.query.QueryException;
import io.hollerith.server.stats.StatsRegistry;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one decoded request into one response: the dashboard's public files, routing (404/405),
 * authentication (401; 429 for an invalid token from an address that failed too often, while a
 * valid token is always admitted), authorisation against the route's permission (403), the handler,
 * and the mapping of every failure to a JSON error. Independent of Netty's channel machinery.
 * Thread-safe.
 */
final class Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  /** The outcome and, for the access log, who asked. */
  record Outcome(ApiResponse response, String user) {}

  private final Router router;
  private final DashboardAssets dashboard;
  private final AuthStore auth;
  private final AuthFailureLimiter limiter;
  private final Set<String> anonymousScrapers;
  private final StatsRegistry.Counter authFailures;
  private final StatsRegistry.Counter authRateLimited;
  private final StatsRegistry.Counter serverErrors;

  Dispatcher(
      Router router,
      DashboardAssets dashboard,
      AuthStore auth,
      AuthFailureLimiter limiter,
      List<String> anonymousScrapers,
      StatsRegistry stats) {
    this.router = router;
    this.dashboard = dashboard;
    this.auth = auth;
    this.limiter = limiter;
    this.anonymousScrapers = normalise(anonymousScrapers);
    this.authFailures =
        stats.counter(
            "auth",
            "failures",
            "Requests refused because their token was unknown, expired or revoked");
    this.authRateLimited =
        stats.counter(
            "auth",
            "rate_limited",
            "Requests with an invalid token answered 429 because their address failed too often");
    this.serverErrors =
        stats.counter("http", "server_errors", "Requests that failed with an internal error");
  }

  /**
   * A request admitted or refused on its head alone: what the handler needs once the body is in, or
   * the refusal to send without reading the body.
   */
  record Admission(
      String method,
      String uri,
      String path,
      Map<String, String> pathParams,
      Map<String, List<String>> params,
      HttpHeaders headers,
      String remote,
      Route route,
      Principal principal,
      Outcome refusal) {

    boolean refused() {
      return refusal != null;
    }

    String user() {
      return principal == null ? "-" : principal.userName();
    }
  }

  /** Admits and handles a request whose body (possibly empty) has been read. */
  Outcome dispatch(String method, String uri, HttpHeaders headers, byte[] body, String remote) {
    Admission admission = admit(method, uri, headers, remote);
    return admission.refused() ? admission.refusal() : handle(admission, body);
  }

  /**
   * Routing, authentication and authorisation from the request head: runs before any of the body is
   * read, so a request without valid credentials never has its body buffered.
   */
  Admission admit(String method, String uri, HttpHeaders headers, String remote) {
    String user = "-";
    try {
      QueryStringDecoder decoder = new QueryStringDecoder(uri);
      String path = decoder.path();
      ApiResponse asset = dashboard.answer(method, path, headers);
      if (asset != null) {
        // A dashboard file is answered from the head alone, as a refusal is: it needs no token and
        // no body.
        return new Admission(
            method, uri, path, null, null, headers, remote, null, null, new Outcome(asset, user));
      }
      Map<String, List<String>> params = decoder.parameters();
      Router.Match match = router.match(method, path, decoder.rawPath());
      Route route = match.route();
      Principal principal = null;
      if (route.guard() != Route.Guard.PUBLIC) {
        principal = authenticate(route, headers, remote);
        user = principal.userName();
        if (route.guard() == Route.Guard.PERMISSION && !principal.has(route.permission())) {
          throw new ApiException(
              403,
              "Permission "
                  + route.permission().label()
                  + " required; role "
                  + principal.role().label()
                  + " does not grant it");
        }
      }
      return new Admission(
          method, uri, path, match.pathParams(), params, headers, remote, route, principal, null);
    } catch (Exception e) {
      return new Admission(
          method,
          uri,
          null,
          null,
          null,
          headers,
          remote,
          null,
          null,
          failure(e, method, uri, user));
    }
  }

  /** Runs the admitted request's handler on its body. */
  Outcome handle(Admission a, byte[] body) {
    try {
      Principal caller = a.principal();
      Supplier<Access> access = memoize(() -> caller == null ? null : auth.access(caller));
      ApiRequest request =
          new ApiRequest(
              a.method(),
              a.path(),
              a.pathParams(),
              a.params(),
              a.headers(),
              body,
              a.remote(),
              caller,
              access);
      return new Outcome(a.route().handler().handle(request), a.user());
    } catch (Exception e) {
      return failure(e, a.method(), a.uri(), a.user());
    }
  }

  /** The answer to a failure: the refusal it carries, or a 400, 503 or 500 (logged). */
  private Outcome failure(Exception e, String method, String uri, String user) {
    if (e instanceof ApiException a) {
      return new Outcome(error(a.status(), a.getMessage(), a.headers()), user);
    }
    if (e instanceof QueryException q) {
      ApiResponse r = error(q.status(), q.getMessage(), Map.of());
      return new Outcome(q.status() == 406 ? r.withHeader("Vary", "Accept") : r, user);
    }
    if (e instanceof IllegalArgumentException) {
      return new Outcome(error(400, "Bad request: " + e.getMessage(), Map.of()), user);
    }
    serverErrors.incr();
    if (e instanceof AuthStoreException) {
      LOG.error(
          "credential store failure on {} {}: {}",
          TokenRedaction.redact(method),
          loggablePath(uri),
          TokenRedaction.redact(e.getMessage()));
      return new Outcome(error(503, "Credential store unavailable", Map.of()), user);
    }
    LOG.error("internal error on {} {}", TokenRedaction.redact(method), loggablePath(uri), e);
    return new Outcome(error(500, "Internal server error", Map.of()), user);
  }

  /**
   * A JSON error. Its text passes through {@link TokenRedaction}: messages may quote the path, the
   * query or the method, where a careless client may have put a token.
   */
  private static ApiResponse error(int status, String text, Map<String, String> headers) {
    return new ApiResponse(
        status, ApiResponse.JSON, Json.error(TokenRedaction.redact(text)), headers);
  }

  /** The path of a request URI for a log line: without the query string, tokens redacted. */
  static String loggablePath(String uri) {
    int q = uri.indexOf('?');
    String p = q < 0 ? uri : uri.substring(0, q);
    p = TokenRedaction.redact(p);
    return p.length() > 200 ? p.substring(0, 200) + "…" : p;
  }

  private Principal authenticate(Route route, HttpHeaders headers, String remote) {
    String header = headers.get("Authorization");
    if (header == null && route.anonymousScrape() && anonymousScrapers.contains(remote)) {
      long root =
          auth.listTenants().stream().filter(Tenant::isRoot).findFirst().map(Tenant::id).orElse(1L);
      return new Principal(0, "anonymous-scraper", Role.SUPPORT, root);
    }
    if (header == null || header.isBlank()) {
      throw unauthorized(
          "Authentication required: send 'Authorization: Token <token>' or 'Authorization: Bearer <token>'");
    }
    String trimmed = header.trim();
    int space = trimmed.indexOf(' ');
    if (space < 0) {
      throw unauthorized(
          "Authorization header without a scheme: send 'Authorization: Token <token>' or "
              + "'Authorization: Bearer <token>'");
    }
    String scheme = trimmed.substring(0, space).toLowerCase(Locale.ROOT);
    String token = trimmed.substring(space + 1).trim();
    // The scheme is not quoted back: a client that got the header wrong may have put its token
    // there.
    if (!scheme.equals("token") && !scheme.equals("bearer")) {
      throw unauthorized(
          "Unsupported authorization scheme: use 'Token <token>' or 'Bearer <token>'");
    }
    Optional<Principal> principal = auth.authenticate(token);
    if (principal.isPresent()) {
      return principal.get();
    }
    authFailures.incr();
    long retry = limiter.recordFailure(remote);
    if (retry > 0) {
      authRateLimited.incr();
      throw new ApiException(
          429,
          "Too many failed authentications from " + remote + "; retry in " + retry + " s",
          Map.of("Retry-After", Long.toString(retry)));
    }
    throw unauthorized("Invalid token: unknown, expired or revoked");
  }

  /**
   * Addresses in the form the socket reports them ({@code ::1} becomes {@code 0:0:0:0:0:0:0:1}).
   */
  private static Set<String> normalise(List<String> addresses) {
    Set<String> out = new HashSet<>();
    for (String a : addresses) {
      try {
        out.add(InetAddress.getByName(a.trim()).getHostAddress());
      } catch (UnknownHostException e) {
        throw new IllegalStateException(
            "http.anonymous_metrics_from: '" + a + "' is not an IP address", e);
      }
    }
    return Set.copyOf(out);
  }

  private static ApiException unauthorized(String text) {
    return new ApiException(
        401,
        text,
        Map.of("WWW-Authenticate", "Bearer realm=\"hollerith\", Token realm=\"hollerith\""));
  }

  private static <T> Supplier<T> memoize(Supplier<T> s) {
    return new Supplier<>() {
      private T value;
      private boolean done;

      @Override
      public synchronized T get() {
        if (!done) {
          value = s.get();
          done = true;
        }
        return value;
      }
    };
  }
}
