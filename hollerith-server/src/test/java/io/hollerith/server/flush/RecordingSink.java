package io.hollerith.server.flush;

import io.hollerith.server.snapshot.FlushSnapshot;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real sink that keeps what it receives, for assertions. Thread-safe. */
final class RecordingSink implements FlushSink {
  final String name;
  final List<FlushSnapshot> received = new CopyOnWriteArrayList<>();
  volatile boolean closed;

  RecordingSink(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void publish(FlushSnapshot snapshot) {
    if (closed) {
      throw new IllegalStateException("published after close");
    }
    received.add(snapshot);
  }

  @Override
  public void close() {
    closed = true;
  }
}
