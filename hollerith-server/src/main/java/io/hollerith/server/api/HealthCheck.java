package io.hollerith.server.api;

import java.util.function.Supplier;

/**
 * One component {@code GET /health} reports on (a listener, the store). Implementations must answer
 * quickly and must not throw; an exception is reported as down with its message. Implementations
 * are called from request threads and must be thread-safe.
 */
public interface HealthCheck {

  /** Short name, the key in the health document ({@code udp}, {@code storage}). */
  String name();

  /** The component's state now. */
  Status check();

  /**
   * A component's state.
   *
   * @param up whether it works
   * @param detail a short human-readable explanation (never a secret)
   */
  record Status(boolean up, String detail) {
    public static Status up(String detail) {
      return new Status(true, detail);
    }

    public static Status down(String detail) {
      return new Status(false, detail);
    }
  }

  /** A check from a name and a supplier. */
  static HealthCheck of(String name, Supplier<Status> check) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Status check() {
        return check.get();
      }
    };
  }
}
