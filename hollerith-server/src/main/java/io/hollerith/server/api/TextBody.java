package io.hollerith.server.api;

/**
 * A response body made in pieces as the connection takes them, so a reply of any size is written
 * without being built whole: {@link ApiChannelHandler} asks for the next piece only while the
 * connection is writable (Netty's {@code ChunkedWriteHandler} through {@link TextBodyInput}).
 *
 * <p>Not thread-safe: the connection's event loop asks for one piece at a time. Whatever the body
 * needs that may block (store reads, sorting) is done before it is handed over, on the worker.
 */
interface TextBody {

  /**
   * Appends the next piece of the body to {@code out}, stopping soon after it holds {@code
   * targetChars} characters (one line or entry may go past it).
   *
   * @return false when the body is complete
   */
  boolean writeNext(StringBuilder out, int targetChars);

  /** The whole body as one string, for callers that need it at once (tests, small replies). */
  default String drain() {
    StringBuilder out = new StringBuilder();
    // the target counts the whole builder, so each round asks for 64 Ki characters more
    while (writeNext(out, out.length() + (1 << 16))) {
      // keep appending
    }
    return out.toString();
  }
}
