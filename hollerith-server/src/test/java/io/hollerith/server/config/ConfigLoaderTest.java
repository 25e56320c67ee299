package io.hollerith.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  private final ConfigLoader loader = new ConfigLoader();

  private Path yaml(String text) throws IOException {
    Path file = dir.resolve("hollerith.yml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void noFileGivesTheDocumentedDefaults() throws Exception {
    HollerithConfig c = loader.load(null, Map.of(), List.of());
    assertThat(c.listeners().udp().port()).isEqualTo(8125);
    assertThat(c.listeners().udp().address()).isEqualTo("127.0.0.1");
    assertThat(c.listeners().udp().receiveBufferBytes()).isEqualTo(8 * 1024 * 1024);
    assertThat(c.listeners().udp().readDelay()).isEqualTo(Duration.ofMillis(10));
    assertThat(c.listeners().management().port()).isEqualTo(8126);
    assertThat(c.aggregation().flushInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.aggregation().percentThresholds()).containsExactly(90.0);
    assertThat(c.aggregation().maxMetrics()).isEqualTo(1_000_000);
    assertThat(c.aggregation().backgroundNice()).isEqualTo(10);
    assertThat(c.stats().enabled()).isTrue();
    assertThat(c.stats().persist()).isTrue();
    assertThat(c.stats().noBuffer()).isTrue();
    assertThat(c.stats().includeStorageStatsInApi()).isTrue();
    assertThat(c.stats().bufferSize()).isEqualTo(1000);
    assertThat(c.stats().flushIntervalMs()).isEqualTo(1000);
    assertThat(c.storage().type()).isEqualTo("sqlite");
    assertThat(c.storage().retention()).isEqualTo("10s:7d,1m:90d,1h:5y");
    assertThat(c.dataDir()).isEqualTo("./data");
    assertThat(c.http().port()).isEqualTo(8080);
  }

  /** Code that builds a config gets what a file that names the same options gets. */
  @Test
  void builtAggregationConfigsTakeTheFilesDefaults() throws Exception {
    HollerithConfig noFile = loader.load(null, Map.of(), List.of());
    assertThat(AggregationConfig.defaults()).isEqualTo(noFile.aggregation());

    HollerithConfig file =
        loader.load(
            yaml(
                """
                aggregation:
                  delete_idle_stats: true
                  delete_gauges: false
                  max_metrics: 500
                """),
            Map.of(),
            List.of());
    AggregationConfig built =
        AggregationConfig.builder()
            .deleteIdleStats(true)
            .deleteGauges(false)
            .maxMetrics(500)
            .build();
    assertThat(built).isEqualTo(file.aggregation());
    assertThat(built.deleteCounters()).isTrue();
    assertThat(built.deleteTimers()).isTrue();
    assertThat(built.deleteSets()).isTrue();
    assertThat(built.deleteGauges()).isFalse();
    assertThat(AggregationConfig.builder().maxMetrics(null).build().maxMetrics())
        .isEqualTo(1_000_000);
  }

  /** YAML 1.1 reads an unquoted OFF as false; the log level still means OFF. */
  @Test
  void anUnquotedOffLogLevelIsOff() throws Exception {
    for (String written : List.of("OFF", "off", "Off", "\"OFF\"")) {
      HollerithConfig c =
          loader.load(yaml("logging:\n  level: " + written + "\n"), Map.of(), List.of());
      assertThat(c.logging().level()).as(written).isEqualToIgnoringCase("OFF");
    }
  }

  /** Likewise for the {@code stats:} keys. */
  @Test
  void statsConfigsMadeInCodeEqualTheFilesOnes() throws Exception {
    assertThat(StatsConfig.defaults()).isEqualTo(loader.load(null, Map.of(), List.of()).stats());
    HollerithConfig file =
        loader.load(
            yaml(
                """
                stats:
                  no_buffer: false
                  buffer_size: 64
                  flush_interval_ms: 250
                """),
            Map.of(),
            List.of());
    assertThat(StatsConfig.buffered(64, 250)).isEqualTo(file.stats());
  }

  @Test
  void readsSnakeCaseKeysAndDurations() throws Exception {
    Path file =
        yaml(
            """
        listeners:
          udp: {port: 9125, receive_buffer_bytes: 1048576}
        aggregation:
          flush_interval: 1m
          percent_thresholds: [90, 99.9, -10]
          delete_idle_stats: true
          delete_gauges: false
        stats:
          no_buffer: false
          buffer_size: 500
        storage:
          retention: 1m:30d,1h:1y
        """);
    HollerithConfig c = loader.load(file, Map.of(), List.of());
    assertThat(c.listeners().udp().port()).isEqualTo(9125);
    assertThat(c.listeners().udp().receiveBufferBytes()).isEqualTo(1048576);
    assertThat(c.listeners().tcp().port()).isEqualTo(8125);
    assertThat(c.aggregation().flushInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.aggregation().percentThresholds()).containsExactly(90.0, 99.9, -10.0);
    assertThat(c.aggregation().deleteCounters()).isTrue();
    assertThat(c.aggregation().deleteGauges()).isFalse();
    assertThat(c.stats().noBuffer()).isFalse();
    assertThat(c.stats().bufferSize()).isEqualTo(500);
  }

  @Test
  void environmentOverridesFileAndSetOverridesEnvironment() throws Exception {
    Path file = yaml("listeners: {udp: {port: 9000}}\naggregation: {flush_interval: 5s}\n");
    HollerithConfig c =
        loader.load(
            file,
            Map.of(
                "HOLLERITH_LISTENERS_UDP_PORT",
                "9001",
                "HOLLERITH_AGGREGATION_FLUSH_INTERVAL",
                "20s",
                "HOLLERITH_JAVA_OPTS",
                "-Xmx1g",
                "PATH",
                "/bin"),
            List.of(
                "aggregation.flush_interval=30s",
                "aggregation.percent_thresholds=[50, 95]",
                "storage.retention=30s:1d"));
    assertThat(c.listeners().udp().port()).isEqualTo(9001);
    assertThat(c.aggregation().flushInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.aggregation().percentThresholds()).containsExactly(50.0, 95.0);
  }

  @Test
  void unknownKeysAndBadValuesAreAllReportedByName() throws IOException {
    Path file =
        yaml(
            """
        listeners:
          udp: {port: eighty, prot: 1}
        aggregation:
          flush_interval: soon
        stats:
          no_buffer: maybe
        colour: blue
        """);
    assertThatThrownBy(
            () ->
                loader.load(
                    file, Map.of("HOLLERITH_LISTENERS_UPD_PORT", "1"), List.of("nope.key=1")))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactlyInAnyOrder(
                        "--set: unknown key 'nope.key'",
                        "listeners.udp.port: 'eighty' is not allowed; expected a whole number",
                        "unknown key 'listeners.udp.prot' (allowed here: enabled, address, port, receive_buffer_bytes, threads, read_delay)",
                        "aggregation.flush_interval: 'soon' is not allowed; expected a duration such as 500ms, 10s, 1m, 2h or 7d",
                        "stats.no_buffer: 'maybe' is not allowed; expected true or false",
                        "unknown key 'colour' (allowed here: node_id, data_dir, listeners, protocol, aggregation, stats, sinks,"
                            + " storage, http, logging, scheduler, jobs, ops)"));
  }

  @Test
  void theApsisStatsJobLoadsAsWritten() throws Exception {
    Path file =
        yaml(
            """
        jobs:
          - job_id: stats
            params: [date]

            schedule:
              type: interval
              interval: 60

            program:
              type: apsis.program.internal.stats.StatsProgram
              path: "/opt/apsis/stats/{{ date }}.json"
          - job_id: nightly
            params: {site: eu}
            schedule: {type: daily, at: "01:00"}
            program: {type: stats}
        """);
    HollerithConfig c = loader.load(file, Map.of(), List.of());
    assertThat(c.jobs()).hasSize(2);
    JobConfig stats = c.jobs().get(0);
    assertThat(stats.schedule().intervalDuration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(stats.fixedParams()).isEmpty();
    assertThat(stats.program().path()).isEqualTo("/opt/apsis/stats/{{ date }}.json");
    assertThat(c.jobs().get(1).schedule().atTime()).isEqualTo(LocalTime.of(1, 0));
    assertThat(c.jobs().get(1).fixedParams()).containsExactly(Map.entry("site", "eu"));
  }

  @Test
  void intervalsTakeSecondsOrAUnit() throws Exception {
    HollerithConfig c =
        loader.load(
            yaml(
                """
        jobs:
          - {job_id: a, schedule: {type: interval, interval: 90s}, program: {type: stats}}
          - {job_id: b, schedule: {type: interval, interval: 5m}, program: {type: stats}}
          - {job_id: c, schedule: {type: interval, interval: "15"}, program: {type: stats}}
        """),
            Map.of(),
            List.of());
    assertThat(c.jobs())
        .extracting(j -> j.schedule().intervalDuration())
        .containsExactly(Duration.ofSeconds(90), Duration.ofMinutes(5), Duration.ofSeconds(15));
  }

  @Test
  void badJobsAreAllReportedByKey() throws IOException {
    Path file =
        yaml(
            """
        jobs:
          - {job_id: a, schedule: {type: interval, interval: 0}, program: {type: stats}}
          - {job_id: a, schedule: {type: daily, at: "25:00"}, program: {type: shell}}
          - {job_id: hollerith.rollup, params: [site], schedule: {type: hourly}, program: {type: stats, path: ""}}
          - {job_id: d, schedule: {type: interval, interval: 1m, every: 2}, program: {type: stats}}
        scheduler: {threads: 0, task_history: 0, heartbeat_interval: 10ms}
        """);
    assertThatThrownBy(() -> loader.load(file, Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactlyInAnyOrder(
                        "unknown key 'jobs[3].schedule.every' (allowed here: type, interval, at)",
                        "scheduler.threads must be greater than 0, got 0",
                        "scheduler.task_history must be greater than 0, got 0",
                        "scheduler.heartbeat_interval must be at least 100ms, got 10ms",
                        "jobs[0].schedule.interval must be positive, got '0'",
                        "jobs[1].job_id 'a' is used by an earlier job",
                        "jobs[1].schedule.at must be a UTC time of day HH:MM or HH:MM:SS, got '25:00'",
                        "jobs[1].program.type must be one of [apsis.program.internal.stats.StatsProgram, stats], got 'shell'",
                        "jobs[2].job_id must not start with 'hollerith.', which names Hollerith's own jobs",
                        "jobs[2].params a listed parameter must be date or time (filled from the run's due time), got 'site';"
                            + " give other parameters as a mapping of name: value",
                        "jobs[2].schedule.type must be interval or daily, got 'hourly'",
                        "jobs[2].program.path must not be empty; leave it out to keep the stats in the run's output only"));
    assertThatThrownBy(() -> loader.load(yaml("jobs: [5]\n"), Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactly(
                        "jobs[0]: expected a mapping with keys job_id, params, schedule, program"));
  }

  @Test
  void rangeProblemsNameTheKeyAndTheRule() throws IOException {
    Path file =
        yaml(
            """
        listeners: {udp: {port: 70000, read_delay: 1s}}
        aggregation: {percent_thresholds: [0], max_metrics: 0, background_nice: 20}
        storage: {type: mysql, read_timeout: 0s}
        http: {health_check_timeout: 0ms}
        sinks: {graphite: {enabled: true}}
        logging: {format: xml}
        """);
    assertThatThrownBy(() -> loader.load(file, Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactlyInAnyOrder(
                        "listeners.udp.port must be between 0 and 65535, got 70000",
                        "listeners.udp.read_delay must be between 0 and 100ms, got 1s",
                        "aggregation.percent_thresholds each threshold must be a non-zero number from -100 to 100, got 0.0",
                        "aggregation.max_metrics must be greater than 0, got 0",
                        "aggregation.background_nice must be 0 (the process's priority) to 19, got 20",
                        "sinks.graphite.host is required when sinks.graphite.enabled is true",
                        "storage.type must be sqlite or postgresql, got 'mysql'",
                        "storage.read_timeout must be at least 1ms, got 0ms",
                        "http.health_check_timeout must be at least 1ms, got 0ms",
                        "logging.format must be text or json, got 'xml'"));
  }

  @Test
  void missingFileAndBrokenYamlAreReported() throws IOException {
    assertThatThrownBy(() -> loader.load(dir.resolve("absent.yml"), Map.of(), List.of()))
        .hasMessageContaining("absent.yml does not exist");
    Path broken = yaml("listeners: [\n");
    assertThatThrownBy(() -> loader.load(broken, Map.of(), List.of()))
        .hasMessageContaining("is not valid YAML");
  }

  @Test
  void histogramBinsAcceptInfinityAsEtsyWritesIt() throws Exception {
    Path file =
        yaml(
            """
        aggregation:
          histograms:
            - {metric: api., bins: [10, 100, inf]}
            - {metric: "", bins: [1, Infinity]}
        """);
    HollerithConfig c = loader.load(file, Map.of(), List.of());
    assertThat(c.aggregation().histograms().get(0).bins())
        .containsExactly(10.0, 100.0, Double.POSITIVE_INFINITY);
    assertThat(c.aggregation().histograms().get(1).bins())
        .containsExactly(1.0, Double.POSITIVE_INFINITY);
    assertThatThrownBy(
            () -> loader.load(null, Map.of(), List.of("aggregation.percent_thresholds=[ninety]")))
        .hasMessageContaining(
            "aggregation.percent_thresholds: '[\"ninety\"]' is not allowed; expected a list of numbers");
  }

  @Test
  void prometheusTimerBucketsDefaultToStatsdExportersAndMustAscend() throws Exception {
    assertThat(loader.load(null, Map.of(), List.of()).sinks().prometheus().timerBuckets())
        .containsExactly(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);
    assertThat(
            loader
                .load(null, Map.of(), List.of("sinks.prometheus.timer_buckets=[0.1, 1]"))
                .sinks()
                .prometheus()
                .timerBuckets())
        .containsExactly(0.1, 1.0);
    assertThatThrownBy(
            () -> loader.load(null, Map.of(), List.of("sinks.prometheus.timer_buckets=[1, 0.5]")))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactly(
                        "sinks.prometheus.timer_buckets must be finite numbers in ascending order, got [1.0, 0.5]"));
    assertThatThrownBy(
            () -> loader.load(null, Map.of(), List.of("sinks.prometheus.timer_buckets=[]")))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactly(
                        "sinks.prometheus.timer_buckets must list 1 to 64 bounds, got 0"));
  }

  @Test
  void everyKeyHasAnEnvironmentVariable() {
    assertThat(loader.environmentVariables())
        .containsEntry("HOLLERITH_LISTENERS_UDP_PORT", "listeners.udp.port")
        .containsEntry(
            "HOLLERITH_STATS_INCLUDE_STORAGE_STATS_IN_API", "stats.include_storage_stats_in_api")
        .containsEntry("HOLLERITH_DATA_DIR", "data_dir");
  }

  @Test
  void operationsLimitsAreCheckedByName() {
    assertThatThrownBy(
            () ->
                loader.load(
                    null,
                    Map.of(),
                    List.of(
                        "ops.query.threads=0",
                        "ops.query.max_queued=-1",
                        "ops.query.max_rows=0",
                        "ops.query.max_result_bytes=10",
                        "ops.table_growth.retention_days=7",
                        "ops.query.timeout=0s",
                        "ops.table_growth.sample_at=25:00")))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactlyInAnyOrder(
                        "ops.query.threads must be greater than 0, got 0",
                        "ops.query.max_queued must be 0 or more, got -1",
                        "ops.query.max_rows must be between 1 and 1000000, got 0",
                        "ops.query.max_result_bytes must be at least 1024, got 10",
                        "ops.table_growth.retention_days must be between 31 (a month-ago sample is needed) and 3650, got 7",
                        "ops.query.timeout must be at least 1ms, got 0ms",
                        "ops.table_growth.sample_at must be a UTC time of day HH:MM or HH:MM:SS, got '25:00'"));
    HollerithConfig defaults = HollerithConfig.defaults();
    assertThat(defaults.ops().tableGrowth().sampleAtTime()).isEqualTo(LocalTime.of(1, 0));
    assertThat(defaults.ops().query().threads() + defaults.ops().query().maxQueued())
        .isLessThan(defaults.http().workerThreads());
  }

  @Test
  void anUnknownHollerithVariableIsAWarningNotARefusal() throws Exception {
    HollerithConfig c = loader.load(null, Map.of("HOLLERITH_LISTENERS_UPD_PORT", "1"), List.of());
    assertThat(c.listeners().udp().port()).isEqualTo(8125);
    assertThat(loader.warnings())
        .containsExactly(
            "ignoring environment variable HOLLERITH_LISTENERS_UPD_PORT: it "
                + "names no configuration key (a key's variable is HOLLERITH_ and its path in upper case, e.g. "
                + "HOLLERITH_LISTENERS_UDP_PORT)");
  }

  @Test
  void variablesNamedBySecretKeysAreNeitherConfigurationNorWarnings() throws Exception {
    Path file =
        yaml(
            """
        storage:
          postgresql: {password_env: HOLLERITH_PG_PASSWORD}
        """);
    HollerithConfig c =
        loader.load(
            file,
            Map.of(
                "HOLLERITH_PG_PASSWORD",
                "s3cret",
                "HOLLERITH_TLS_PASSWORD",
                "t0p",
                "HOLLERITH_HTTP_TLS_KEYSTORE_PASSWORD_ENV",
                "HOLLERITH_TLS_PASSWORD",
                "HOLLERITH_OTHER",
                "x"),
            List.of());
    assertThat(c.storage().postgresql().passwordEnv()).isEqualTo("HOLLERITH_PG_PASSWORD");
    assertThat(c.http().tls().keystorePasswordEnv()).isEqualTo("HOLLERITH_TLS_PASSWORD");
    assertThat(loader.warnings())
        .singleElement()
        .asString()
        .startsWith("ignoring environment variable HOLLERITH_OTHER:");
    assertThat(String.join("\n", loader.warnings()))
        .doesNotContain("s3cret", "t0p", "PG_PASSWORD", "TLS_PASSWORD");
  }

  @Test
  void typeAndRangeProblemsOfDifferentKeysAreReportedTogether() {
    assertThatThrownBy(
            () ->
                loader.load(
                    null,
                    Map.of(),
                    List.of(
                        "aggregation.flush_interval=10x", "http.port=-1", "logging.level=LOUD")))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactly(
                        "aggregation.flush_interval: '10x' is not allowed; expected a duration such as 500ms, 10s, 1m, 2h or 7d",
                        "http.port must be between 0 and 65535, got -1",
                        "logging.level must be one of [TRACE, DEBUG, INFO, WARN, ERROR, OFF], got 'LOUD'"));
    assertThatThrownBy(
            () ->
                loader.load(
                    null,
                    Map.of(),
                    List.of(
                        "storage.sqlite_synchronous=EXTRA",
                        "storage.rollup_batch_series=0",
                        "listeners.management.max_queued_commands=0")))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactlyInAnyOrder(
                        "storage.sqlite_synchronous must be FULL or NORMAL, got 'EXTRA'",
                        "storage.rollup_batch_series must be greater than 0, got 0",
                        "listeners.management.max_queued_commands must be greater than 0, got 0"));
  }

  @Test
  void problemsWithAPasswordNeverQuoteIt() throws Exception {
    Path file = dir.resolve("secret.yml");
    Files.writeString(file, "http:\n  tls:\n    keystore_password: {oops: s3cr3t-keystore}\n");
    assertThatThrownBy(
            () ->
                loader.load(
                    file,
                    Map.of(),
                    List.of("node_id=n1", "storage.postgresql.password=[s3cr3t-pg")))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactlyInAnyOrder(
                        "--set storage.postgresql.password: the value is not a valid value",
                        "http.tls.keystore_password: the value is not allowed; expected text"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t"));
  }
}
