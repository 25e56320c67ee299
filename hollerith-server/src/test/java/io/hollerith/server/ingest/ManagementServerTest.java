package io.hollerith.server.ingest;

import static io.hollerith.server.ingest.TestSupport.ask;
import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.aggregate.LiveView;
import io.hollerith.server.config.ListenersConfig;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.testing.StepClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Etsy's management interface over a real TCP socket, with a small real {@link LiveView}. */
class ManagementServerTest {

  /** A thread-safe in-memory live view that keeps arrival order, as Etsy's JS objects do. */
  static final class MemoryLiveView implements LiveView {
    final Map<String, Double> counters = new LinkedHashMap<>();
    final Map<String, List<Double>> timers = new LinkedHashMap<>();
    final Map<String, Double> gauges = new LinkedHashMap<>();
    final Map<String, Set<String>> sets = new LinkedHashMap<>();

    final Map<String, Double> etsyCounters = new LinkedHashMap<>();

    @Override
    public synchronized Map<String, Double> etsyCounters() {
      return new LinkedHashMap<>(etsyCounters);
    }

    @Override
    public synchronized Map<String, Double> counters() {
      return new LinkedHashMap<>(counters);
    }

    @Override
    public synchronized Map<String, List<Double>> timers() {
      Map<String, List<Double>> copy = new LinkedHashMap<>();
      timers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      return copy;
    }

    @Override
    public synchronized Map<String, Double> gauges() {
      return new LinkedHashMap<>(gauges);
    }

    @Override
    public synchronized Map<String, Set<String>> sets() {
      Map<String, Set<String>> copy = new LinkedHashMap<>();
      sets.forEach((k, v) -> copy.put(k, new LinkedHashSet<>(v)));
      return copy;
    }

    @Override
    public synchronized boolean delete(MetricType type, String name) {
      return switch (type) {
        case COUNTER -> counters.remove(name) != null;
        case TIMER -> timers.remove(name) != null;
        case GAUGE -> gauges.remove(name) != null;
        case SET -> sets.remove(name) != null;
      };
    }
  }

  private static final long T0 = 1_700_000_000_000L;

  private final MemoryLiveView view = new MemoryLiveView();
  private final StatsRegistry stats = new StatsRegistry();
  private final HealthState health = new HealthState();
  private final StepClock clock = new StepClock(T0);
  private ManagementServer server;
  private InetSocketAddress address;

  @BeforeEach
  void start() {
    view.counters.put("statsd.bad_lines_seen", 0.0);
    view.counters.put("statsd.packets_received", 12.0);
    view.counters.put("api.hits", 1.5);
    view.counters.put("api.errors", 2.0);
    view.counters.put("web.hits#env:prod", 3.0);
    view.timers.put("glork", new ArrayList<>(List.of(320.0, 100.0)));
    view.gauges.put("gaugor", 333.0);
    view.gauges.put("api.temperature", -2.5);
    view.sets.put("uniques", new LinkedHashSet<>(List.of("765", "alice")));
    server =
        new ManagementServer(
            new ListenersConfig.Management(true, "127.0.0.1", 0, null, null, null),
            view,
            stats,
            health,
            clock);
    address = server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Sends text and reads until the reply ends with {@code end}. */
  private Socket connect() throws IOException {
    Socket socket = new Socket(address.getAddress(), address.getPort());
    socket.setSoTimeout(5_000);
    return socket;
  }

  @Test
  void help() throws Exception {
    try (Socket s = connect()) {
      assertThat(ask(s, "help\n", "\n\n"))
          .isEqualTo(
              "Commands: stats, counters, timers, gauges, sets, delcounters, deltimers, delgauges, delsets, health, quit\n\n");
    }
  }

  @Test
  void health_upDownAndSharedState() throws Exception {
    try (Socket s = connect()) {
      assertThat(ask(s, "health\n", "\n")).isEqualTo("health: up\n");
      assertThat(ask(s, "health down\n", "\n")).isEqualTo("health: down\n");
      assertThat(health.isUp()).isFalse();
      assertThat(ask(s, "health\n", "\n")).isEqualTo("health: down\n");
      assertThat(ask(s, "health UP\n", "\n")).isEqualTo("health: up\n");
      assertThat(ask(s, "health sideways\n", "\n")).isEqualTo("health: up\n");
    }
    health.setUp(false);
    // Health checks often send the command without a newline (Etsy answers each chunk).
    try (Socket s = connect()) {
      assertThat(ask(s, "health", "\n")).isEqualTo("health: down\n");
    }
  }

  @Test
  void stats_uptimeAndInternalStatsWithLastAsAges() throws Exception {
    stats.counter("messages", "bad_lines_seen").incr(2);
    stats.gauge("messages", "last_msg_seen", "t", () -> (T0 + 25_000) / 1000.0);
    stats.counter("udp", "packets_received").incr(7);
    stats.gauge("graphite", "last_flush", "t", () -> (T0 + 27_000) / 1000.0);
    stats.gauge("graphite", "flush_time", "t", () -> 1.25);
    stats.gauge("flush", "last_duration_ms", "a duration, not a time", () -> 12);
    stats.gauge("storage", "last_write_millis", "epoch milliseconds", () -> T0 + 29_000);
    clock.set(T0 + 30_000);
    try (Socket s = connect()) {
      assertThat(ask(s, "stats\n", "END\n\n"))
          .isEqualTo(
              """
          uptime: 30
          messages.last_msg_seen: 5
          messages.bad_lines_seen: 2
          flush.last_duration_ms: 12
          graphite.flush_time: 1.25
          graphite.last_flush: 3
          management.changes_refused: 0
          management.commands_refused: 0
          management.connections: 1
          management.connections_refused: 0
          management.reply_bytes_pending: 0
          storage.last_write_millis: %d
          udp.packets_received: 7
          END

          """
                  .formatted(T0 + 29_000));
    }
  }

  @Test
  void dumps_areNodeUtilInspectOfTheLiveValues() throws Exception {
    try (Socket s = connect()) {
      assertThat(ask(s, "counters\n", "END\n\n"))
          .isEqualTo(
              """
          {
            'statsd.bad_lines_seen': 0,
            'statsd.packets_received': 12,
            'api.hits': 1.5,
            'api.errors': 2,
            'web.hits#env:prod': 3
          }
          END

          """);
      assertThat(ask(s, "timers\n", "END\n\n")).isEqualTo("{ glork: [ 320, 100 ] }\nEND\n\n");
      assertThat(ask(s, "gauges\n", "END\n\n"))
          .isEqualTo("{ gaugor: 333, 'api.temperature': -2.5 }\nEND\n\n");
      assertThat(ask(s, "sets\n", "END\n\n"))
          .isEqualTo("{ uniques: Set(2) { '765', 'alice' } }\nEND\n\n");
    }
    view.timers.clear();
    try (Socket s = connect()) {
      assertThat(ask(s, "timers\n", "END\n\n")).isEqualTo("{}\nEND\n\n");
    }
  }

  @Test
  void delete_exactNamesAndFolders() throws Exception {
    try (Socket s = connect()) {
      assertThat(ask(s, "delcounters api.* statsd.packets_received api.hits nothing\n", "END\n\n"))
          .isEqualTo(
              """
          deleted: api.hits
          deleted: api.errors
          deleted: statsd.packets_received
          metric api.hits not found
          metric nothing not found
          END

          """);
      assertThat(view.counters.keySet())
          .containsExactly("statsd.bad_lines_seen", "web.hits#env:prod");
      assertThat(ask(s, "deltimers glork\n", "END\n\n")).isEqualTo("deleted: glork\nEND\n\n");
      assertThat(ask(s, "delgauges gaugor\n", "END\n\n")).isEqualTo("deleted: gaugor\nEND\n\n");
      assertThat(ask(s, "delsets uniques\n", "END\n\n")).isEqualTo("deleted: uniques\nEND\n\n");
      assertThat(ask(s, "delgauges\n", "END\n\n")).isEqualTo("END\n\n");
    }
    assertThat(view.timers).isEmpty();
    assertThat(view.gauges).containsOnlyKeys("api.temperature");
    assertThat(view.sets).isEmpty();
  }

  @Test
  void unknownOrEmptyCommandIsError_severalCommandsInOneWrite_quitCloses() throws Exception {
    try (Socket s = connect()) {
      assertThat(ask(s, "frobnicate\n", "\n")).isEqualTo("ERROR\n");
      assertThat(ask(s, "HELP\n", "\n")).isEqualTo("ERROR\n");
      assertThat(ask(s, "\n", "\n")).isEqualTo("ERROR\n");
      assertThat(ask(s, "health\r\nhealth\n", "health: up\nhealth: up\n"))
          .isEqualTo("health: up\nhealth: up\n");
      s.getOutputStream().write("quit\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void disabledServerDoesNotBind() {
    ManagementServer off =
        new ManagementServer(
            new ListenersConfig.Management(false, null, 0, null, null, null), view, stats, health);
    assertThat(off.start()).isNull();
    off.close();
  }

  private ManagementServer restart(ListenersConfig.Management config) {
    server.close();
    server = new ManagementServer(config, view, stats, health, clock);
    address = server.start();
    return server;
  }

  @Test
  void withChangesDisallowedDeletionsAndHealthChangesAreRefusedAndCounted() throws Exception {
    restart(new ListenersConfig.Management(true, "127.0.0.1", 0, null, null, false));
    try (Socket s = connect()) {
      assertThat(ask(s, "delcounters api.hits\n", "\n"))
          .isEqualTo(ManagementServer.CHANGES_DISABLED);
      assertThat(ask(s, "delgauges gaugor\n", "\n")).isEqualTo(ManagementServer.CHANGES_DISABLED);
      assertThat(ask(s, "health down\n", "\n")).isEqualTo(ManagementServer.CHANGES_DISABLED);
      assertThat(ask(s, "health\n", "\n")).isEqualTo("health: up\n");
      assertThat(ask(s, "gauges\n", "END\n\n"))
          .isEqualTo("{ gaugor: 333, 'api.temperature': -2.5 }\nEND\n\n");
    }
    assertThat(view.counters).containsKey("api.hits");
    assertThat(health.isUp()).isTrue();
    assertThat(stats.value("management", "changes_refused")).isEqualTo(3L);
  }

  @Test
  void connectionsBeyondTheLimitAreClosedAndCounted() throws Exception {
    restart(new ListenersConfig.Management(true, "127.0.0.1", 0, 2, null, null));
    try (Socket first = connect();
        Socket second = connect()) {
      assertThat(ask(first, "health\n", "\n")).isEqualTo("health: up\n");
      assertThat(ask(second, "health\n", "\n")).isEqualTo("health: up\n");
      try (Socket third = connect()) {
        assertThat(third.getInputStream().read()).isEqualTo(-1);
      }
      assertThat(stats.value("management", "connections_refused")).isEqualTo(1L);
      assertThat(ask(first, "health\n", "\n")).isEqualTo("health: up\n");
    }
  }

  @Test
  void commandsSentAheadWaitUpToTheLimitAndTheRestAreRefusedWithOneErrorEach() throws Exception {
    restart(new ListenersConfig.Management(true, "127.0.0.1", 0, null, 4, null));
    int sent = 200;
    try (Socket s = connect()) {
      s.getOutputStream().write("health\n".repeat(sent).getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      long answered = 0;
      long refusals = 0;
      // Every command is either answered or counted as refused, and a refusal is answered; a
      // missing
      // reply ends in a read timeout.
      while (refusals == 0
          || answered + stats.value("management", "commands_refused").longValue() < sent) {
        String line = in.readLine();
        if (line.equals("health: up")) {
          answered++;
        } else {
          assertThat(line)
              .isEqualTo(
                  "ERROR too many commands waiting (listeners.management.max_queued_commands)");
          refusals++;
        }
      }
      long refused = stats.value("management", "commands_refused").longValue();
      assertThat(answered + refused).isEqualTo(sent);
      assertThat(refused).isPositive();
      assertThat(refusals).isBetween(1L, refused);
      assertThat(ask(s, "health\n", "\n")).isEqualTo("health: up\n");
    }
  }
}
