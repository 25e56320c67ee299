package io.hollerith.server.api;

import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.config.HttpConfig;
import io.hollerith.server.ops.Operations;
import io.hollerith.server.query.SeriesService;
import io.hollerith.server.stats.StatName;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.stats.SystemStats;
import io.hollerith.server.storage.SeriesReader;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The HTTP API server: {@code /health}, {@code /api/v1/series}, {@code /api/v1/metrics}, {@code
 * /api/v1/ingest}, {@code /api/v1/whoami}, {@code /api/v1/users}, {@code /api/v1/tenants}, {@code
 * /stats}, {@code /stats/prometheus}, {@code /metrics}, {@code /api/openapi.json}, the operations
 * views under {@code /api/stats/} ({@code tasks}, {@code internal}, {@code celery}, {@code
 * workers}) and the operations routes {@code /api/stats/database/}, {@code
 * /api/stats/table-growth/}, {@code /api/stats/query/}, {@code /debug/goroutines}, {@code
 * /debug/threads}, {@code /debug/pool/bytes}, {@code /_local/files/_list}, {@code
 * /_local/files/{file}/_list} and {@code DELETE /_local/files/{file}}; and the web dashboard at
 * {@code /}.
 *
 * <p>Built on Netty's HTTP codec (see the package documentation for why). Network threads only
 * decode and encode; authentication and handlers, which read the store and the credential store,
 * run on a bounded worker pool, and a request arriving when its queue is full gets 503 instead of
 * queueing without bound. A request body is read only once its head has been authenticated and
 * authorised, into memory reserved from {@code http.max_body_bytes_in_flight}; at most {@code
 * http.max_connections} connections are open at once.
 *
 * <p>Usage: {@code HttpApi.builder(config.http(), authStore, stats).seriesReader(reader,
 * readTimeout)
 * .healthCheck(check).latestValues(prometheusSink).lineIngestor(ingestor).build().start()}.
 *
 * <p>Thread-safe; {@link #start()} and {@link #close()} are meant to be called once each.
 */
public final class HttpApi implements AutoCloseable {

  private final HttpConfig config;
  private final Dispatcher dispatcher;
  private final Router router;
  private final StatsRegistry stats;
  private final ThreadPoolExecutor workers;
  private final HealthProbe health;
  private final StoreReads storeReads;
  private EventLoopGroup group;
  private Channel channel;

  private HttpApi(Builder b) {
    this.config = b.config;
    this.stats = b.stats;
    List<HealthCheck> checks = new ArrayList<>();
    checks.add(
        HealthCheck.of(
            "credentials",
            () ->
                b.auth.isReachable()
                    ? HealthCheck.Status.up("credential store answers")
                    : HealthCheck.Status.down("credential store does not answer")));
    checks.addAll(b.healthChecks);
    this.health = new HealthProbe(checks, config.healthCheckTimeout(), b.stats);
    // Twice the workers: each worker waits for at most one read, the rest are reads abandoned at
    // their deadline.
    this.storeReads =
        b.reader == null
            ? null
            : new StoreReads(b.readTimeout, 2 * config.workerThreads(), b.stats);
    SeriesEndpointReads reads =
        new SeriesEndpointReads(
            b.reader == null ? null : new SeriesService(b.reader),
            storeReads,
            config.maxSeriesBuckets(),
            b.selfSeriesPrefix);
    PrometheusWriter prometheus = new PrometheusWriter(b.stats);
    SystemStats.register(b.stats, b.clock);
    NodeFigures figures =
        new NodeFigures(
            b.stats, prometheus, b.latestValues, b.includeStorageStats ? b.storageStats : null);
    Endpoints endpoints =
        new Endpoints(
            b.auth,
            health,
            reads,
            figures,
            b.ingestor,
            b.flushInterval,
            new OpsRoutes(b.operations, b.clock));
    this.router = new OpsEndpoints(b.auth, b.opsViews).addTo(endpoints.router());
    AuthFailureLimiter limiter =
        new AuthFailureLimiter(
            config.authFailureLimit(),
            config.authFailureWindow(),
            config.authFailureMaxAddresses(),
            b.clock,
            b.stats);
    this.dispatcher =
        new Dispatcher(
            router, new DashboardAssets(), b.auth, limiter, config.anonymousMetricsFrom(), b.stats);
    this.workers =
        new ThreadPoolExecutor(
            config.workerThreads(),
            config.workerThreads(),
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(config.maxQueuedRequests()),
            new DefaultThreadFactory("hollerith-http-worker", true));
    stats.gauge(
        StatName.HTTP_QUEUED_REQUESTS,
        "Requests waiting for an HTTP worker",
        () -> workers.getQueue().size());
    stats.gauge(StatName.HTTP_WORKERS, "HTTP worker threads", workers::getMaximumPoolSize);
    stats.gauge(
        StatName.HTTP_WORKERS_ACTIVE,
        "HTTP worker threads handling a request",
        workers::getActiveCount);
  }

  /**
   * Starts a builder.
   *
   * @param config the {@code http} section
   * @param auth the credential store (tokens, tenants, namespaces)
   * @param stats the internal stats registry; the server counts requests and failures in it
   */
  public static Builder builder(HttpConfig config, AuthStore auth, StatsRegistry stats) {
    return new Builder(config, auth, stats);
  }

  /** Collects the optional collaborators; every one may be left out (its routes answer 503). */
  public static final class Builder {
    private final HttpConfig config;
    private final AuthStore auth;
    private final StatsRegistry stats;
    private SeriesReader reader;
    private Duration readTimeout;
    private final List<HealthCheck> healthChecks = new ArrayList<>();
    private LatestValues latestValues;
    private LineIngestor ingestor;
    private Supplier<? extends Map<String, ? extends Number>> storageStats;
    private boolean includeStorageStats = true;
    private Duration flushInterval = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();
    private Operations operations;
    private OpsViews opsViews = OpsViews.NONE;
    private String selfSeriesPrefix;

    private Builder(HttpConfig config, AuthStore auth, StatsRegistry stats) {
      this.config = Objects.requireNonNull(config, "config");
      this.auth = Objects.requireNonNull(auth, "auth");
      this.stats = Objects.requireNonNull(stats, "stats");
    }

    /**
     * The store's read side, for {@code /api/v1/series} and {@code /api/v1/metrics}.
     *
     * @param readTimeout a read without an answer after this long gets 503 ({@code
     *     storage.read_timeout})
     */
    public Builder seriesReader(SeriesReader reader, Duration readTimeout) {
      this.reader = reader;
      this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
      return this;
    }

    /** Adds a component to {@code /health} (listeners, storage); call once per component. */
    public Builder healthCheck(HealthCheck check) {
      healthChecks.add(Objects.requireNonNull(check));
      return this;
    }

    /** The live StatsD values for Prometheus, normally the {@link PrometheusSink}. */
    public Builder latestValues(LatestValues latestValues) {
      this.latestValues = latestValues;
      return this;
    }

    /** What {@code POST /api/v1/ingest} feeds. */
    public Builder lineIngestor(LineIngestor ingestor) {
      this.ingestor = ingestor;
      return this;
    }

    /**
     * Storage sizes for {@code /stats} ({@code storage} section) and Prometheus ({@code
     * hollerith_system_storage_<key>}), e.g. {@code bytes}, {@code series}.
     *
     * @param include the {@code stats.include_storage_stats_in_api} setting
     */
    public Builder storageStats(
        Supplier<? extends Map<String, ? extends Number>> supplier, boolean include) {
      this.storageStats = supplier;
      this.includeStorageStats = include;
      return this;
    }

    /** The aggregation flush interval, reported by {@code /api/v1/whoami} (default 10 s). */
    public Builder flushInterval(Duration flushInterval) {
      this.flushInterval = Objects.requireNonNull(flushInterval);
      return this;
    }

    /**
     * What the node-wide operations routes ({@code /api/stats/*}, {@code /debug/*}, {@code
     * /_local/files/*}) work on.
     */
    public Builder operations(Operations operations) {
      this.operations = operations;
      return this;
    }

    /**
     * What the operations views ({@code /api/stats/tasks/}, {@code internal}, {@code celery},
     * {@code workers}) read.
     */
    public Builder opsViews(OpsViews opsViews) {
      this.opsViews = Objects.requireNonNull(opsViews, "opsViews");
      return this;
    }

    /**
     * The prefix of the node's own series: callers with {@code OPS:READ} see them, others only when
     * their tenant owns a namespace covering them.
     */
    public Builder selfSeriesPrefix(String prefix) {
      this.selfSeriesPrefix = prefix;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    public HttpApi build() {
      return new HttpApi(this);
    }
  }

  /**
   * Binds {@code http.address:http.port} and starts serving.
   *
   * @return this
   * @throws IllegalStateException when the address cannot be bound or the TLS files cannot be
   *     loaded (the message names the address or the setting)
   */
  public synchronized HttpApi start() {
    SslContext tls = TlsContexts.build(config.tls());
    boolean epoll = Epoll.isAvailable();
    group =
        epoll
            ? new EpollEventLoopGroup(2, new DefaultThreadFactory("hollerith-http-io", true))
            : new NioEventLoopGroup(2, new DefaultThreadFactory("hollerith-http-io", true));
    StatsRegistry.Counter[] byClass = new StatsRegistry.Counter[5];
    for (int i = 0; i < byClass.length; i++) {
      byClass[i] =
          stats.counter(
              "http",
              "responses_" + (i + 1) + "xx",
              "HTTP responses with a " + (i + 1) + "xx status");
    }
    ApiChannelHandler.Counters counters =
        new ApiChannelHandler.Counters(
            stats.counter(StatName.HTTP_REQUESTS, "HTTP requests answered"),
            stats.counter(
                "http",
                "rejected_busy",
                "HTTP requests refused with 503 because every worker was busy"),
            stats.counter(
                "http",
                "rejected_body_memory",
                "HTTP requests refused with 503 because their body would exceed http.max_body_bytes_in_flight"),
            byClass);
    BodyMemoryBudget budget = new BodyMemoryBudget(config.maxBodyBytesInFlight());
    stats.gauge(
        "http",
        "body_bytes_in_flight",
        "Memory reserved by request bodies being received or handled, bytes",
        budget::reserved);
    ConnectionLimit connectionLimit = new ConnectionLimit(config.maxConnections(), stats);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 256)
            // Connections read only when the handler asks (see ApiChannelHandler), one buffer of at
            // most 16 KiB at a time, so a request's unread body stays in the kernel, not in the
            // heap.
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(
                ChannelOption.RCVBUF_ALLOCATOR,
                new AdaptiveRecvByteBufAllocator(64, 2048, 16 * 1024).maxMessagesPerRead(1))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    RequestTimeout timeout = new RequestTimeout(config.requestTimeout());
                    ch.pipeline().addLast("limit", connectionLimit);
                    if (tls != null) {
                      ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                    }
                    ch.pipeline()
                        .addLast(
                            "idle",
                            new IdleStateHandler(
                                0, 0, config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                        .addLast("arm", timeout.armer())
                        .addLast("codec", new HttpServerCodec(4096, 8192, 8192))
                        .addLast("disarm", timeout.disarmer())
                        .addLast("pull", new FlowControlHandler())
                        .addLast(
                            "compress",
                            new HttpContentCompressor(
                                1024,
                                StandardCompressionOptions.gzip(),
                                StandardCompressionOptions.deflate()))
                        .addLast("keepalive", new HttpServerKeepAliveHandler())
                        .addLast("chunks", new ChunkedWriteHandler())
                        .addLast(
                            "api",
                            new ApiChannelHandler(
                                dispatcher, workers, budget, config.maxRequestBytes(), counters));
                  }
                });
    try {
      channel = bootstrap.bind(config.address(), config.port()).sync().channel();
    } catch (Exception e) {
      var unused = group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException(
          "cannot bind HTTP API to "
              + config.address()
              + ":"
              + config.port()
              + ": "
              + e.getMessage(),
          e);
    }
    return this;
  }

  /** The bound address (the real port when configured with 0). */
  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** Every route as {@code METHOD path}, in registration order. */
  List<Route> routes() {
    return router.routes();
  }

  /** Stops accepting, lets running handlers finish (up to 5 s), and releases the threads. */
  @Override
  public synchronized void close() {
    if (channel != null) {
      channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    workers.shutdown();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    health.close();
    if (storeReads != null) {
      storeReads.close();
    }
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }
}
