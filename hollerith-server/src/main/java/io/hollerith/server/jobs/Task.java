package io.hollerith.server.jobs;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of a job as it stands at one moment. Immutable; the scheduler hands out a new record on
 * every change.
 *
 * @param id unique across nodes
 * @param nodeId the node that owns the run
 * @param jobId the job it runs
 * @param state where it is
 * @param scheduledAt when it is or was due
 * @param startedAt when its program started, or null
 * @param endedAt when it reached a final state, or null
 * @param output what the program returned, or null
 * @param error why it failed, was revoked or skipped, or null
 */
public record Task(
    String id,
    String nodeId,
    String jobId,
    TaskState state,
    Instant scheduledAt,
    Instant startedAt,
    Instant endedAt,
    String output,
    String error) {

  /** This task in another state at {@code at}, with its end time set when the state is final. */
  Task with(TaskState newState, Instant at, String newOutput, String newError) {
    Instant started = newState == TaskState.RUNNING ? at : startedAt;
    Instant ended = newState.isFinal() ? at : null;
    return new Task(id, nodeId, jobId, newState, scheduledAt, started, ended, newOutput, newError);
  }

  /** The JSON shape of the API: snake_case keys, ISO 8601 UTC times, null for what is unknown. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("node_id", nodeId);
    m.put("job_id", jobId);
    m.put("state", state.label());
    m.put("scheduled_time", text(scheduledAt));
    m.put("start_time", text(startedAt));
    m.put("end_time", text(endedAt));
    m.put("output", output);
    m.put("error", error);
    return m;
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
