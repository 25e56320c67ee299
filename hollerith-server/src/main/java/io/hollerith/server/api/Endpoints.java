package io.hollerith.server.api;

import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.auth.Permission;
import io.hollerith.server.auth.Principal;
import io.hollerith.server.auth.Tenant;
import io.hollerith.server.query.SeriesRequest;
import io.hollerith.server.query.SeriesService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The handlers behind every route, and the route table ({@link #router()}), where each route
 * declares its permission. Thread-safe if its collaborators are.
 */
final class Endpoints {

  static final String OPENAPI_RESOURCE = "/io/hollerith/server/api/openapi.json";

  private final AuthStore auth;
  private final HealthProbe health;
  private final SeriesEndpointReads reads;
  private final NodeFigures figures;
  private final LineIngestor ingestor;
  private final Duration flushInterval;
  private final OpsRoutes opsRoutes;
  private final byte[] openApi;

  /**
   * @param ingestor what {@code POST /api/v1/ingest} feeds, or null (503)
   * @param flushInterval the aggregation flush interval, reported by {@code /api/v1/whoami}
   */
  Endpoints(
      AuthStore auth,
      HealthProbe health,
      SeriesEndpointReads reads,
      NodeFigures figures,
      LineIngestor ingestor,
      Duration flushInterval,
      OpsRoutes opsRoutes) {
    this.auth = auth;
    this.health = health;
    this.reads = reads;
    this.figures = figures;
    this.ingestor = ingestor;
    this.flushInterval = flushInterval;
    this.opsRoutes = opsRoutes;
    this.openApi = loadOpenApi();
  }

  /** Every route of the API. The OpenAPI document must describe exactly these (a test checks). */
  Router router() {
    Router router =
        new Router()
            .add(Route.publicRoute("GET", "/health", this::health))
            .add(Route.authenticated("GET", "/api/openapi.json", this::openApi))
            .add(Route.authenticated("GET", "/api/v1/whoami", this::whoami))
            .add(Route.requires(Permission.STAT_READ, "GET", "/api/v1/series", this::series))
            .add(Route.requires(Permission.STAT_READ, "GET", "/api/v1/metrics", this::metrics))
            .add(Route.requires(Permission.STAT_WRITE, "POST", "/api/v1/ingest", this::ingest))
            .add(Route.requires(Permission.USER_ADMIN, "GET", "/api/v1/users", this::users))
            .add(Route.requires(Permission.USER_ADMIN, "GET", "/api/v1/tenants", this::tenants))
            .add(Route.requires(Permission.OPS_READ, "GET", "/stats", this::stats))
            .add(
                Route.requires(Permission.OPS_READ, "GET", "/stats/prometheus", this::prometheus)
                    .allowingAnonymousScrape())
            .add(
                Route.requires(Permission.OPS_READ, "GET", "/metrics", this::prometheus)
                    .allowingAnonymousScrape());
    return opsRoutes.register(router);
  }

  private ApiResponse health(ApiRequest r) {
    Map<String, HealthCheck.Status> checks = health.run();
    boolean allUp = checks.values().stream().allMatch(HealthCheck.Status::up);
    return ApiResponse.json(
        allUp ? 200 : 503, new ResponseBodies.Health(allUp ? "up" : "down", checks));
  }

  private ApiResponse openApi(ApiRequest r) {
    return new ApiResponse(200, ApiResponse.JSON, openApi, Map.of());
  }

  private ApiResponse whoami(ApiRequest r) {
    Principal p = r.principal();
    String tenant =
        auth.listTenants().stream()
            .filter(t -> t.id() == p.tenantId())
            .map(Tenant::name)
            .findFirst()
            .orElse(null);
    return ApiResponse.json(
        200,
        new ResponseBodies.Whoami(
            p.userName(),
            p.role().label(),
            tenant,
            p.role().permissions().stream().map(Permission::label).sorted().toList(),
            flushInterval.toMillis(),
            reads.selfSeriesPrefix()));
  }

  private ApiResponse users(ApiRequest r) {
    List<ResponseBodies.UserEntry> users =
        auth.listUsers().stream()
            .map(
                u ->
                    new ResponseBodies.UserEntry(
                        u.name(),
                        u.role().label(),
                        u.tenant(),
                        u.activeTokens(),
                        Instant.ofEpochMilli(u.createdMillis()).toString()))
            .toList();
    return ApiResponse.json(200, new ResponseBodies.Users(users));
  }

  private ApiResponse tenants(ApiRequest r) {
    List<Tenant> all = auth.listTenants();
    Map<Long, String> names = new HashMap<>();
    all.forEach(t -> names.put(t.id(), t.name()));
    List<ResponseBodies.TenantEntry> tenants =
        all.stream()
            .map(
                t ->
                    new ResponseBodies.TenantEntry(
                        t.name(), t.parentId() == null ? null : names.get(t.parentId())))
            .toList();
    return ApiResponse.json(200, new ResponseBodies.Tenants(tenants, auth.listNamespaces()));
  }

  private ApiResponse series(ApiRequest r) {
    requireStore();
    SeriesService series = reads.series();
    SeriesRequest request =
        SeriesRequest.parse(
            r.params(), r.header("Accept"), reads.maxBuckets(), series.finestPrecisionMillis());
    Map<String, Object> doc = readingStore(() -> series.series(request, visibility(r)));
    return new ApiResponse(
        200, request.timestamps().contentType(), Json.bytes(doc), Map.of("Vary", "Accept"));
  }

  private ApiResponse metrics(ApiRequest r) {
    requireStore();
    return ApiResponse.json(
        200,
        readingStore(
            () -> reads.series().metrics(r.params(), visibility(r), r.access().visiblePrefixes())));
  }

  /**
   * Which series names the caller may read: its tenants' namespaces; the node's own series (under
   * the self-series prefix) only with {@code OPS:READ} in the root tenant, or when a namespace the
   * caller reaches explicitly covers them.
   */
  private Predicate<String> visibility(ApiRequest r) {
    String selfSeriesPrefix = reads.selfSeriesPrefix();
    if (selfSeriesPrefix == null) {
      return r.access()::canSee;
    }
    boolean operator = r.principal().has(Permission.OPS_READ);
    return name ->
        !name.startsWith(selfSeriesPrefix)
            ? r.access().canSee(name)
            : (operator && r.access().seesEverything()) || r.access().canSeeAssigned(name);
  }

  /** Runs a store read within {@code storage.read_timeout}; see {@link StoreReads}. */
  private <T> T readingStore(Supplier<T> read) {
    return reads.storeReads().read(read);
  }

  private void requireStore() {
    if (reads.series() == null) {
      throw new ApiException(503, "Storage is not available on this server");
    }
  }

  private ApiResponse ingest(ApiRequest r) {
    if (ingestor == null) {
      throw new ApiException(503, "HTTP ingest is not available on this server");
    }
    LineIngestor.Result result = ingestor.ingest(r.body(), r.body().length);
    return ApiResponse.json(
        200,
        new ResponseBodies.Ingested(result.accepted(), result.rejected(), result.firstErrors()));
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
    figures.stats().snapshot(r.access().seesEverything()).forEach(all::put);
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
    Supplier<? extends Map<String, ? extends Number>> storageSizes = figures.storageSizes();
    if (storageSizes == null) {
      return null;
    }
    try {
      return reads.storeReads() != null
          ? reads.storeReads().read(storageSizes)
          : storageSizes.get();
    } catch (ApiException e) {
      return null;
    }
  }

  private ApiResponse prometheus(ApiRequest r) {
    boolean openMetrics = wantsOpenMetrics(r.header("Accept"));
    Map<String, Map.Entry<Double, String>> system = new LinkedHashMap<>();
    Map<String, ? extends Number> storage = storageSizes();
    if (storage != null) {
      storage.forEach(
          (k, v) ->
              system.put(
                  "storage_" + k,
                  new AbstractMap.SimpleImmutableEntry<>(
                      v.doubleValue(), "Storage " + k.replace('_', ' '))));
    }
    LatestValues latestValues = figures.latestValues();
    TextBody body =
        figures
            .prometheus()
            .open(
                figures.stats(),
                system,
                latestValues == null ? null : latestValues.latest(),
                r.access()::canSee,
                r.access().seesEverything(),
                openMetrics);
    return ApiResponse.streamed(
            200,
            openMetrics
                ? PrometheusWriter.OPENMETRICS_CONTENT_TYPE
                : PrometheusWriter.TEXT_CONTENT_TYPE,
            body)
        .withHeader("Vary", "Accept");
  }

  /**
   * OpenMetrics when the Accept header lists it with a q-value above 0; false for any malformed
   * header.
   */
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
