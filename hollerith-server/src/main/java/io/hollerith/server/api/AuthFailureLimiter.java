package io.hollerith.server.api;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits failed authentications per client address: after {@code limit} failures within a fixed
 * window, every authentication from that address is refused (429) until the window ends, whether
 * or not its token is valid, so the answer gives a guesser no signal. Windows start at the first
 * failure.
 *
 * <p>Memory is bounded: at most {@value #MAX_ADDRESSES} addresses are tracked; when full, expired
 * windows are dropped, and if none has expired the new address shares one overflow window, so a
 * flood of addresses is limited as a group instead of exhausting memory.
 *
 * <p>Thread-safe: per-address updates are atomic {@link ConcurrentHashMap#compute} calls, so
 * request threads never share a lock.
 */
final class AuthFailureLimiter {

  static final int MAX_ADDRESSES = 10_000;
  private static final String OVERFLOW = "*overflow*";

  private record Window(long startMillis, int failures) {}

  private final int limit;
  private final long windowMillis;
  private final Clock clock;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  AuthFailureLimiter(int limit, Duration window, Clock clock) {
    this.limit = limit;
    this.windowMillis = window.toMillis();
    this.clock = clock;
  }

  /** Seconds until {@code address} may try again, or 0 when it may try now. */
  long retryAfterSeconds(String address) {
    Window w = windows.get(address);
    if (w == null && windows.size() >= MAX_ADDRESSES) {
      w = windows.get(OVERFLOW);
    }
    if (w == null || w.failures < limit) {
      return 0;
    }
    long remaining = w.startMillis + windowMillis - clock.millis();
    return remaining <= 0 ? 0 : (remaining + 999) / 1000;
  }

  /** Records a failed authentication from {@code address}. */
  void recordFailure(String address) {
    long now = clock.millis();
    String key = address;
    if (!windows.containsKey(key) && windows.size() >= MAX_ADDRESSES) {
      windows.entrySet().removeIf(e -> now - e.getValue().startMillis >= windowMillis);
      if (windows.size() >= MAX_ADDRESSES) {
        key = OVERFLOW;
      }
    }
    windows.compute(key, (k, w) -> w == null || now - w.startMillis >= windowMillis
        ? new Window(now, 1)
        : new Window(w.startMillis, w.failures + 1));
  }

  /** Addresses currently tracked (for tests and diagnostics). */
  int tracked() {
    return windows.size();
  }
}
