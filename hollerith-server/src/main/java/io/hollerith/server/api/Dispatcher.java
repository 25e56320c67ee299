package io.hollerith.server.api;

import io.hollerith.server.auth.Access;
import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.auth.AuthStoreException;
import io.hollerith.server.auth.Principal;
import io.hollerith.server.auth.Role;
import io.hollerith.server.auth.Tenant;
import io.hollerith.server.query.QueryException;
import io.hollerith.server.stats.StatsRegistry;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one decoded request into one response: routing (404/405), authentication (401, 429 after
 * too many failures from the address), authorisation against the route's permission (403), the
 * handler, and the mapping of every failure to a JSON error. Independent of Netty's channel
 * machinery. Thread-safe.
 */
final class Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  /** The outcome and, for the access log, who asked. */
  record Outcome(ApiResponse response, String user) {}

  private final Router router;
  private final AuthStore auth;
  private final AuthFailureLimiter limiter;
  private final Set<String> anonymousScrapers;
  private final StatsRegistry.Counter authFailures;
  private final StatsRegistry.Counter authRateLimited;
  private final StatsRegistry.Counter serverErrors;

  Dispatcher(Router router, AuthStore auth, AuthFailureLimiter limiter, List<String> anonymousScrapers, StatsRegistry stats) {
    this.router = router;
    this.auth = auth;
    this.limiter = limiter;
    this.anonymousScrapers = normalise(anonymousScrapers);
    this.authFailures = stats.counter("auth", "failures", "Requests refused because their token was unknown, expired or revoked");
    this.authRateLimited = stats.counter("auth", "rate_limited", "Requests refused with 429 after too many failed authentications");
    this.serverErrors = stats.counter("http", "server_errors", "Requests that failed with an internal error");
  }

  Outcome dispatch(String method, String uri, HttpHeaders headers, byte[] body, String remote) {
    String user = "-";
    try {
      QueryStringDecoder decoder = new QueryStringDecoder(uri);
      String path = decoder.path();
      Map<String, List<String>> params = decoder.parameters();
      Router.Match match = router.match(method, path);
      Route route = match.route();
      Principal principal = null;
      if (route.guard() != Route.Guard.PUBLIC) {
        principal = authenticate(route, headers, remote);
        user = principal.userName();
        if (route.guard() == Route.Guard.PERMISSION && !principal.has(route.permission())) {
          throw new ApiException(403, "Permission " + route.permission().label() + " required; role "
              + principal.role().label() + " does not grant it");
        }
      }
      Principal caller = principal;
      Supplier<Access> access = memoize(() -> caller == null ? null : auth.access(caller));
      ApiRequest request = new ApiRequest(method, path, match.pathParams(), params, headers, body, remote, principal,
          access);
      return new Outcome(route.handler().handle(request), user);
    } catch (ApiException e) {
      ApiResponse r = new ApiResponse(e.status(), ApiResponse.JSON, Json.error(e.getMessage()), e.headers());
      return new Outcome(r, user);
    } catch (QueryException e) {
      ApiResponse r = new ApiResponse(e.status(), ApiResponse.JSON, Json.error(e.getMessage()), Map.of());
      return new Outcome(e.status() == 406 ? r.withHeader("Vary", "Accept") : r, user);
    } catch (IllegalArgumentException e) {
      return new Outcome(new ApiResponse(400, ApiResponse.JSON, Json.error("Bad request: " + e.getMessage()), Map.of()), user);
    } catch (AuthStoreException e) {
      serverErrors.incr();
      LOG.error("credential store failure on {} {}: {}", method, uri, e.getMessage());
      return new Outcome(new ApiResponse(503, ApiResponse.JSON, Json.error("Credential store unavailable"), Map.of()), user);
    } catch (Exception e) {
      serverErrors.incr();
      LOG.error("internal error on {} {}", method, uri, e);
      return new Outcome(new ApiResponse(500, ApiResponse.JSON, Json.error("Internal server error"), Map.of()), user);
    }
  }

  private Principal authenticate(Route route, HttpHeaders headers, String remote) {
    String header = headers.get("Authorization");
    if (header == null && route.anonymousScrape() && anonymousScrapers.contains(remote)) {
      long root = auth.listTenants().stream().filter(Tenant::isRoot).findFirst().map(Tenant::id).orElse(1L);
      return new Principal(0, "anonymous-scraper", Role.SUPPORT, root);
    }
    long retry = limiter.retryAfterSeconds(remote);
    if (retry > 0) {
      authRateLimited.incr();
      throw new ApiException(429, "Too many failed authentications from " + remote + "; retry in " + retry + " s",
          Map.of("Retry-After", Long.toString(retry)));
    }
    if (header == null || header.isBlank()) {
      throw unauthorized("Authentication required: send 'Authorization: Token <token>' or 'Authorization: Bearer <token>'");
    }
    String trimmed = header.trim();
    int space = trimmed.indexOf(' ');
    String scheme = space < 0 ? trimmed : trimmed.substring(0, space);
    String token = space < 0 ? "" : trimmed.substring(space + 1).trim();
    String s = scheme.toLowerCase(Locale.ROOT);
    if (!s.equals("token") && !s.equals("bearer")) {
      throw unauthorized("Unsupported authorization scheme '" + (scheme.length() > 20 ? scheme.substring(0, 20) : scheme)
          + "': use 'Token <token>' or 'Bearer <token>'");
    }
    Optional<Principal> principal = auth.authenticate(token);
    if (principal.isEmpty()) {
      authFailures.incr();
      limiter.recordFailure(remote);
      throw unauthorized("Invalid token: unknown, expired or revoked");
    }
    return principal.get();
  }

  /** Addresses in the form the socket reports them ({@code ::1} becomes {@code 0:0:0:0:0:0:0:1}). */
  private static Set<String> normalise(List<String> addresses) {
    Set<String> out = new java.util.HashSet<>();
    for (String a : addresses) {
      try {
        out.add(java.net.InetAddress.getByName(a.trim()).getHostAddress());
      } catch (java.net.UnknownHostException e) {
        throw new IllegalStateException("http.anonymous_metrics_from: '" + a + "' is not an IP address", e);
      }
    }
    return Set.copyOf(out);
  }

  private static ApiException unauthorized(String text) {
    return new ApiException(401, text, Map.of("WWW-Authenticate", "Bearer realm=\"hollerith\", Token realm=\"hollerith\""));
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
