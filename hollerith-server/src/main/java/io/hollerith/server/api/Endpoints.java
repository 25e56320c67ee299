package io.hollerith.server.api;

import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.auth.Permission;
import io.hollerith.server.auth.Principal;
import io.hollerith.server.auth.Tenant;
import io.hollerith.server.query.SeriesRequest;
import io.hollerith.server.query.SeriesService;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.stats.SystemStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The handlers behind every route, and the route table ({@link #router()}), where each route
 * declares its permission. Thread-safe if its collaborators are.
 */
final class Endpoints {

  static final String OPENAPI_RESOURCE = "/io/hollerith/server/api/openapi.json";

  private final AuthStore auth;
  private final StatsRegistry stats;
  private final SeriesService series;
  private final HealthProbe health;
  private final StoreReads storeReads;
  private final LatestValues latestValues;
  private final LineIngestor ingestor;
  private final Supplier<? extends Map<String, ? extends Number>> storageStats;
  private final boolean includeStorageStats;
  private final long maxBuckets;
  private final Duration flushInterval;
  private final PrometheusWriter prometheus;
  private final byte[] openApi;
  private final String selfSeriesPrefix;
  private final OpsRoutes opsRoutes;

  Endpoints(AuthStore auth, StatsRegistry stats, SeriesService series, HealthProbe health, StoreReads storeReads,
      LatestValues latestValues, LineIngestor ingestor, Supplier<? extends Map<String, ? extends Number>> storageStats,
      boolean includeStorageStats, long maxBuckets, Duration flushInterval, Clock clock, String selfSeriesPrefix,
      OpsRoutes opsRoutes) {
    this.auth = auth;
    this.stats = stats;
    this.series = series;
    this.health = health;
    this.storeReads = storeReads;
    this.latestValues = latestValues;
    this.ingestor = ingestor;
    this.storageStats = storageStats;
    this.includeStorageStats = includeStorageStats;
    this.maxBuckets = maxBuckets;
    this.flushInterval = flushInterval;
    this.prometheus = new PrometheusWriter(stats);
    SystemStats.register(stats, clock);
    this.openApi = loadOpenApi();
    this.selfSeriesPrefix = selfSeriesPrefix;
    this.opsRoutes = opsRoutes;
  }

  /** Every route of the API. The OpenAPI document must describe exactly these (a test checks). */
  Router router() {
    Router router = new Router()
        .add(Route.publicRoute("GET", "/health", this::health))
        .add(Route.authenticated("GET", "/api/openapi.json", this::openApi))
        .add(Route.authenticated("GET", "/api/v1/whoami", this::whoami))
        .add(Route.requires(Permission.STAT_READ, "GET", "/api/v1/series", this::series))
        .add(Route.requires(Permission.STAT_READ, "GET", "/api/v1/metrics", this::metrics))
        .add(Route.requires(Permission.STAT_WRITE, "POST", "/api/v1/ingest", this::ingest))
        .add(Route.requires(Permission.USER_ADMIN, "GET", "/api/v1/users", this::users))
        .add(Route.requires(Permission.USER_ADMIN, "GET", "/api/v1/tenants", this::tenants))
        .add(Route.requires(Permission.OPS_READ, "GET", "/stats", this::stats))
        .add(Route.requires(Permission.OPS_READ, "GET", "/stats/prometheus", this::prometheus).allowingAnonymousScrape())
        .add(Route.requires(Permission.OPS_READ, "GET", "/metrics", this::prometheus).allowingAnonymousScrape());
    return opsRoutes.register(router);
  }

  private ApiResponse health(ApiRequest r) {
    Map<String, Object> checks = new LinkedHashMap<>();
    boolean allUp = true;
    for (Map.Entry<String, HealthCheck.Status> e : health.run().entrySet()) {
      checks.put(e.getKey(), statusJson(e.getValue()));
      allUp &= e.getValue().up();
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", allUp ? "up" : "down");
    body.put("checks", checks);
    return ApiResponse.json(allUp ? 200 : 503, body);
  }

  private static Map<String, Object> statusJson(HealthCheck.Status s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("up", s.up());
    m.put("detail", s.detail());
    return m;
  }

  private ApiResponse openApi(ApiRequest r) {
    return new ApiResponse(200, ApiResponse.JSON, openApi, Map.of());
  }

  private ApiResponse whoami(ApiRequest r) {
    Principal p = r.principal();
    String tenant = auth.listTenants().stream().filter(t -> t.id() == p.tenantId()).map(Tenant::name).findFirst().orElse(null);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("user", p.userName());
    body.put("role", p.role().label());
    body.put("tenant", tenant);
    body.put("permissions", p.role().permissions().stream().map(Permission::label).sorted().toList());
    body.put("flushIntervalMillis", flushInterval.toMillis());
    body.put("selfSeriesPrefix", selfSeriesPrefix);
    return ApiResponse.json(200, body);
  }

  private ApiResponse users(ApiRequest r) {
    List<Map<String, Object>> users = auth.listUsers().stream().map(u -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", u.name());
      m.put("role", u.role().label());
      m.put("tenant", u.tenant());
      m.put("activeTokens", u.activeTokens());
      m.put("created", java.time.Instant.ofEpochMilli(u.createdMillis()).toString());
      return m;
    }).toList();
    return ApiResponse.json(200, Map.of("users", users));
  }

  private ApiResponse tenants(ApiRequest r) {
    List<Tenant> all = auth.listTenants();
    Map<Long, String> names = new java.util.HashMap<>();
    all.forEach(t -> names.put(t.id(), t.name()));
    List<Map<String, Object>> tenants = all.stream().map(t -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", t.name());
      m.put("parent", t.parentId() == null ? null : names.get(t.parentId()));
      return m;
    }).toList();
    List<Map<String, Object>> namespaces = auth.listNamespaces().stream().map(n -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("prefix", n.prefix());
      m.put("tenant", n.tenant());
      return m;
    }).toList();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("tenants", tenants);
    body.put("namespaces", namespaces);
    return ApiResponse.json(200, body);
  }

  private ApiResponse series(ApiRequest r) {
    requireStore();
    SeriesRequest request = SeriesRequest.parse(r.params(), r.header("Accept"), maxBuckets,
        series.finestPrecisionMillis());
    Map<String, Object> doc = readingStore(() -> series.series(request, visibility(r)));
    return new ApiResponse(200, request.timestamps().contentType(), Json.bytes(doc), Map.of("Vary", "Accept"));
  }

  private ApiResponse metrics(ApiRequest r) {
    requireStore();
    return ApiResponse.json(200,
        readingStore(() -> series.metrics(r.params(), visibility(r), r.access().visiblePrefixes())));
  }

  /**
   * Which series names the caller may read: its tenants' namespaces; the node's own series (under
   * the self-series prefix) only with {@code OPS:READ} in the root tenant, or when a namespace the
   * caller reaches explicitly covers them.
   */
  private java.util.function.Predicate<String> visibility(ApiRequest r) {
    if (selfSeriesPrefix == null) {
      return r.access()::canSee;
    }
    boolean operator = r.principal().has(Permission.OPS_READ);
    return name -> !name.startsWith(selfSeriesPrefix) ? r.access().canSee(name)
        : operator && r.access().seesEverything() || r.access().canSeeAssigned(name);
  }

  /** Runs a store read within {@code storage.read_timeout}; see {@link StoreReads}. */
  private <T> T readingStore(Supplier<T> read) {
    return storeReads.read(read);
  }

  private void requireStore() {
    if (series == null) {
      throw new ApiException(503, "Storage is not available on this server");
    }
  }

  private ApiResponse ingest(ApiRequest r) {
    if (ingestor == null) {
      throw new ApiException(503, "HTTP ingest is not available on this server");
    }
    LineIngestor.Result result = ingestor.ingest(r.body(), r.body().length);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("accepted", result.accepted());
    body.put("rejected", result.rejected());
    body.put("errors", result.firstErrors());
    return ApiResponse.json(200, body);
  }

  private ApiResponse stats(ApiRequest r) {
    List<String> format = r.params().get("format");
    if (format != null && !format.isEmpty()) {
      if (format.get(0).equals("prometheus")) {
        return prometheus(r);
      }
      if (!format.get(0).equals("json")) {
        throw new ApiException(400, "Invalid format! Must be 'json' or 'prometheus'");
      }
    }
    Map<String, Object> all = new LinkedHashMap<>();
    stats.snapshot(r.access().seesEverything()).forEach(all::put);
    Map<String, ? extends Number> sizes = storageSizes();
    if (sizes != null) {
      // The sizes join the store writer's own figures (backlog, drops, failures) in one category.
      Map<String, Object> storage = new LinkedHashMap<>();
      if (all.get("storage") instanceof Map<?, ?> writerFigures) {
        writerFigures.forEach((name, value) -> storage.put(String.valueOf(name), value));
      }
      storage.putAll(sizes);
      all.put("storage", storage);
    }
    return ApiResponse.json(200, Map.of("hollerith", all));
  }

  /**
   * The storage sizes when configured, read within {@code storage.read_timeout}; null when not
   * configured or when the store does not answer (the node's own statistics are still served).
   */
  private Map<String, ? extends Number> storageSizes() {
    if (!includeStorageStats || storageStats == null) {
      return null;
    }
    try {
      return storeReads != null ? storeReads.read(storageStats) : storageStats.get();
    } catch (ApiException e) {
      return null;
    }
  }

  private ApiResponse prometheus(ApiRequest r) {
    boolean openMetrics = wantsOpenMetrics(r.header("Accept"));
    Map<String, Map.Entry<Double, String>> system = new LinkedHashMap<>();
    Map<String, ? extends Number> storage = storageSizes();
    if (storage != null) {
      storage.forEach((k, v) -> system.put("storage_" + k, new AbstractMap.SimpleImmutableEntry<>(v.doubleValue(), "Storage " + k.replace('_', ' '))));
    }
    String text = prometheus.render(stats, system, latestValues == null ? null : latestValues.latest(),
        r.access()::canSee, r.access().seesEverything(), openMetrics);
    return ApiResponse.text(200, openMetrics ? PrometheusWriter.OPENMETRICS_CONTENT_TYPE : PrometheusWriter.TEXT_CONTENT_TYPE, text)
        .withHeader("Vary", "Accept");
  }

  /** OpenMetrics when the Accept header lists it with a q-value above 0; false for any malformed header. */
  static boolean wantsOpenMetrics(String accept) {
    if (accept == null) {
      return false;
    }
    for (String range : accept.split(",")) {
      String[] parts = range.split(";", -1);
      if (parts[0].trim().toLowerCase(Locale.ROOT).equals("application/openmetrics-text")) {
        double q = 1;
        for (int i = 1; i < parts.length; i++) {
          String p = parts[i].trim();
          if (p.startsWith("q=")) {
            try {
              q = Double.parseDouble(p.substring(2));
            } catch (NumberFormatException e) {
              q = 0;
            }
          }
        }
        if (q > 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static byte[] loadOpenApi() {
    try (InputStream in = Endpoints.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
