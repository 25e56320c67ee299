package io.hollerith.server.api;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory all request bodies in flight may hold together ({@code
 * http.max_body_bytes_in_flight}): a body reserves its room before it is read, and returns it when
 * its request has been answered or its connection closed. Thread-safe (one atomic counter).
 */
final class BodyMemoryBudget {

  private final long maxBytes;
  private final AtomicLong reserved = new AtomicLong();

  BodyMemoryBudget(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Reserves {@code bytes}; false, reserving nothing, when that would exceed the budget. */
  boolean tryReserve(long bytes) {
    while (true) {
      long now = reserved.get();
      if (now + bytes > maxBytes) {
        return false;
      }
      if (reserved.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  void release(long bytes) {
    reserved.addAndGet(-bytes);
  }

  /** Bytes reserved now. */
  long reserved() {
    return reserved.get();
  }
}
