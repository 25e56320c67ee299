package io.hollerith.server.api;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * One request body being received, copied out of Netty's buffers as it arrives. Its array is
 * reserved in the {@link BodyMemoryBudget} before it is allocated: at the declared {@code
 * Content-Length} up front, or growing by doubling for a chunked body. Confined to the connection's
 * event loop until {@link #bytes()} hands it to a worker.
 */
final class RequestBody {

  /** What {@link #append} did. */
  enum Append {
    OK,
    /** The body would exceed {@code http.max_request_bytes}. */
    TOO_LARGE,
    /** The budget for bodies in flight has no room. */
    NO_MEMORY
  }

  private static final int FIRST_CHUNKED_CAPACITY = 8192;

  private final BodyMemoryBudget budget;
  private final int maxBytes;

  /** Exactly as long as the room reserved for it. */
  private byte[] bytes = new byte[0];

  private int length;

  RequestBody(BodyMemoryBudget budget, int maxBytes) {
    this.budget = budget;
    this.maxBytes = maxBytes;
  }

  /** Makes room for {@code capacity} bytes; false when the budget cannot hold it. */
  boolean reserve(int capacity) {
    if (capacity <= bytes.length) {
      return true;
    }
    if (!budget.tryReserve(capacity - bytes.length)) {
      return false;
    }
    bytes = Arrays.copyOf(bytes, capacity);
    return true;
  }

  /** Copies the readable bytes of {@code chunk}; does not release it. */
  Append append(ByteBuf chunk) {
    int n = chunk.readableBytes();
    if ((long) length + n > maxBytes) {
      return Append.TOO_LARGE;
    }
    if (length + n > bytes.length) {
      int grown =
          (int)
              Math.min(
                  maxBytes,
                  Math.max((long) length + n, Math.max(FIRST_CHUNKED_CAPACITY, 2L * bytes.length)));
      if (!reserve(grown)) {
        return Append.NO_MEMORY;
      }
    }
    chunk.readBytes(bytes, length, n);
    length += n;
    return Append.OK;
  }

  /** The body received, exactly {@code length} bytes long. */
  byte[] bytes() {
    return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
  }

  /**
   * Returns the reservation to the budget when the request is done with; later calls do nothing.
   */
  void release() {
    budget.release(bytes.length);
    bytes = new byte[0];
    length = 0;
  }
}
