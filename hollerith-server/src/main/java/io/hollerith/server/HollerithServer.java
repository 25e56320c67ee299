package io.hollerith.server;

import io.hollerith.server.aggregate.Aggregator;
import io.hollerith.server.aggregate.AggregatorWriter;
import io.hollerith.server.api.ChunkedLineIngestor;
import io.hollerith.server.api.HealthCheck;
import io.hollerith.server.api.HttpApi;
import io.hollerith.server.api.OpsViews;
import io.hollerith.server.api.PrometheusSink;
import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.config.HollerithConfig;
import io.hollerith.server.config.JobConfig;
import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.config.SinksConfig;
import io.hollerith.server.datadir.DataDirectoryInUseException;
import io.hollerith.server.datadir.DataDirectoryLock;
import io.hollerith.server.datadir.PrivateFiles;
import io.hollerith.server.flush.ConsoleSink;
import io.hollerith.server.flush.FlushSink;
import io.hollerith.server.flush.Flusher;
import io.hollerith.server.flush.GraphiteSink;
import io.hollerith.server.ingest.HealthState;
import io.hollerith.server.ingest.IngestServer;
import io.hollerith.server.ingest.ManagementServer;
import io.hollerith.server.ingest.PacketHandler;
import io.hollerith.server.jobs.Job;
import io.hollerith.server.jobs.Scheduler;
import io.hollerith.server.ops.DataFiles;
import io.hollerith.server.ops.InternalStats;
import io.hollerith.server.ops.NodeHeartbeat;
import io.hollerith.server.ops.Operations;
import io.hollerith.server.ops.ReadOnlyQueries;
import io.hollerith.server.ops.SelfSeriesSink;
import io.hollerith.server.ops.StatsProgram;
import io.hollerith.server.ops.TableGrowthJob;
import io.hollerith.server.ops.TableGrowthSampler;
import io.hollerith.server.ops.WorkerReport;
import io.hollerith.server.ops.WorkersView;
import io.hollerith.server.protocol.LineParser;
import io.hollerith.server.stats.ProcessUsage;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.stats.SystemStats;
import io.hollerith.server.stats.WakeLatencyProbe;
import io.hollerith.server.storage.MetricStore;
import io.hollerith.server.storage.MetricStores;
import io.hollerith.server.storage.RollupJob;
import io.hollerith.server.storage.StoreSink;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Hollerith node: builds every component from the configuration, starts them in data
 * flow order (store, aggregator and flusher, then listeners, HTTP last) so nothing arrives before
 * it can be kept, and stops them in reverse: HTTP and listeners first, then a final flush to every
 * sink (the store sink drains its backlog), then the store. A graceful shutdown loses nothing
 * received.
 *
 * <p>Thread-safe: {@link #close()} may be called from a signal handler thread while another thread
 * waits in {@link #awaitTermination()}.
 */
public final class HollerithServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HollerithServer.class);

  private final HollerithConfig config;
  private final Clock clock;
  private final PrintStream console;
  private final StatsRegistry stats = new StatsRegistry();
  private final HealthState health = new HealthState();
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);

  private Path dataDir;
  private boolean dataDirCreated;
  private MetricStore store;
  private TableGrowthSampler tableGrowth;
  private ReadOnlyQueries queries;
  private StoreSink storeSink;
  private Aggregator aggregator;
  private Flusher flusher;
  private IngestServer.Bound ingestBound;
  private InetSocketAddress managementAddress;
  private HttpApi http;
  private Scheduler scheduler;
  private InternalStats internalStats;
  private WorkersView workers;
  private WorkerReport workerReport;
  private final Map<String, StatsProgram> statsPrograms = new ConcurrentHashMap<>();

  public HollerithServer(HollerithConfig config) {
    this(config, Clock.systemUTC(), System.out);
  }

  /**
   * @param clock time source of every component, for tests that step time
   * @param console where the first start says which file holds the admin token (and the console
   *     sink writes)
   */
  public HollerithServer(HollerithConfig config, Clock clock, PrintStream console) {
    this.config = config;
    this.clock = clock;
    this.console = console;
  }

  /**
   * Starts every enabled component. On failure the exception propagates, naming what failed; call
   * {@link #close()} to stop whatever had started. A data directory this call created is removed
   * again when the start fails, and the admin user and its token are created only once every
   * listener has bound, so a failed first start leaves nothing behind.
   */
  public void start() throws Exception {
    dataDir = Path.of(config.dataDir()).toAbsolutePath().normalize();
    prepareDataDirectory();
    try {
      startComponents();
    } catch (Exception | Error e) {
      if (dataDirCreated) {
        started.addLast(this::removeDataDirectory);
      }
      throw e;
    }
  }

  private void prepareDataDirectory() throws IOException {
    if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
      throw new IOException("data_dir " + dataDir + " exists and is not a directory");
    }
    try {
      dataDirCreated = PrivateFiles.createDirectories(dataDir);
    } catch (IOException e) {
      throw new IOException("cannot create data_dir " + dataDir + ": " + reason(e), e);
    }
    if (!dataDirCreated && PrivateFiles.isWiderThanOwner(dataDir)) {
      LOG.warn(
          "data_dir {} is accessible to other users ({}); restrict it with: chmod 700 {}",
          dataDir,
          PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)),
          dataDir);
    }
    try {
      started.push(DataDirectoryLock.acquire(dataDir));
    } catch (DataDirectoryInUseException e) {
      throw e;
    } catch (IOException e) {
      throw new IOException("cannot write to data_dir " + dataDir + ": " + reason(e), e);
    }
  }

  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return String.valueOf(e.getMessage());
  }

  /** Removes the data directory that a failed first start created; it holds no data yet. */
  private void removeDataDirectory() throws IOException {
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private void startComponents() throws Exception {
    SystemStats.register(stats, clock);
    RetentionPolicy retention = RetentionPolicy.parse(config.storage().retention());

    if (config.stats().persist()) {
      store = MetricStores.open(config, clock);
      started.push(store);
      tableGrowth = new TableGrowthSampler(store, config.ops().tableGrowth(), stats);
      sampleTableSizesInBackground();
      queries =
          new ReadOnlyQueries(
              store.readOnlySql(config.ops().query().postgresql()), config.ops().query(), stats);
      started.push(queries);
    }
    scheduler =
        new Scheduler(
            config.nodeId(),
            clock,
            store == null ? null : store.tasks(),
            config.scheduler().taskHistory(),
            config.scheduler().threads(),
            stats);
    scheduler.restore();
    WakeLatencyProbe probe = new WakeLatencyProbe(clock).start();
    started.push(probe);
    internalStats = new InternalStats(clock, stats, probe, ProcessUsage.self(), scheduler);
    AuthStore auth = AuthStore.open(config, clock);
    started.push(auth);

    aggregator =
        new Aggregator(
            config.aggregation(),
            config.stats(),
            stats,
            clock,
            Duration.ofMillis(retention.levels().get(0).retentionMillis()));
    PrometheusSink prometheus =
        new PrometheusSink(
            config.sinks().prometheus().timerBuckets(), config.aggregation().maxMetrics(), stats);
    if (store != null) {
      var gauges = aggregator.restoreGauges(store.loadGaugeValues(config.nodeId()));
      prometheus.restoreGauges(gauges);
      prometheus.restoreCounterTotals(store.loadCounterTotals(config.nodeId()));
      LOG.info(
          "restored {} gauges and the counter totals of node {} from the store",
          gauges.size(),
          config.nodeId());
    }
    flusher =
        new Flusher(
            aggregator, sinks(prometheus), stats, clock, config.aggregation().backgroundNice());
    flusher.start();
    started.push(flusher);
    startJobs();

    if (config.stats().enabled()) {
      IngestServer ingest =
          new IngestServer(
              config.listeners(),
              config.protocol(),
              dataDir,
              stats,
              listener -> {
                LineParser parser = new LineParser(config.protocol(), stats);
                AggregatorWriter writer = aggregator.newWriter();
                PacketHandler handler = packet -> parser.parse(packet, writer);
                return handler;
              },
              clock);
      started.push(ingest);
      ingestBound = ingest.start();
    } else {
      LOG.warn("stats.enabled is false: the StatsD listeners are not started");
    }
    if (config.listeners().management().enabled()) {
      ManagementServer management =
          new ManagementServer(
              config.listeners().management(), aggregator.liveView(), stats, health);
      started.push(management);
      managementAddress = management.start();
    }
    if (config.http().enabled()) {
      http = httpApi(auth, prometheus);
      started.push(http);
      http.start();
    }
    if (store != null) {
      // Last, so the first heartbeat already reports every part of the node.
      started.push(
          new NodeHeartbeat(config.nodeId(), workerReport, store.heartbeats(), clock, stats)
              .start(config.scheduler().heartbeatInterval()));
    }
    // The token itself is never printed: stdout often ends up in journald or a log collector.
    Path tokenFile = dataDir.resolve(AuthStore.ADMIN_TOKEN_FILE);
    auth.bootstrapAdmin(dataDir)
        .ifPresent(
            token ->
                console.println(
                    "hollerith: created user 'admin'; its API token is in "
                        + tokenFile
                        + " (readable only by this user)."
                        + " Read it with: cat "
                        + tokenFile));
    LOG.info(
        "hollerith node {} started: udp {}, tcp {}, management {}, http {}, data_dir {}",
        config.nodeId(),
        ingestBound == null ? "-" : ingestBound.udp(),
        ingestBound == null ? "-" : ingestBound.tcp(),
        managementAddress == null ? "-" : managementAddress,
        http == null ? "-" : http.address(),
        dataDir);
  }

  /** Hollerith's own jobs and the configured ones on the scheduler, and the workers view. */
  private void startJobs() {
    if (store != null) {
      scheduler.add(RollupJob.job(config, store, stats, clock));
      scheduler.add(TableGrowthJob.job(config.ops().tableGrowth(), tableGrowth));
    }
    for (JobConfig job : config.jobs()) {
      Job added = ConfiguredJobs.job(job, internalStats);
      scheduler.add(added);
      if (added.program() instanceof StatsProgram program) {
        statsPrograms.put(added.id(), program);
      }
    }
    scheduler.start();
    started.push(scheduler);
    workerReport =
        new WorkerReport(
            config.nodeId(),
            scheduler,
            stats,
            clock,
            ConfiguredJobs.fixedWorkerStats(config),
            () -> ConfiguredJobs.broker(store));
    workers =
        new WorkersView(
            config.nodeId(),
            workerReport,
            scheduler,
            store == null ? null : store.heartbeats(),
            store == null ? null : store.tasks(),
            config.scheduler().heartbeatInterval(),
            clock);
  }

  /** Each {@code stats} job's current output file, which the file routes must not delete. */
  private Map<Path, String> statsOutputFiles() {
    Map<Path, String> files = new HashMap<>();
    statsPrograms.forEach(
        (jobId, program) -> {
          Path file = program.currentFile();
          if (file != null) {
            files.put(file, "it is the current output file of the stats job " + jobId);
          }
        });
    return files;
  }

  private List<FlushSink> sinks(PrometheusSink prometheus) {
    List<FlushSink> sinks = new ArrayList<>();
    SinksConfig sinksConfig = config.sinks();
    if (sinksConfig.console().enabled()) {
      sinks.add(new ConsoleSink(sinksConfig.console(), config.aggregation()));
    }
    if (sinksConfig.graphite().enabled()) {
      sinks.add(new GraphiteSink(sinksConfig.graphite(), stats, clock));
    }
    sinks.add(prometheus);
    if (store != null) {
      storeSink = StoreSink.create(config, store, stats, clock);
      sinks.add(
          config.stats().selfSeries()
              ? new SelfSeriesSink(storeSink, config.stats().selfSeriesPrefix(), stats)
              : storeSink);
    }
    return sinks;
  }

  private HttpApi httpApi(AuthStore auth, PrometheusSink prometheus) {
    HttpApi.Builder api =
        HttpApi.builder(config.http(), auth, stats)
            .latestValues(prometheus)
            .flushInterval(config.aggregation().flushInterval())
            .clock(clock)
            .opsViews(new OpsViews(scheduler, internalStats::snapshot, workers::workers))
            .selfSeriesPrefix(
                config.stats().selfSeries() ? config.stats().selfSeriesPrefix() : null)
            .lineIngestor(
                new ChunkedLineIngestor(
                    () -> new LineParser(config.protocol(), stats)::parse,
                    aggregator::newWriter,
                    config.protocol().maxPacketBytes()));
    if (ingestBound != null) {
      for (String listener : List.of("udp", "tcp", "unix_stream", "unix_datagram")) {
        Object address =
            switch (listener) {
              case "udp" -> ingestBound.udp();
              case "tcp" -> ingestBound.tcp();
              case "unix_stream" -> ingestBound.unixStream();
              default -> ingestBound.unixDatagram();
            };
        if (address != null) {
          api.healthCheck(
              HealthCheck.of(
                  listener,
                  () ->
                      closing.get()
                          ? HealthCheck.Status.down("shutting down")
                          : HealthCheck.Status.up("listening on " + address)));
        }
      }
    }
    api.healthCheck(
        HealthCheck.of(
            "management",
            () ->
                health.isUp()
                    ? HealthCheck.Status.up("health up")
                    : HealthCheck.Status.down(
                        "set down with the management command 'health down'")));
    if (store != null) {
      api.seriesReader(store, config.storage().readTimeout());
      api.healthCheck(HealthCheck.of("storage", this::storageStatus));
      api.storageStats(tableGrowth::storageSizes, config.stats().includeStorageStatsInApi());
    }
    api.operations(
        new Operations(
            store,
            tableGrowth,
            queries,
            new DataFiles(
                dataDir, config.ops().files().maxEntries(), stats, this::statsOutputFiles)));
    return api.build();
  }

  /**
   * The store as its writer last saw it, without asking the database (so it answers at once during
   * an outage): down from the first failed write until one succeeds, or when the oldest waiting
   * flush is older than three flush intervals (a write that hangs).
   */
  private HealthCheck.Status storageStatus() {
    StoreSink.WriterState w = storeSink.writerState();
    long now = clock.millis();
    if (w.failing()) {
      return HealthCheck.Status.down(
          store.engine()
              + ": down since "
              + Instant.ofEpochMilli(w.failingSinceMillis())
              + " ("
              + (now - w.failingSinceMillis()) / 1000
              + " s), "
              + w.backlog()
              + " flushes waiting");
    }
    if (w.backlogAgeMillis() > 3 * config.aggregation().flushInterval().toMillis()) {
      return HealthCheck.Status.down(
          store.engine()
              + ": "
              + w.backlog()
              + " flushes waiting, oldest "
              + w.backlogAgeMillis() / 1000
              + " s");
    }
    return HealthCheck.Status.up(
        store.engine()
            + ": writing, "
            + (w.lastSuccessMillis() == StoreSink.NEVER
                ? "nothing written yet"
                : "last write " + (now - w.lastSuccessMillis()) / 1000 + " s ago")
            + ", "
            + w.backlog()
            + " flushes waiting");
  }

  /**
   * Takes today's table-size sample unless one is stored, on a thread of its own: on SQLite it
   * reads every page, which must not delay the start.
   */
  private void sampleTableSizesInBackground() {
    Thread sampler =
        new Thread(
            () -> {
              try {
                tableGrowth.sampleIfMissing(LocalDate.now(clock.withZone(ZoneOffset.UTC)));
              } catch (RuntimeException e) {
                LOG.error("table-size sample at start failed: {}", e.getMessage(), e);
              }
            },
            "hollerith-table-sizes");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** The table-size sampler, or null when {@code stats.persist} is off. */
  public TableGrowthSampler tableGrowth() {
    return tableGrowth;
  }

  /** The internal statistics registry of this node. */
  public StatsRegistry stats() {
    return stats;
  }

  /** The resolved data directory (after {@link #start()}). */
  public Path dataDir() {
    return dataDir;
  }

  /** Where the StatsD listeners are bound, or null when they are not started. */
  public IngestServer.Bound ingestAddresses() {
    return ingestBound;
  }

  /** The management interface's address, or null when it is disabled. */
  public InetSocketAddress managementAddress() {
    return managementAddress;
  }

  /** The HTTP API's address, or null when it is disabled. */
  public InetSocketAddress httpAddress() {
    return http == null ? null : http.address();
  }

  /** The flusher, for tools and tests that flush the open interval now. */
  public Flusher flusher() {
    return flusher;
  }

  /** The job scheduler (after {@link #start()}). */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** The store sink, or null when {@code stats.persist} is off. */
  public StoreSink storeSink() {
    return storeSink;
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /** Graceful stop, in reverse start order; idempotent. */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    while (!started.isEmpty()) {
      AutoCloseable component = started.pop();
      try {
        component.close();
      } catch (Exception e) {
        LOG.error(
            "error while stopping {}: {}", component.getClass().getSimpleName(), e.getMessage(), e);
      }
    }
    LOG.info("hollerith node {} stopped", config.nodeId());
    terminated.countDown();
  }
}
