package io.hollerith.server.jobs;

import java.util.List;
import java.util.Optional;

/**
 * Durable task history shared by the nodes of a store, so it survives a restart and a node can
 * answer for a task another node ran. Implementations are thread-safe.
 */
public interface TaskStore {

  /** Inserts or replaces the task with this id. */
  void save(Task task);

  /** The newest {@code limit} tasks of a node, oldest first. */
  List<Task> recent(String nodeId, int limit);

  /** The task with this id, whichever node ran it. */
  Optional<Task> find(String taskId);

  /** Deletes a node's tasks beyond its newest {@code keep}. */
  void prune(String nodeId, int keep);
}
