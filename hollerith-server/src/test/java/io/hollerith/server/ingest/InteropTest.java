package io.hollerith.server.ingest;

import static io.hollerith.server.ingest.TestSupport.UNIX_OFF;
import static io.hollerith.server.ingest.TestSupport.listeners;
import static io.hollerith.server.ingest.TestSupport.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.timgroup.statsd.NonBlockingStatsDClientBuilder;
import com.timgroup.statsd.StatsDClient;
import io.hollerith.server.aggregate.Aggregator;
import io.hollerith.server.aggregate.AggregatorWriter;
import io.hollerith.server.aggregate.LiveView;
import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.ListenersConfig;
import io.hollerith.server.config.ProtocolConfig;
import io.hollerith.server.config.StatsConfig;
import io.hollerith.server.protocol.LineParser;
import io.hollerith.server.stats.StatsRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.statsd.StatsdConfig;
import io.micrometer.statsd.StatsdFlavor;
import io.micrometer.statsd.StatsdMeterRegistry;
import io.micrometer.statsd.StatsdProtocol;
import io.netty.channel.epoll.Epoll;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real StatsD clients from Maven Central send to the real server (listeners, parser, aggregator);
 * every name, tag and value must arrive in the aggregator's live view as the client sent it.
 *
 * <p>The lines each client writes are its documented formats: Micrometer's {@code etsy} flavor puts
 * tags into the dotted name ({@code name.key.value}, camel-cased name), {@code datadog} sends
 * {@code name:v|c|#k:v}, {@code telegraf} sends {@code name,k=v:v|c} (snake-cased name); Micrometer
 * adds a {@code statistic} tag to counters and gauges. Live-view keys are the aggregator's {@code
 * name#k:v,…} with tags sorted.
 */
class InteropTest {

  @TempDir Path dataDir;

  private final StatsRegistry stats = new StatsRegistry();
  private final ProtocolConfig protocol = new ProtocolConfig(null, null, null, null);
  private Aggregator aggregator;
  private IngestServer server;
  private IngestServer.Bound bound;

  @BeforeEach
  void start() {
    aggregator =
        new Aggregator(
            AggregationConfig.defaults(), StatsConfig.defaults(), stats, Clock.systemUTC());
    // As production wires it: one parser and one aggregator writer per listener thread.
    PacketHandlerFactory factory =
        listener -> {
          LineParser parser = new LineParser(protocol, stats);
          AggregatorWriter writer = aggregator.newWriter();
          return packet -> parser.parse(packet, writer);
        };
    ListenersConfig.UnixSocket unixDatagram =
        Epoll.isAvailable()
            ? new ListenersConfig.UnixSocket(true, "dsd.socket", null, null)
            : UNIX_OFF;
    ListenersConfig config =
        listeners(
            new ListenersConfig.Udp(true, "127.0.0.1", 0, null, 2, null),
            new ListenersConfig.Tcp(true, "127.0.0.1", 0, null, null, null, null),
            UNIX_OFF,
            unixDatagram,
            "auto");
    server = new IngestServer(config, protocol, dataDir, stats, factory);
    bound = server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static StatsdMeterRegistry micrometer(
      StatsdFlavor flavor, StatsdProtocol transport, String host, int port) {
    StatsdConfig config =
        new StatsdConfig() {
          @Override
          public String get(String key) {
            return null;
          }

          @Override
          public StatsdFlavor flavor() {
            return flavor;
          }

          @Override
          public StatsdProtocol protocol() {
            return transport;
          }

          @Override
          public String host() {
            return host;
          }

          @Override
          public int port() {
            return port;
          }

          @Override
          public Duration pollingFrequency() {
            return Duration.ofMillis(50);
          }
        };
    return new StatsdMeterRegistry(config, io.micrometer.core.instrument.Clock.SYSTEM);
  }

  /** What one Micrometer flavor's meters must become in the live view. */
  private record Expected(String counter, String gauge, String timer, String summary) {}

  private static Expected expected(StatsdFlavor flavor) {
    return switch (flavor) {
      case ETSY ->
          new Expected(
              "interopRequests.method.GET.route.api.statistic.count",
              "interopQueue.statistic.value.tier.gold",
              "interopLatency.op.read",
              "interopSize.kind.x");
      case DATADOG ->
          new Expected(
              "interop.requests#method:GET,route:api,statistic:count",
              "interop.queue#statistic:value,tier:gold",
              "interop.latency#op:read",
              "interop.size#kind:x");
      case TELEGRAF ->
          new Expected(
              "interop_requests#method:GET,route:api,statistic:count",
              "interop_queue#statistic:value,tier:gold",
              "interop_latency#op:read",
              "interop_size#kind:x");
      default -> throw new IllegalArgumentException(flavor.toString());
    };
  }

  /**
   * Records one meter of each kind and checks the live view. The client connects asynchronously and
   * loses what it sends before that, so the polled gauge is awaited first.
   */
  private void sendAndCheck(StatsdMeterRegistry registry, Expected expected) throws Exception {
    LiveView view = aggregator.liveView();
    try {
      AtomicInteger queue =
          registry.gauge("interop.queue", Tags.of("tier", "gold"), new AtomicInteger(7));
      assertThat(queue).isNotNull();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(view.gauges()).containsKey(expected.gauge()));
      registry.counter("interop.requests", "route", "api", "method", "GET").increment(3);
      registry.timer("interop.latency", "op", "read").record(Duration.ofMillis(42));
      registry.summary("interop.size", "kind", "x").record(1234.5);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(view.counters()).containsKey(expected.counter());
                assertThat(view.timers()).containsKeys(expected.timer(), expected.summary());
              });
    } finally {
      registry.close();
    }
    assertThat(interop(view.counters())).isEqualTo(Map.of(expected.counter(), 3.0));
    assertThat(interop(view.gauges())).isEqualTo(Map.of(expected.gauge(), 7.0));
    assertThat(interop(view.timers()))
        .isEqualTo(Map.of(expected.timer(), List.of(42.0), expected.summary(), List.of(1234.5)));
    assertThat(value(stats, "messages", "bad_lines_seen")).isZero();
  }

  /** The series the test sent (the aggregator may hold Etsy's own statsd.* counters too). */
  private static <V> Map<String, V> interop(Map<String, V> live) {
    Map<String, V> out = new TreeMap<>();
    live.forEach(
        (k, v) -> {
          if (k.toLowerCase(Locale.ROOT).startsWith("interop") || k.startsWith("dd.")) {
            out.put(k, v);
          }
        });
    return out;
  }

  @ParameterizedTest
  @EnumSource(
      value = StatsdFlavor.class,
      names = {"ETSY", "DATADOG", "TELEGRAF"})
  void micrometerOverUdp(StatsdFlavor flavor) throws Exception {
    sendAndCheck(
        micrometer(flavor, StatsdProtocol.UDP, "127.0.0.1", bound.udp().getPort()),
        expected(flavor));
    assertThat(value(stats, "udp", "packets_received")).isPositive();
  }

  @ParameterizedTest
  @EnumSource(
      value = StatsdFlavor.class,
      names = {"ETSY", "DATADOG", "TELEGRAF"})
  void micrometerOverTcp(StatsdFlavor flavor) throws Exception {
    sendAndCheck(
        micrometer(flavor, StatsdProtocol.TCP, "127.0.0.1", bound.tcp().getPort()),
        expected(flavor));
    assertThat(value(stats, "tcp", "lines_received")).isPositive();
    assertThat(value(stats, "tcp", "dropped_partial_line")).isZero();
  }

  @Test
  void micrometerDatadogOverUnixDatagram() throws Exception {
    assumeTrue(bound.unixDatagram() != null, "Unix sockets need epoll");
    sendAndCheck(
        micrometer(
            StatsdFlavor.DATADOG, StatsdProtocol.UDS_DATAGRAM, bound.unixDatagram().toString(), 0),
        expected(StatsdFlavor.DATADOG));
    assertThat(value(stats, "unix_datagram", "packets_received")).isPositive();
  }

  private void dogStatsD(StatsDClient client) throws Exception {
    LiveView view = aggregator.liveView();
    try {
      client.count("hits", 2, "route:x");
      client.count("flags", 1, "canary");
      client.gauge("temp", 21.5, "room:a");
      client.histogram("size", 3.25);
      client.distribution("dist", 7);
      client.time("lat", 12L, "op:w");
      client.recordSetValue("users", "alice");
      client.recordSetValue("users", "bob");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(view.sets()).containsKey("dd.users#env:test");
                assertThat(view.sets().get("dd.users#env:test")).hasSize(2);
                assertThat(interop(view.timers())).hasSize(3);
                assertThat(interop(view.counters())).hasSize(2);
                assertThat(interop(view.gauges())).hasSize(1);
              });
    } finally {
      client.stop();
    }
    assertThat(interop(view.counters()))
        .isEqualTo(Map.of("dd.hits#env:test,route:x", 2.0, "dd.flags#canary,env:test", 1.0));
    assertThat(interop(view.gauges())).isEqualTo(Map.of("dd.temp#env:test,room:a", 21.5));
    assertThat(interop(view.timers()))
        .isEqualTo(
            Map.of(
                "dd.size#env:test",
                List.of(3.25),
                "dd.dist#env:test",
                List.of(7.0),
                "dd.lat#env:test,op:w",
                List.of(12.0)));
    assertThat(interop(view.sets())).isEqualTo(Map.of("dd.users#env:test", Set.of("alice", "bob")));
    assertThat(value(stats, "messages", "bad_lines_seen")).isZero();
  }

  private static NonBlockingStatsDClientBuilder dogStatsDBuilder() {
    // Client-side aggregation off, so every sample is sent as recorded; no container lookups or
    // telemetry.
    return new NonBlockingStatsDClientBuilder()
        .prefix("dd")
        .constantTags("env:test")
        .enableAggregation(false)
        .originDetectionEnabled(false)
        .enableTelemetry(false);
  }

  @Test
  void javaDogStatsDClientOverUdp() throws Exception {
    dogStatsD(dogStatsDBuilder().hostname("127.0.0.1").port(bound.udp().getPort()).build());
    assertThat(value(stats, "udp", "packets_received")).isPositive();
  }

  @Test
  void javaDogStatsDClientOverUnixDatagram() throws Exception {
    assumeTrue(bound.unixDatagram() != null, "Unix sockets need epoll");
    dogStatsD(dogStatsDBuilder().address("unix://" + bound.unixDatagram()).build());
    assertThat(value(stats, "unix_datagram", "packets_received")).isPositive();
  }
}
