package io.hollerith.server.ops;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hollerith.server.jobs.Scheduler;
import io.hollerith.server.jobs.Task;
import io.hollerith.server.jobs.TaskStore;
import io.hollerith.server.jobs.WorkerHeartbeats;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's workers as Waldur's Celery endpoint shows them: six keys, {@code active}, {@code
 * scheduled}, {@code reserved}, {@code revoked}, {@code query_task}, {@code stats}, each a
 * dictionary keyed by worker name ({@code hollerith@<node_id>}). Every node that wrote a heartbeat
 * within the last three heartbeat intervals is a worker. {@code query_task} holds the record of the
 * task asked for, from whichever node ran it ({@code {}} when no node has it), or null when none
 * was asked for. When no worker answers (the store is down or empty) every field is null. Without a
 * store the view is this node alone. Thread-safe.
 */
public final class WorkersView {

  private static final Logger LOG = LoggerFactory.getLogger(WorkersView.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> LISTS = List.of("active", "scheduled", "reserved", "revoked");

  private final String nodeId;
  private final WorkerReport local;
  private final Scheduler scheduler;
  private final WorkerHeartbeats heartbeats;
  private final TaskStore tasks;
  private final Duration heartbeatInterval;
  private final Clock clock;

  /**
   * @param heartbeats the shared heartbeats, or null without a store
   * @param tasks the shared task history, or null without a store
   */
  public WorkersView(
      String nodeId,
      WorkerReport local,
      Scheduler scheduler,
      WorkerHeartbeats heartbeats,
      TaskStore tasks,
      Duration heartbeatInterval,
      Clock clock) {
    this.nodeId = nodeId;
    this.local = local;
    this.scheduler = scheduler;
    this.heartbeats = heartbeats;
    this.tasks = tasks;
    this.heartbeatInterval = heartbeatInterval;
    this.clock = clock;
  }

  /**
   * The view now.
   *
   * @param taskId the task for {@code query_task}, or null
   */
  public Map<String, Object> workers(String taskId) {
    Map<String, Map<String, Object>> reports = new LinkedHashMap<>();
    try {
      if (heartbeats == null) {
        reports.put(WorkerReport.workerName(nodeId), local.build());
      } else {
        // A node whose last beat is three intervals old has missed three beats: it is left out.
        long since = clock.millis() - 3 * heartbeatInterval.toMillis() + 1;
        for (WorkerHeartbeats.Heartbeat beat : heartbeats.since(since)) {
          Map<String, Object> report = parse(beat);
          if (report != null) {
            reports.put(WorkerReport.workerName(beat.nodeId()), report);
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("no worker answered: reading the heartbeats failed: {}", e.getMessage());
      reports.clear();
    }
    Map<String, Object> view = new LinkedHashMap<>();
    if (reports.isEmpty()) {
      for (String key :
          List.of("active", "scheduled", "reserved", "revoked", "query_task", "stats")) {
        view.put(key, null);
      }
      return view;
    }
    for (String key : LISTS) {
      Map<String, Object> byWorker = new LinkedHashMap<>();
      reports.forEach(
          (worker, report) -> byWorker.put(worker, report.getOrDefault(key, List.of())));
      view.put(key, byWorker);
    }
    view.put("query_task", taskId == null ? null : queryTask(taskId));
    Map<String, Object> stats = new LinkedHashMap<>();
    reports.forEach((worker, report) -> stats.put(worker, report.get("stats")));
    view.put("stats", stats);
    return view;
  }

  private Map<String, Object> queryTask(String taskId) {
    Optional<Task> task = scheduler.find(taskId);
    if (task.isEmpty() && tasks != null) {
      task = tasks.find(taskId);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    task.ifPresent(t -> out.put(WorkerReport.workerName(t.nodeId()), Map.of(t.id(), t.view())));
    return out;
  }

  /**
   * The report of a beat, or null (logged) when it cannot be read: one bad report hides one worker
   * only.
   */
  private static Map<String, Object> parse(WorkerHeartbeats.Heartbeat beat) {
    try {
      return JSON.readValue(beat.report(), new TypeReference<Map<String, Object>>() {});
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn(
          "the heartbeat of node {} is unreadable and left out: {}", beat.nodeId(), e.getMessage());
      return null;
    }
  }
}
