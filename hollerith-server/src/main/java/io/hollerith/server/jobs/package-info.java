/**
 * Named jobs on schedules, each run a task: {@link io.hollerith.server.jobs.Scheduler}.
 *
 * <pre>{@code
 * Scheduler scheduler = new Scheduler(nodeId, clock, store.tasks(), 1000, 2, stats);
 * scheduler.restore();                                   // the history of the previous process
 * scheduler.add(new Job("nightly", new Schedule.Daily(LocalTime.of(1, 0)), Map.of(), run -> "done"));
 * scheduler.start();                                     // the driver thread runs due tasks
 * scheduler.revoke(taskId);                              // never starts, or is interrupted
 * }</pre>
 *
 * <p>Schedules: {@link io.hollerith.server.jobs.Schedule.Interval} runs at wall-clock multiples of
 * its interval (every node and every restart agree on the times), {@link
 * io.hollerith.server.jobs.Schedule.Daily} once a day at a UTC time. A task due while its job's
 * previous task still waits or runs is skipped, so runs never pile up. Tests inject a clock and
 * call {@link io.hollerith.server.jobs.Scheduler#tick()} instead of starting the driver.
 *
 * <p>Persistence is behind {@link io.hollerith.server.jobs.TaskStore} and {@link
 * io.hollerith.server.jobs.WorkerHeartbeats}, which the metric store implements (tables {@code
 * tasks} and the heartbeat columns of {@code nodes}); this package depends on nothing but {@code
 * stats}.
 */
package io.hollerith.server.jobs;
