package io.hollerith.client;

/**
 * A batch of stats sent together: pystatsd's {@code Pipeline}. It has every method of a client and
 * adds {@link #send()}; {@link #close()} sends, so a try-with-resources block sends on exit.
 *
 * <pre>{@code
 * try (Pipeline pipe = statsd.pipeline()) {
 *   pipe.incr("foo");
 *   pipe.decr("bar");
 *   pipe.timing("baz", 320);
 * } // one datagram: "foo:1|c\nbar:-1|c\nbaz:320.000000|ms"
 * }</pre>
 *
 * <p><b>Packing.</b> Over UDP the queued items are sent in order in as few datagrams as the rule of
 * pystatsd allows: the next item is appended to the current datagram (after a {@code \n}) unless
 * {@code len(item) + len(datagram) + 1 >= maxUdpSize}, in which case the current datagram is sent
 * first. Every datagram is therefore strictly shorter than {@code maxUdpSize}, except a single item
 * that is itself that long, which goes alone. Over TCP and Unix sockets all items are one write,
 * newline-terminated. A pipeline made from a pipeline adds its packets to its parent as items.
 * After {@code send()} the pipeline is empty and may be reused; an empty pipeline sends nothing.
 *
 * <p>The pipelines of this library's clients format items when added, so invalid input (non-ASCII
 * text) throws at the call that adds it, not at {@code send()} as in pystatsd. The batch is held in
 * one growing byte array, reused across sends; there is no size bound, so send regularly.
 *
 * <p><b>Not thread-safe</b> (neither is pystatsd's): use one pipeline per thread. Sending through a
 * thread-safe client is safe.
 */
public interface Pipeline extends StatsD {

  /** The number of items waiting to be sent (a negative absolute gauge may count as one). */
  int size();

  /**
   * Sends the batched stats in as few packets as possible (see the class comment) and empties the
   * pipeline. Over UDP this never throws on send failures; over TCP or a Unix socket a connection
   * error propagates as {@link java.io.UncheckedIOException} and the batch is dropped.
   */
  void send();

  /** Sends what is batched (pystatsd's context-manager exit). */
  @Override
  void close();
}
