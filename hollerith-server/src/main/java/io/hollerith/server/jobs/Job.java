package io.hollerith.server.jobs;

import java.util.Map;
import java.util.Objects;

/**
 * A named job: when it runs and what it runs. Immutable.
 *
 * @param id unique on the node
 * @param schedule when it runs
 * @param params fixed parameters handed to every run
 * @param program what it runs
 */
public record Job(String id, Schedule schedule, Map<String, String> params, JobProgram program) {
  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(program, "program");
    params = Map.copyOf(params);
  }
}
