package io.hollerith.server.ingest;

import io.netty.buffer.ByteBuf;

/**
 * Receives what the ingest listeners read: one UDP or Unix datagram, or one or more complete
 * newline-framed lines from a TCP or Unix stream connection.
 *
 * <p>For stream listeners the buffer holds whole lines separated by {@code \n}, without the final
 * newline; over-long lines and a partial line cut by a disconnect have already been dropped and
 * counted. A datagram is passed as received (lines separated by {@code \n}, a trailing newline
 * possible).
 *
 * <p>The buffer belongs to the listener: it is valid only during the call, the handler must neither
 * release nor keep it, and may move its reader index. Each handler instance is called by exactly
 * one event-loop thread (see {@link PacketHandlerFactory}), so it needs no synchronisation of its
 * own. It should not throw; if it does, the exception is caught, counted ({@code
 * dropped_handler_error}) and logged rate-limited, and the listener goes on.
 */
@FunctionalInterface
public interface PacketHandler {

  /** Handles one datagram or batch of lines; called on the listener's event-loop thread. */
  void handle(ByteBuf packet);
}
