package io.hollerith.server.ingest;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real {@link PacketHandlerFactory} for tests: its handlers split what they get into lines and
 * record them per listener, and check that each handler is only ever called by one thread.
 */
final class RecordingHandlers implements PacketHandlerFactory {

  private final Map<String, ConcurrentLinkedQueue<String>> lines = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> handlersCreated = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

  @Override
  public PacketHandler create(String listener) {
    handlersCreated.computeIfAbsent(listener, l -> new AtomicInteger()).incrementAndGet();
    ConcurrentLinkedQueue<String> sink =
        lines.computeIfAbsent(listener, l -> new ConcurrentLinkedQueue<>());
    AtomicInteger callCount = calls.computeIfAbsent(listener, l -> new AtomicInteger());
    return new PacketHandler() {
      private Thread owner;

      @Override
      public void handle(ByteBuf packet) {
        Thread current = Thread.currentThread();
        if (owner == null) {
          owner = current;
        } else if (owner != current) {
          violations.add(
              listener + ": handler of " + owner.getName() + " called on " + current.getName());
        }
        if (!current.getName().startsWith("hollerith-")) {
          violations.add(
              listener + ": handler called on non-event-loop thread " + current.getName());
        }
        callCount.incrementAndGet();
        String text = packet.toString(StandardCharsets.UTF_8);
        packet.skipBytes(packet.readableBytes());
        for (String line : text.split("\n")) {
          if (!line.isEmpty()) {
            sink.add(line);
          }
        }
      }
    };
  }

  List<String> lines(String listener) {
    ConcurrentLinkedQueue<String> q = lines.get(listener);
    return q == null ? List.of() : new ArrayList<>(q);
  }

  int lineCount(String listener) {
    ConcurrentLinkedQueue<String> q = lines.get(listener);
    return q == null ? 0 : q.size();
  }

  int calls(String listener) {
    AtomicInteger c = calls.get(listener);
    return c == null ? 0 : c.get();
  }

  int handlersCreated(String listener) {
    AtomicInteger c = handlersCreated.get(listener);
    return c == null ? 0 : c.get();
  }

  List<String> violations() {
    return new ArrayList<>(violations);
  }
}
