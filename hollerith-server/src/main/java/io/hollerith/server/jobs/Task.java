package io.hollerith.server.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

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

  /** This task in the JSON shape of the API. */
  public View view() {
    return new View(
        id,
        nodeId,
        jobId,
        state.label(),
        text(scheduledAt),
        text(startedAt),
        text(endedAt),
        output,
        error);
  }

  /**
   * A task as the API writes it: snake_case keys, ISO 8601 UTC times, null for what is unknown.
   *
   * @param id the task's id
   * @param nodeId the node that owns the run
   * @param jobId the job it runs
   * @param state the state's label
   * @param scheduledTime when it is or was due
   * @param startTime when its program started, or null
   * @param endTime when it reached a final state, or null
   * @param output what the program returned, or null
   * @param error why it failed, was revoked or skipped, or null
   */
  public record View(
      String id,
      @JsonProperty("node_id") String nodeId,
      @JsonProperty("job_id") String jobId,
      String state,
      @JsonProperty("scheduled_time") String scheduledTime,
      @JsonProperty("start_time") String startTime,
      @JsonProperty("end_time") String endTime,
      String output,
      String error) {}

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
