package io.hollerith.server.api;

import static io.hollerith.server.query.InMemorySeriesReader.counter;
import static io.hollerith.server.query.InMemorySeriesReader.timer;

import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.auth.Role;
import io.hollerith.server.config.ConfigException;
import io.hollerith.server.config.ConfigLoader;
import io.hollerith.server.config.HttpConfig;
import io.hollerith.server.config.OpsConfig;
import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.config.SinksConfig;
import io.hollerith.server.jobs.Job;
import io.hollerith.server.jobs.Schedule;
import io.hollerith.server.jobs.Scheduler;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.Tag;
import io.hollerith.server.ops.DataFiles;
import io.hollerith.server.ops.InternalStats;
import io.hollerith.server.ops.Operations;
import io.hollerith.server.ops.ReadOnlyQueries;
import io.hollerith.server.ops.TableGrowthSampler;
import io.hollerith.server.ops.WorkerReport;
import io.hollerith.server.ops.WorkersView;
import io.hollerith.server.query.InMemorySeriesReader;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.sketch.UniqueSketch;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.TimerStats;
import io.hollerith.server.stats.ProcessUsage;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.stats.WakeLatencyProbe;
import io.hollerith.server.storage.MetricStore;
import io.hollerith.server.storage.MetricStores;
import io.hollerith.server.storage.StoreSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A real API server on an ephemeral port over a real SQLite credential store: tenants {@code root →
 * shop, root → blog}, namespaces {@code shop.} and {@code blog.}, one user per role and tenant
 * named {@code <role>@<tenant>}, stored series in both namespaces and unassigned, live values in a
 * real {@link PrometheusSink}, a real scheduler (in memory) with one hourly job, the node's self
 * series {@code hollerith.*} stored unassigned (owned by the root tenant), and the operations
 * routes over a real SQLite metric store in the same directory.
 */
final class ApiFixture implements AutoCloseable {

  static final long T0 = 1_563_818_130_000L;
  static final List<String> TENANTS = List.of("root", "shop", "blog");

  final AuthStore auth;
  final StatsRegistry stats = new StatsRegistry();
  final InMemorySeriesReader reader = new InMemorySeriesReader();
  final PrometheusSink sink;
  final AtomicBoolean storageUp = new AtomicBoolean(true);

  /** While false, reading the storage sizes fails as it does while the database is down. */
  final AtomicBoolean storageSizesReadable = new AtomicBoolean(true);

  final AtomicLong healthDelayMillis = new AtomicLong();
  final Map<String, String> tokens = new HashMap<>();
  final MetricStore store;
  final TableGrowthSampler tableGrowth;
  final ReadOnlyQueries queries;
  final Scheduler scheduler = new Scheduler("fixture-node", Clock.systemUTC(), null, 100, 1, stats);
  final WakeLatencyProbe probe = new WakeLatencyProbe(Clock.systemUTC());
  final InternalStats internal =
      new InternalStats(Clock.systemUTC(), stats, probe, ProcessUsage.self(), scheduler);
  final WorkersView workers =
      new WorkersView(
          "fixture-node",
          new WorkerReport(
              "fixture-node",
              scheduler,
              stats,
              Clock.systemUTC(),
              Map.of(),
              () -> Map.of("transport", "none")),
          scheduler,
          null,
          null,
          Duration.ofSeconds(10),
          Clock.systemUTC());
  final HttpApi api;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final String base;

  ApiFixture(Path dir, HttpConfig config) {
    this(dir, config, builder -> builder);
  }

  /** With more collaborators set on the builder by {@code customize}. */
  ApiFixture(Path dir, HttpConfig config, UnaryOperator<HttpApi.Builder> customize) {
    auth = AuthStore.openSqlite(dir.resolve("auth.db"), Clock.systemUTC());
    auth.addTenant("shop", "root");
    auth.addTenant("blog", "root");
    auth.assignNamespace("shop.", "shop");
    auth.assignNamespace("blog.", "blog");
    for (Role role : Role.values()) {
      for (String tenant : TENANTS) {
        String user = role.label() + "@" + tenant;
        tokens.put(user, auth.addUser(user, role, tenant, null).secret());
      }
    }
    for (long i = 0; i < 5; i++) {
      reader.add(MetricKey.of("shop.orders"), counter(T0 + i * 10_000, 10_000, (double) (i + 1)));
      reader.add(MetricKey.of("blog.posts"), counter(T0 + i * 10_000, 10_000, (double) (2 * i)));
      reader.add(MetricKey.of("system.load"), counter(T0 + i * 10_000, 10_000, 1));
      reader.add(MetricKey.of("hollerith.packets_received"), counter(T0 + i * 10_000, 10_000, 7));
      reader.add(
          MetricKey.of("shop.latency"),
          timer(T0 + i * 10_000, 10_000, (double) (10 * i + 1), (double) (10 * i + 2)));
    }
    store =
        MetricStores.sqlite(
            dir.resolve(MetricStores.SQLITE_FILE),
            "NORMAL",
            new StoreSettings(
                RetentionPolicy.parse(RetentionPolicy.DEFAULT), 10_000, 200, Clock.systemUTC()));
    tableGrowth = new TableGrowthSampler(store, new OpsConfig.TableGrowth(null, null, null), stats);
    queries =
        new ReadOnlyQueries(
            store.readOnlySql(null),
            new OpsConfig.Query(null, null, null, null, null, null),
            stats);
    scheduler.add(
        new Job(
            "fixture.hourly", new Schedule.Interval(Duration.ofHours(1)), Map.of(), run -> "done"));
    sink = new PrometheusSink(SinksConfig.Prometheus.DEFAULT_TIMER_BUCKETS, 1000, stats);
    sink.publish(snapshot());
    // the customisation comes after the fixture's live values, so a test can replace them
    api =
        customize
            .apply(
                HttpApi.builder(config, auth, stats)
                    .latestValues(sink)
                    .selfSeriesPrefix("hollerith."))
            .seriesReader(reader, Duration.ofSeconds(2))
            .lineIngestor(ApiFixture::ingestLines)
            .healthCheck(
                HealthCheck.of(
                    "storage",
                    () -> {
                      sleep(healthDelayMillis.get());
                      return storageUp.get()
                          ? HealthCheck.Status.up("store answers")
                          : HealthCheck.Status.down("store unreachable");
                    }))
            .storageStats(
                () -> {
                  if (!storageSizesReadable.get()) {
                    throw new IllegalStateException("metric store unreachable");
                  }
                  return Map.of("bytes", 4096L, "series", 4L);
                },
                true)
            .opsViews(new OpsViews(scheduler, internal::snapshot, workers::workers))
            .operations(
                new Operations(store, tableGrowth, queries, new DataFiles(dir, 10_000, stats)))
            .build()
            .start();
    base = "http://127.0.0.1:" + api.address().getPort();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The {@code http} section on loopback, an ephemeral port and a failure limit of 1000, with
   * {@code --set} style overrides such as {@code "http.max_request_bytes=1024"}.
   */
  static HttpConfig config(String... overrides) {
    List<String> sets =
        new ArrayList<>(
            List.of(
                "node_id=test",
                "http.address=127.0.0.1",
                "http.port=0",
                "http.auth_failure_limit=1000"));
    sets.addAll(List.of(overrides));
    try {
      return new ConfigLoader().load(null, Map.of(), sets).http();
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** One flush worth of live values in both namespaces. */
  static FlushSnapshot snapshot() {
    QuantileSketch sketch = QuantileSketch.create();
    for (int i = 1; i <= 100; i++) {
      sketch.accept(i);
    }
    UniqueSketch members = UniqueSketch.create();
    members.update("a");
    members.update("b");
    TimerStats stats =
        new TimerStats(100, 100, 10, 1, 100, 5050, 338_350, 50.5, 50.5, 28.87, List.of(), Map.of());
    return new FlushSnapshot(
        T0,
        10_000,
        false,
        List.of(
            new FlushSnapshot.CounterPoint(MetricKey.of("shop.orders"), 5, 0.5),
            new FlushSnapshot.CounterPoint(
                MetricKey.of("blog.posts", List.of(new Tag("lang", "en"))), 3, 0.3)),
        List.of(new FlushSnapshot.GaugePoint(MetricKey.of("shop.queue_depth"), 7, true, T0)),
        List.of(
            new FlushSnapshot.TimerPoint(MetricKey.of("shop.checkout_duration"), stats, sketch)),
        List.of(new FlushSnapshot.SetPoint(MetricKey.of("blog.visitors"), 2, members)),
        Map.of());
  }

  private static final Pattern LINE = Pattern.compile("^[^:|\\s]+:[^|]+\\|(c|g|ms|s|h|d)(\\|.*)?$");

  /** A test ingestor: accepts lines of the StatsD shape, rejects the rest with their prefix. */
  static LineIngestor.Result ingestLines(byte[] body, int length) {
    long accepted = 0;
    long rejected = 0;
    List<String> errors = new ArrayList<>();
    for (String line : new String(body, 0, length, StandardCharsets.UTF_8).split("\r?\n")) {
      if (line.isEmpty()) {
        continue;
      }
      if (LINE.matcher(line).matches()) {
        accepted++;
      } else {
        rejected++;
        errors.add("invalid line: " + line);
      }
    }
    return new LineIngestor.Result(accepted, rejected, errors);
  }

  HttpResponse<String> get(String path, String user) throws IOException, InterruptedException {
    return get(path, user, Map.of());
  }

  HttpResponse<String> get(String path, String user, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET();
    if (user != null) {
      b.header("Authorization", "Token " + tokens.get(user));
    }
    headers.forEach(b::header);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(String method, String path, String user, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (user != null) {
      b.header("Authorization", "Bearer " + tokens.get(user));
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Sends raw bytes (ISO-8859-1) on a new connection and returns everything the server writes until
   * it closes the connection or 10 s pass without a byte; for requests an HTTP client refuses to
   * send.
   */
  String raw(String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), api.address().getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        s.getInputStream().transferTo(out);
      } catch (SocketException | SocketTimeoutException e) {
        // reset or silent: return what arrived
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @Override
  public void close() {
    api.close();
    scheduler.close();
    queries.close();
    store.close();
    auth.close();
  }
}
