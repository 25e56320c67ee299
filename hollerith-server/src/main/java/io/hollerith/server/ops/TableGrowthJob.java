package io.hollerith.server.ops;

import io.hollerith.server.config.OpsConfig;
import io.hollerith.server.jobs.Job;
import io.hollerith.server.jobs.JobProgram;
import io.hollerith.server.jobs.RunContext;
import io.hollerith.server.jobs.Schedule;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * The built-in job {@value #JOB_ID}: the daily table-size sample at {@code
 * ops.table_growth.sample_at} (UTC), stored under the UTC date of the run's due time (not of the
 * moment it ran, so a run that waited past midnight still fills its own day). Nodes sharing a
 * database may all run it: the day's sample is an idempotent upsert. The sample taken at start when
 * today's is missing ({@link TableGrowthSampler#sampleIfMissing}) stays: a node started after the
 * job's time would otherwise have no sample until the next day. Thread-safe (the sampler is).
 */
public final class TableGrowthJob implements JobProgram {

  /** The job id of the daily sample. */
  public static final String JOB_ID = "hollerith.table-growth";

  private final TableGrowthSampler sampler;

  public TableGrowthJob(TableGrowthSampler sampler) {
    this.sampler = sampler;
  }

  /**
   * The job: this program once a day at {@code ops.table_growth.sample_at}, UTC.
   *
   * @throws IllegalArgumentException when {@code sample_at} is malformed (the validator refuses it
   *     first)
   */
  public static Job job(OpsConfig.TableGrowth config, TableGrowthSampler sampler) {
    return new Job(
        JOB_ID, new Schedule.Daily(config.sampleAtTime()), Map.of(), new TableGrowthJob(sampler));
  }

  @Override
  public String run(RunContext run) {
    LocalDate day = run.scheduledAt().atZone(ZoneOffset.UTC).toLocalDate();
    List<TableGrowthReport.Alert> alerts = sampler.sampleOnce(day);
    return sampler.latest().size()
        + " tables sampled for "
        + day
        + "; "
        + alerts.size()
        + " growth alerts";
  }
}
