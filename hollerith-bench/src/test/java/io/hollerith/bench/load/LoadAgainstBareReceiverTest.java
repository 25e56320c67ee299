package io.hollerith.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generator and the bare receiver over real loopback UDP, counted through the management port.
 */
class LoadAgainstBareReceiverTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @ParameterizedTest(name = "batched sender: {0}, read delay {1} µs")
  @CsvSource({"false, 0", "true, 0", "false, 1000", "true, 1000"})
  void every_line_sent_at_a_modest_rate_is_counted_and_the_pace_never_exceeds_the_rate(
      boolean batched, long readDelayMicros) throws Exception {
    try (BareReceiver bare =
        new BareReceiver(
            new InetSocketAddress(LOOPBACK, 0),
            new InetSocketAddress(LOOPBACK, 0),
            1,
            1 << 20,
            1500,
            8,
            readDelayMicros * 1000)) {
      LoadSpec spec =
          new LoadSpec(
              new InetSocketAddress(LOOPBACK, bare.udpPort()),
              20_000,
              5,
              100,
              TypeMix.parse("c=80,ms=10,g=10"),
              Duration.ofMillis(500),
              0,
              2,
              "t",
              batched);
      LoadResult r = LoadGenerator.run(spec);

      assertThat(r.sendErrors()).isZero();
      // how much a loaded machine lets the generator send is not the test's business; that it never
      // sends faster than asked (10,000 metrics in 0.5 s at 20,000/s, one packet of slack) is
      assertThat(r.metricsSent())
          .isEqualTo(r.packetsSent() * 5)
          .isPositive()
          .isLessThanOrEqualTo(10_005L);
      assertThat(r.achievedRate()).isLessThanOrEqualTo(20_500.0);
      assertThat(r.countersSent())
          .isEqualTo(r.expectedCounterTotals().values().stream().mapToLong(Long::longValue).sum());
      CounterReader reader =
          new CounterReader.Management(new InetSocketAddress(LOOPBACK, bare.managementPort()));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> reader.read().getOrDefault("bare.metrics_received", 0.0) >= r.metricsSent());
      assertThat(reader.read()).containsEntry("bare.metrics_received", (double) r.metricsSent());
      assertThat(reader.read()).containsEntry("bare.packets_received", (double) r.packetsSent());
      assertThat(ProcFs.udpDrops(bare.udpPort())).isZero();
      assertThat(ProcFs.udpSockets(bare.udpPort())).isEqualTo(1);
      if (readDelayMicros == 0) {
        assertThat(bare.rests()).isZero();
      } else {
        assertThat(bare.rests()).isPositive();
      }
    }
  }

  /**
   * A socket rests only after a read that emptied it: 20,000 datagrams/s for a second against
   * 8-datagram reads and 5 ms rests. Resting after every read would take at most 1,600 datagrams/s,
   * and the backlog (over 18,000 datagrams) would overflow the 4 MiB buffer. A machine too busy to
   * send 15,000 datagrams in that second cannot tell the two apart, so the test is skipped there
   * rather than judged on the machine's load.
   */
  @Test
  void a_read_that_came_back_full_does_not_rest() throws Exception {
    try (BareReceiver bare =
        new BareReceiver(
            new InetSocketAddress(LOOPBACK, 0),
            new InetSocketAddress(LOOPBACK, 0),
            1,
            4 << 20,
            1500,
            8,
            5_000_000)) {
      LoadSpec spec =
          new LoadSpec(
              new InetSocketAddress(LOOPBACK, bare.udpPort()),
              100_000,
              5,
              100,
              TypeMix.parse("c=100"),
              Duration.ofSeconds(1),
              0,
              1,
              "t",
              true);
      LoadResult r = LoadGenerator.run(spec);
      assertThat(r.sendErrors()).isZero();
      assumeTrue(
          r.packetsSent() > 15_000,
          () -> "the generator sent only " + r.packetsSent() + " datagrams");
      await().atMost(Duration.ofSeconds(5)).until(() -> bare.packets() >= r.packetsSent());
      assertThat(bare.packets()).isEqualTo(r.packetsSent());
      assertThat(ProcFs.udpDrops(bare.udpPort())).isZero();
      assertThat(bare.rests()).isPositive().isLessThan(r.packetsSent() / 8);
    }
  }

  @ParameterizedTest(name = "batched sender: {0}")
  @ValueSource(booleans = {false, true})
  void max_metrics_stops_the_run_at_a_whole_packet(boolean batched) throws Exception {
    try (BareReceiver bare =
        new BareReceiver(
            new InetSocketAddress(LOOPBACK, 0),
            new InetSocketAddress(LOOPBACK, 0),
            1,
            1 << 20,
            1500,
            8,
            0)) {
      LoadSpec spec =
          new LoadSpec(
              new InetSocketAddress(LOOPBACK, bare.udpPort()),
              0,
              20,
              1000,
              TypeMix.parse("c=100"),
              Duration.ofSeconds(10),
              1010,
              1,
              "t",
              batched);
      LoadResult r = LoadGenerator.run(spec);
      assertThat(r.packetsSent()).isEqualTo(51);
      assertThat(r.expectedCounterTotals()).hasSize(1000);
    }
  }

  @Test
  void only_loopback_targets_are_accepted() {
    assertThatThrownBy(
            () ->
                new LoadSpec(
                    new InetSocketAddress("10.1.2.3", 8125),
                    1,
                    1,
                    1,
                    TypeMix.parse("c=100"),
                    Duration.ofSeconds(1),
                    0,
                    1,
                    "t",
                    false))
        .hasMessageContaining("must be a loopback address");
  }

  @Test
  void proc_figures_of_this_process_are_read() throws Exception {
    long pid = ProcessHandle.current().pid();
    assertThat(ProcFs.cpuTicks(pid)).isPositive();
    assertThat(ProcFs.rssBytes(pid)).isGreaterThan(1 << 20);
  }
}
