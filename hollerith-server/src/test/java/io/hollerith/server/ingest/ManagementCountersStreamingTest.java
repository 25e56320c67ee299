package io.hollerith.server.ingest;

import static io.hollerith.server.ingest.TestSupport.ask;
import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.aggregate.Aggregator;
import io.hollerith.server.aggregate.AggregatorWriter;
import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.ListenersConfig;
import io.hollerith.server.config.ProtocolConfig;
import io.hollerith.server.config.StatsConfig;
import io.hollerith.server.protocol.LineParser;
import io.hollerith.server.stats.StatsRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The management {@code counters} reply over the real aggregator: as before for a few counters, and
 * for many, streamed.
 */
class ManagementCountersStreamingTest {

  private final StatsRegistry stats = new StatsRegistry();
  private Aggregator aggregator;
  private LineParser parser;
  private AggregatorWriter writer;
  private ManagementServer server;
  private InetSocketAddress address;

  @BeforeEach
  void start() {
    aggregator =
        new Aggregator(
            AggregationConfig.defaults(), StatsConfig.defaults(), stats, Clock.systemUTC());
    parser = new LineParser(new ProtocolConfig(null, null, null, null), stats);
    writer = aggregator.newWriter();
    server =
        new ManagementServer(
            new ListenersConfig.Management(true, "127.0.0.1", 0, null, null, null),
            aggregator.liveView(),
            stats,
            new HealthState());
    address = server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void send(String lines) {
    byte[] packet = lines.getBytes(StandardCharsets.UTF_8);
    parser.parse(packet, 0, packet.length, writer);
  }

  @Test
  void aFewCountersAreDumpedAsBeforeIndexesFirstThenEtsysOwnThenTheRestSorted() throws Exception {
    send(
        "10:1|c\n2:4|c\nabc:2|c\nstatsd.metrics_received:5|c\nq'uote:1|c\nweb.hits:3|c|#env:prod\nweb.hits:1|c\n"
            + "zz:-1|c\n1.5:1|c\n0:7|c\n-3:1|c\nZ:2|c|@0.5");
    try (Socket s = new Socket(address.getAddress(), address.getPort())) {
      s.setSoTimeout(10_000);
      // the live statsd.metrics_received (5) adds to Etsy's own (12 lines)
      assertThat(ask(s, "counters\n", "END\n\n"))
          .isEqualTo(
              """
          {
            '0': 7,
            '2': 4,
            '10': 1,
            'statsd.bad_lines_seen': 0,
            'statsd.packets_received': 0,
            'statsd.metrics_received': 17,
            '-3': 1,
            '1.5': 1,
            Z: 4,
            abc: 2,
            quote: 1,
            'web.hits': 1,
            'web.hits#env:prod': 3,
            zz: -1
          }
          END

          """);
    }
  }

  @Test
  void twoHundredThousandCountersAreAllDumpedWhileAReaderThatStopsHoldsOnlyTheHighWaterMark()
      throws Exception {
    int counters = 200_000;
    StringBuilder packet = new StringBuilder();
    for (int i = 0; i < counters; i++) {
      packet.append("bulk.").append(i).append(':').append(i % 7 + 1).append("|c\n");
      if (i % 1000 == 999) {
        send(packet.toString());
        packet.setLength(0);
      }
    }
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(4096);
      s.setSoTimeout(120_000);
      s.connect(address);
      OutputStream out = s.getOutputStream();
      out.write("counters\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long most = 0;
      long last = -1;
      int unchanged = 0;
      // bounded: until the server has stopped for a while (twenty reads alike), or 60 s at most
      for (int polls = 0; polls < 1200 && (last <= 0 || unchanged < 20); polls++) {
        Thread.sleep(50);
        long pending = stats.value("management", "reply_bytes_pending").longValue();
        unchanged = pending == last ? unchanged + 1 : 0;
        last = pending;
        most = Math.max(most, pending);
      }
      assertThat(last).as("the server was held back by the reader").isPositive();
      assertThat(most).isLessThanOrEqualTo(64 * 1024 + 16 * 1024);

      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8), 1 << 16);
      Pattern entry = Pattern.compile("^  '(bulk\\.\\d+)': (\\d+),?$");
      Map<String, Long> seen = new HashMap<>();
      String line;
      long chars = 0;
      while ((line = in.readLine()) != null && !line.equals("END")) {
        chars += line.length() + 1;
        Matcher m = entry.matcher(line);
        if (m.matches()) {
          assertThat(seen.put(m.group(1), Long.parseLong(m.group(2))))
              .as("listed twice: %s", line)
              .isNull();
        }
      }
      assertThat(line).isEqualTo("END");
      assertThat(chars).isGreaterThan(20 * most);
      Map<String, Long> expected = new HashMap<>();
      for (int i = 0; i < counters; i++) {
        expected.put("bulk." + i, (long) (i % 7 + 1));
      }
      assertThat(seen).isEqualTo(expected);
    }
  }
}
