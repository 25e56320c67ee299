package io.hollerith.server.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits, boundedly, for a condition another thread brings about. Test support. */
public final class Await {

  private Await() {}

  /**
   * Polls {@code condition} until it holds.
   *
   * @throws AssertionError naming {@code what} if it does not hold within 20 s
   */
  public static void until(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}
