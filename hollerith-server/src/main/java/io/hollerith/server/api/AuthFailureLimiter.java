package io.hollerith.server.api;

import io.hollerith.server.stats.StatsRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Throttles failed authentications per client address: once an address has failed more than {@code
 * limit} times within a fixed window (starting at its first failure), its further failures are
 * answered 429 instead of 401 until the window ends. Only failures are throttled: a request with a
 * valid token is admitted whatever its address did, so nobody can lock a user out by sending bad
 * tokens from the user's address.
 *
 * <p>Memory is bounded: at most {@code maxAddresses} addresses are tracked. Addresses whose window
 * has ended are dropped, and when the table is full the address that failed least recently is
 * evicted (counted in {@code auth.failure_addresses_evicted}). Every address always has its own
 * window; there is no shared bucket a flood of addresses could fill.
 *
 * <p>Thread-safe. One lock guards the table, and only failed authentications take it.
 */
final class AuthFailureLimiter {

  private record Window(long startMillis, int failures) {}

  private final int limit;
  private final long windowMillis;
  private final int maxAddresses;
  private final Clock clock;
  private final StatsRegistry.Counter evicted;

  /** Least recently failed first: a failure moves its address to the end. */
  private final LinkedHashMap<String, Window> windows = new LinkedHashMap<>();

  AuthFailureLimiter(
      int limit, Duration window, int maxAddresses, Clock clock, StatsRegistry stats) {
    this.limit = limit;
    this.windowMillis = window.toMillis();
    this.maxAddresses = maxAddresses;
    this.clock = clock;
    this.evicted =
        stats.counter(
            "auth",
            "failure_addresses_evicted",
            "Addresses dropped from the failed-authentication table because it held http.auth_failure_max_addresses");
    stats.gauge(
        "auth",
        "failure_addresses_tracked",
        "Addresses with recent failed authentications",
        this::tracked);
  }

  /**
   * Records a failed authentication from {@code address}.
   *
   * @return seconds until the address is no longer throttled, or 0 when this failure is within the
   *     limit (answer 401)
   */
  synchronized long recordFailure(String address) {
    long now = clock.millis();
    dropEnded(now);
    Window w = windows.remove(address);
    w =
        w == null || now - w.startMillis >= windowMillis
            ? new Window(now, 1)
            : new Window(w.startMillis, w.failures + 1);
    windows.put(address, w);
    Iterator<String> eldest = windows.keySet().iterator();
    while (windows.size() > maxAddresses) {
      eldest.next();
      eldest.remove();
      evicted.incr();
    }
    if (w.failures <= limit) {
      return 0;
    }
    long remaining = w.startMillis + windowMillis - now;
    return Math.max(1, (remaining + 999) / 1000);
  }

  /** Drops ended windows from the least recently failed end, stopping at the first live one. */
  private void dropEnded(long now) {
    Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator();
    while (it.hasNext()) {
      if (now - it.next().getValue().startMillis < windowMillis) {
        return;
      }
      it.remove();
    }
  }

  /** Addresses currently tracked. */
  synchronized int tracked() {
    return windows.size();
  }
}
