package io.hollerith.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hollerith.server.jobs.Job;
import io.hollerith.server.jobs.RunContext;
import io.hollerith.server.jobs.Schedule;
import io.hollerith.server.jobs.Scheduler;
import io.hollerith.server.jobs.Task;
import io.hollerith.server.jobs.TaskState;
import io.hollerith.server.stats.ProcessUsage;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.stats.WakeLatencyProbe;
import io.hollerith.server.testing.StepClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stats program: JSON lines in a templated file, and clear failures. */
class StatsProgramTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  final StepClock clock = new StepClock(Instant.parse("2026-12-07T03:00:00Z").toEpochMilli());
  final StatsRegistry stats = new StatsRegistry();
  final InternalStats internal =
      new InternalStats(clock, stats, new WakeLatencyProbe(clock), ProcessUsage.self(), null);

  RunContext run(Map<String, String> params) {
    return new RunContext("t1", "stats", clock.instant(), params);
  }

  @Test
  void appendsOneCompactJsonObjectPerRunToTheTemplatedFile() throws Exception {
    StatsProgram program =
        new StatsProgram(internal, dir + "/{{ site }}-{{date}}.{{ job_id }}.json");
    String first = program.run(run(Map.of("site", "eu")));
    clock.advance(60_000);
    String second = program.run(run(Map.of("site", "eu")));

    Path file = dir.resolve("eu-2026-12-07.stats.json");
    assertThat(Files.readString(file)).isEqualTo(first + "\n" + second + "\n");
    assertThat(first).doesNotContain("\n").doesNotEndWith(" ");
    List<String> lines = Files.readAllLines(file);
    JsonNode a = JSON.readTree(lines.get(0));
    JsonNode b = JSON.readTree(lines.get(1));
    assertThat(a.get("time").asText()).isEqualTo("2026-12-07T03:00:00Z");
    assertThat(b.get("time").asText()).isEqualTo("2026-12-07T03:01:00Z");
    assertThat(a.get("start_time").asText()).isEqualTo(b.get("start_time").asText());
  }

  @Test
  void withoutAPathTheStatsAreTheOutputOnly() throws Exception {
    String out = new StatsProgram(internal, null).run(run(Map.of()));
    assertThat(JSON.readTree(out).get("time").asText()).isEqualTo("2026-12-07T03:00:00Z");
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aMissingDirectoryFailsNamingThePath() {
    Path missing = dir.resolve("no-such-dir");
    StatsProgram program = new StatsProgram(internal, missing + "/{{ date }}.json");
    assertThatThrownBy(() -> program.run(run(Map.of())))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "cannot append the stats to "
                + missing.resolve("2026-12-07.json")
                + ": its directory "
                + missing
                + " does not exist");
    assertThat(Files.exists(missing)).isFalse();
  }

  @Test
  void anUnknownVariableFailsNamingIt() {
    StatsProgram program = new StatsProgram(internal, dir + "/{{ host }}.json");
    assertThatThrownBy(() -> program.run(run(Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown variable 'host' in path template '"
                + dir
                + "/{{ host }}.json'; known: [date, job_id, time]");
    assertThatThrownBy(() -> new StatsProgram(internal, dir + "/{{ 1x }}.json").run(run(Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("malformed placeholder in path template");
  }

  @Test
  void aFailedRunIsAFailedTaskWithTheReason() throws Exception {
    try (Scheduler scheduler = new Scheduler("n1", clock, null, 10, 1, stats)) {
      scheduler.add(
          new Job(
              "stats",
              new Schedule.Interval(Duration.ofSeconds(60)),
              Map.of(),
              new StatsProgram(internal, dir.resolve("gone") + "/{{ date }}.json")));
      Task task = scheduler.tasks("stats", TaskState.SCHEDULED, 1).get(0);
      clock.set(task.scheduledAt().toEpochMilli());
      scheduler.tick();
      await("the run to fail")
          .atMost(Duration.ofSeconds(20))
          .until(() -> scheduler.find(task.id()).orElseThrow().state() == TaskState.FAILED);
      assertThat(scheduler.find(task.id()).orElseThrow().error())
          .isEqualTo(
              "cannot append the stats to "
                  + dir.resolve("gone").resolve("2026-12-07.json")
                  + ": its directory "
                  + dir.resolve("gone")
                  + " does not exist");
    }
  }

  @Test
  void theSchedulerFiguresAppearOnceThereIsAScheduler() throws Exception {
    assertThat(JSON.readTree(new StatsProgram(internal, null).run(run(Map.of()))).has("scheduled"))
        .isFalse();
    try (Scheduler scheduler = new Scheduler("n1", clock, null, 10, 1, stats)) {
      scheduler.add(
          new Job("a", new Schedule.Interval(Duration.ofSeconds(60)), Map.of(), r -> null));
      InternalStats withScheduler =
          new InternalStats(
              clock, stats, new WakeLatencyProbe(clock), ProcessUsage.self(), scheduler);
      JsonNode s = JSON.readTree(new StatsProgram(withScheduler, null).run(run(Map.of())));
      assertThat(s.get("scheduled").get("num_entries").asInt()).isEqualTo(1);
      assertThat(s.get("len_runlogdb_cache").asInt()).isEqualTo(1);
    }
  }

  @Test
  void theCurrentFileIsTheOneTheLatestRunAppendedTo() throws Exception {
    StatsProgram program = new StatsProgram(internal, dir + "/{{ date }}.json");
    assertThat(program.currentFile()).isNull();
    program.run(run(Map.of()));
    assertThat(program.currentFile()).isEqualTo(dir.resolve("2026-12-07.json").toAbsolutePath());
    clock.advance(Duration.ofDays(1).toMillis());
    program.run(run(Map.of()));
    assertThat(program.currentFile()).isEqualTo(dir.resolve("2026-12-08.json").toAbsolutePath());
    assertThat(new StatsProgram(internal, null).currentFile()).isNull();
  }
}
