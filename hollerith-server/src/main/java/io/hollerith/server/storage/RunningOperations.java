package io.hollerith.server.storage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store operations running now (what, on which thread, since when), so the database statistics
 * can list Hollerith's own running queries where the engine has no session view (SQLite).
 * Thread-safe.
 */
final class RunningOperations {

  /** One operation in flight. */
  record Operation(long id, String what, String thread, boolean write, long startedNanos) {}

  private final ConcurrentHashMap<Long, Operation> running = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  /** Registers an operation; pass the id to {@link #end} when it finishes. */
  long begin(String what, boolean write) {
    long id = ids.incrementAndGet();
    running.put(
        id, new Operation(id, what, Thread.currentThread().getName(), write, System.nanoTime()));
    return id;
  }

  void end(long id) {
    running.remove(id);
  }

  /** The operations in flight, oldest first. */
  List<Operation> snapshot() {
    List<Operation> out = new ArrayList<>(running.values());
    out.sort(Comparator.comparingLong(Operation::startedNanos));
    return out;
  }
}
