package io.hollerith.server.jobs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a program knows about its run. Immutable.
 *
 * @param taskId the task's id
 * @param jobId the job's id
 * @param scheduledAt when the run was due
 * @param params the job's fixed parameters (name → value)
 */
public record RunContext(
    String taskId, String jobId, Instant scheduledAt, Map<String, String> params) {

  public RunContext {
    params = Map.copyOf(params);
  }

  /**
   * The variables a template of this run may use: {@code date} (the UTC calendar date of the due
   * time, {@code 2026-12-07}), {@code time} (the due time, ISO 8601 UTC), {@code job_id}, and the
   * job's parameters (which override the others).
   */
  public Map<String, String> variables() {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("date", scheduledAt.atZone(ZoneOffset.UTC).toLocalDate().toString());
    vars.put("time", scheduledAt.toString());
    vars.put("job_id", jobId);
    vars.putAll(params);
    return vars;
  }
}
