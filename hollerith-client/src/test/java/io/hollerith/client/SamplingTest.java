package io.hollerith.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sampling with a seeded random source: which stats are sent is exactly reproducible. */
class SamplingTest {

  @Test
  void seededRandomDecidesExactlyWhichStatsAreSent() throws IOException {
    int n = 2_000;
    double rate = 0.25;
    // Replay the seed to know the decisions: a stat is sent when random() <= rate.
    Random replay = new Random(42);
    StringBuilder expected = new StringBuilder();
    int expectedCount = 0;
    for (int i = 0; i < n; i++) {
      if (replay.nextDouble() <= rate) {
        expected
            .append(expected.length() == 0 ? "" : "\n")
            .append("s")
            .append(i)
            .append(":1|c|@0.25");
        expectedCount++;
      }
    }
    Random seeded = new Random(42);
    try (UdpCapture udp = new UdpCapture();
        StatsClient client =
            StatsClient.builder()
                .host("127.0.0.1")
                .port(udp.port())
                .maxUdpSize(65_000)
                .random(seeded::nextDouble)
                .build()) {
      try (Pipeline p = client.pipeline()) {
        for (int i = 0; i < n; i++) {
          p.incr("s" + i, 1, rate);
        }
        assertThat(p.size()).isEqualTo(expectedCount);
      }
      String datagram = udp.receive();
      assertThat(datagram).isEqualTo(expected.toString());
      assertThat(expectedCount).as("about a quarter").isBetween(400, 600);
      udp.assertNothingMore();
    }
  }

  @Test
  void everyTypeIsSampledAndOneDrawIsMadePerStat() throws IOException {
    double[] draws = {0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1};
    int[] next = {0};
    try (UdpCapture udp = new UdpCapture();
        StatsClient client =
            StatsClient.builder()
                .host("127.0.0.1")
                .port(udp.port())
                .random(() -> draws[next[0]++])
                .build()) {
      for (int i = 0; i < 2; i++) {
        client.incr("c", 1, 0.5);
        client.gauge("g", 3, 0.5);
        client.set("s", "x", 0.5);
        client.timing("t", 1, 0.5);
        client.gauge("neg", -1, 0.5); // drawn once for both lines
      }
      assertThat(next[0]).isEqualTo(10);
      List<String> got = udp.receive(5);
      // Round one draws 0.9 for c, s, neg (dropped) and 0.1 for g, t; round two the other way.
      assertThat(got)
          .containsExactly(
              "g:3|g|@0.5", "t:1.000000|ms|@0.5", "c:1|c|@0.5", "s:x|s|@0.5", "neg:0|g\nneg:-1|g");
      udp.assertNothingMore();
    }
  }

  @Test
  void rateOneOrMoreNeverDraws() throws IOException {
    try (UdpCapture udp = new UdpCapture();
        StatsClient client =
            StatsClient.builder()
                .host("127.0.0.1")
                .port(udp.port())
                .random(
                    () -> {
                      throw new AssertionError("drew a random number for rate >= 1");
                    })
                .build()) {
      client.incr("a");
      client.incr("b", 1, 1.0);
      client.gauge("c", -1, 3.0);
      assertThat(udp.receive(3)).containsExactly("a:1|c", "b:1|c", "c:0|g\nc:-1|g");
    }
  }
}
