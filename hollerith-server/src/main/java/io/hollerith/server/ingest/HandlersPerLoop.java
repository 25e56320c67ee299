package io.hollerith.server.ingest;

import io.netty.channel.EventLoop;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link PacketHandler} per event-loop thread of one listener. Looked up once per channel (at
 * registration), never per packet. Thread-safe.
 */
final class HandlersPerLoop {

  private final String listener;
  private final PacketHandlerFactory factory;
  // A concurrent map because the loops of one group register channels in parallel; its cost is paid
  // once per connection or socket, not per packet.
  private final ConcurrentHashMap<EventLoop, PacketHandler> handlers = new ConcurrentHashMap<>();

  HandlersPerLoop(String listener, PacketHandlerFactory factory) {
    this.listener = listener;
    this.factory = factory;
  }

  PacketHandler forLoop(EventLoop loop) {
    return handlers.computeIfAbsent(
        loop,
        l -> {
          PacketHandler handler = factory.create(listener);
          if (handler == null) {
            throw new IllegalStateException(
                "PacketHandlerFactory returned null for listener " + listener);
          }
          return handler;
        });
  }
}
