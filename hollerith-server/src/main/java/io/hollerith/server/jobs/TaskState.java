package io.hollerith.server.jobs;

import java.util.Arrays;
import java.util.Locale;

/** Where a task is in its life. {@link #isFinal()} states never change again. */
public enum TaskState {
  /** Waiting for its due time. */
  SCHEDULED,
  /** Due and handed to a job thread, not yet started (every job thread busy). */
  WAITING,
  /** Its program is executing. */
  RUNNING,
  /** The program returned. */
  SUCCEEDED,
  /** The program threw, or the node stopped while it ran. */
  FAILED,
  /** Revoked before it started, or interrupted by a revoke while it ran. */
  REVOKED,
  /** Not run because the job's previous task was still waiting or running when this one was due. */
  SKIPPED;

  /** True when the state can no longer change. */
  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == REVOKED || this == SKIPPED;
  }

  /** The lower-case name used in the API and the store. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@link #label()}.
   *
   * @throws IllegalArgumentException naming the allowed states
   */
  public static TaskState parse(String text) {
    for (TaskState s : values()) {
      if (s.label().equals(text)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown task state '"
            + text
            + "': must be one of "
            + Arrays.stream(values()).map(TaskState::label).toList());
  }
}
