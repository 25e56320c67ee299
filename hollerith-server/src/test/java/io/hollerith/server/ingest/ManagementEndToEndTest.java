package io.hollerith.server.ingest;

import static io.hollerith.server.ingest.TestSupport.TCP_OFF;
import static io.hollerith.server.ingest.TestSupport.UNIX_OFF;
import static io.hollerith.server.ingest.TestSupport.ask;
import static io.hollerith.server.ingest.TestSupport.listeners;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hollerith.server.aggregate.Aggregator;
import io.hollerith.server.aggregate.AggregatorWriter;
import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.ListenersConfig;
import io.hollerith.server.config.ProtocolConfig;
import io.hollerith.server.config.StatsConfig;
import io.hollerith.server.protocol.LineParser;
import io.hollerith.server.stats.StatsRegistry;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * StatsD lines over UDP through the real parser and aggregator, then read back through Etsy's
 * management interface: the replies Etsy would give for the same packets (Node 20's util.inspect;
 * key order is the aggregator's, sorted, where Etsy keeps arrival order).
 */
class ManagementEndToEndTest {

  @TempDir Path dataDir;

  @Test
  void linesSentOverUdpAreDumpedAndDeletedAsEtsyWould() throws Exception {
    StatsRegistry stats = new StatsRegistry();
    ProtocolConfig protocol = new ProtocolConfig(null, null, null, null);
    Aggregator aggregator =
        new Aggregator(
            AggregationConfig.defaults(), StatsConfig.defaults(), stats, Clock.systemUTC());
    PacketHandlerFactory factory =
        listener -> {
          LineParser parser = new LineParser(protocol, stats);
          AggregatorWriter writer = aggregator.newWriter();
          return packet -> parser.parse(packet, writer);
        };
    ListenersConfig config =
        listeners(
            new ListenersConfig.Udp(true, "127.0.0.1", 0, null, 1, null),
            TCP_OFF,
            UNIX_OFF,
            UNIX_OFF,
            "auto");
    HealthState health = new HealthState();
    try (IngestServer ingest = new IngestServer(config, protocol, dataDir, stats, factory);
        ManagementServer management =
            new ManagementServer(
                new ListenersConfig.Management(true, "127.0.0.1", 0, null, null, null),
                aggregator.liveView(),
                stats,
                health);
        DatagramSocket udp = new DatagramSocket()) {
      InetSocketAddress target = ingest.start().udp();
      InetSocketAddress admin = management.start();
      byte[] packet =
          ("gorets:1|c\ngorets:2|c|@0.5\nglork:320|ms\nglork:100|ms\ngaugor:333|g\n"
                  + "uniques:765|s\nuniques:joe|s\napi.hits:1|c|#env:prod\nnot a metric")
              .getBytes(StandardCharsets.US_ASCII);
      udp.send(new DatagramPacket(packet, packet.length, target));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  aggregator.liveView().sets().containsKey("uniques")
                      && aggregator.liveView().counters().containsKey("api.hits#env:prod"));
      try (Socket s = new Socket(admin.getAddress(), admin.getPort())) {
        s.setSoTimeout(5_000);
        // Etsy's own counters come first, as in Etsy's reply; every line counts as received, the
        // bad one too.
        assertThat(ask(s, "counters\n", "END\n\n"))
            .isEqualTo(
                """
            {
              'statsd.bad_lines_seen': 1,
              'statsd.packets_received': 1,
              'statsd.metrics_received': 9,
              'api.hits#env:prod': 1,
              gorets: 5
            }
            END

            """);
        assertThat(ask(s, "timers\n", "END\n\n")).isEqualTo("{ glork: [ 320, 100 ] }\nEND\n\n");
        assertThat(ask(s, "gauges\n", "END\n\n")).isEqualTo("{ gaugor: 333 }\nEND\n\n");
        assertThat(ask(s, "sets\n", "END\n\n"))
            .isEqualTo("{ uniques: Set(2) { '765', 'joe' } }\nEND\n\n");
        String statsReply = ask(s, "stats\n", "END\n\n");
        assertThat(statsReply)
            .startsWith("uptime: ")
            .contains("\nmessages.last_msg_seen: ")
            .contains("\nmessages.bad_lines_seen: 1\n")
            .contains("\nudp.packets_received: 1\n")
            .endsWith("END\n\n");
        assertThat(statsReply.indexOf("messages.last_msg_seen"))
            .isLessThan(statsReply.indexOf("messages.bad_lines_seen"));
        assertThat(ask(s, "delcounters gorets\n", "END\n\n")).isEqualTo("deleted: gorets\nEND\n\n");
        assertThat(ask(s, "counters\n", "END\n\n"))
            .endsWith(
                """
              'statsd.metrics_received': 9,
              'api.hits#env:prod': 1
            }
            END

            """);
        assertThat(ask(s, "delsets uniques\n", "END\n\n")).isEqualTo("deleted: uniques\nEND\n\n");
        assertThat(ask(s, "sets\n", "END\n\n")).isEqualTo("{}\nEND\n\n");
      }
      // A deleted counter comes back when it is sent again.
      byte[] again = "gorets:4|c".getBytes(StandardCharsets.US_ASCII);
      udp.send(new DatagramPacket(again, again.length, target));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> Double.valueOf(4.0).equals(aggregator.liveView().counters().get("gorets")));
    }
  }
}
