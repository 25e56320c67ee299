package io.hollerith.server.jobs;

/**
 * What a job does. Runs on a job thread; a revoke interrupts that thread, so a long program should
 * respond to interruption. Implementations must be thread-safe only if one program serves several
 * jobs.
 */
@FunctionalInterface
public interface JobProgram {

  /**
   * Runs once.
   *
   * @return the run's output (kept with the task), or null
   * @throws Exception to fail the run; the message becomes the task's error
   */
  String run(RunContext run) throws Exception;
}
