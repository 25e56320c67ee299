package io.hollerith.server.ingest;

/**
 * Whether this server reports itself healthy: Etsy's {@code health} / {@code health up|down} on the
 * management interface, and later the HTTP {@code /health} endpoint. An operator sets it down to
 * drain a node from a load balancer before maintenance.
 *
 * <p>Thread-safe: a volatile flag (one writer at a time in practice, many readers).
 */
public final class HealthState {

  private volatile boolean up;

  /** Starts up. */
  public HealthState() {
    this(true);
  }

  public HealthState(boolean initiallyUp) {
    this.up = initiallyUp;
  }

  public boolean isUp() {
    return up;
  }

  public void setUp(boolean up) {
    this.up = up;
  }

  /** {@code up} or {@code down}, as Etsy prints it. */
  public String status() {
    return up ? "up" : "down";
  }
}
