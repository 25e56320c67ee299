package io.hollerith.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How long a datagram socket rests after a read that emptied it ({@link ReadRest}). */
class ReadRestTest {

  private static final long MAX = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long SIXTEEN_MIB = 16L << 20;

  @Test
  void withoutAKnownBufferEveryRestIsTheLongest() {
    ReadRest rest = new ReadRest(MAX, 0);
    for (int i = 0; i < 100_000; i++) {
      rest.arrived(600);
    }
    assertThat(rest.restNanos(1_000_000)).isEqualTo(MAX);
  }

  @Test
  void aQuietSocketWithALargeBufferRestsTheLongest() {
    ReadRest rest = new ReadRest(MAX, 0);
    rest.receiveBufferBytes(SIXTEEN_MIB);
    rest.arrived(600);
    assertThat(rest.restNanos(TimeUnit.SECONDS.toNanos(1))).isEqualTo(MAX);
  }

  /** The default 212,992-byte buffer leaves room for a 200 MB/s burst: about a millisecond. */
  @Test
  void aSmallBufferCutsTheRestToWhatABurstWouldFill() {
    ReadRest rest = new ReadRest(MAX, 0);
    rest.receiveBufferBytes(212_992);
    rest.arrived(600);
    long expected = (long) (212_992 / 200e6 * 1e9);
    assertThat(rest.restNanos(TimeUnit.SECONDS.toNanos(1))).isEqualTo(expected);
  }

  /**
   * 10,000 datagrams of 600 bytes in 10 ms: a quarter of a 16 MiB buffer fills in about 2.4 ms at
   * that rate.
   */
  @Test
  void aBusySocketRestsWhileAQuarterOfItsBufferFillsAtTheArrivalRate() {
    ReadRest rest = new ReadRest(MAX, 0);
    rest.receiveBufferBytes(SIXTEEN_MIB);
    for (int i = 0; i < 10_000; i++) {
      rest.arrived(600);
    }
    long elapsed = TimeUnit.MILLISECONDS.toNanos(10);
    double chargedPerDatagram = 2 * 600 + 1024;
    long expected = (long) (SIXTEEN_MIB / 4.0 * elapsed / (10_000 * chargedPerDatagram));
    assertThat(rest.restNanos(elapsed)).isEqualTo(expected).isBetween(1_500_000L, 2_500_000L);
  }

  @Test
  void aRestTooShortToPayForItsTimerIsSkipped() {
    ReadRest rest = new ReadRest(MAX, 0);
    rest.receiveBufferBytes(212_992);
    for (int i = 0; i < 100_000; i++) {
      rest.arrived(600);
    }
    assertThat(rest.restNanos(TimeUnit.MILLISECONDS.toNanos(1))).isZero();
  }

  /** Each rest measures the arrivals since the previous one, not since the socket opened. */
  @Test
  void eachRestMeasuresOnlyTheArrivalsSinceThePreviousOne() {
    ReadRest rest = new ReadRest(MAX, 0);
    rest.receiveBufferBytes(SIXTEEN_MIB);
    for (int i = 0; i < 10_000; i++) {
      rest.arrived(600);
    }
    long now = TimeUnit.MILLISECONDS.toNanos(10);
    assertThat(rest.restNanos(now)).isLessThan(MAX);
    rest.arrived(600);
    assertThat(rest.restNanos(now + TimeUnit.MILLISECONDS.toNanos(10))).isEqualTo(MAX);
  }

  @Test
  void zeroNeverRests() {
    ReadRest rest = new ReadRest(0, 0);
    rest.receiveBufferBytes(SIXTEEN_MIB);
    rest.arrived(600);
    assertThat(rest.restNanos(TimeUnit.SECONDS.toNanos(1))).isZero();
  }

  /**
   * The estimate of what the kernel charges a datagram against the receive buffer is never below
   * what it really charges: datagrams sent to an unread socket on loopback, its receive queue read
   * from {@code /proc/net/udp}.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 20, 600, 1000, 1400, 2000, 3900, 4000, 8000, 16_000, 30_000, 65_000})
  void theChargeEstimateCoversWhatTheKernelCharges(int payloadBytes) throws Exception {
    assumeThat(Files.isReadable(Path.of("/proc/net/udp"))).as("Linux /proc/net/udp").isTrue();
    int datagrams = 20;
    try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        DatagramSocket sender = new DatagramSocket()) {
      receiver.setReceiveBufferSize(4 << 20);
      byte[] payload = new byte[payloadBytes];
      for (int i = 0; i < datagrams; i++) {
        sender.send(
            new DatagramPacket(
                payload, payload.length, receiver.getLocalAddress(), receiver.getLocalPort()));
      }
      ProcNetUdp table = ProcNetUdp.forPort(receiver.getLocalPort());
      long perDatagram =
          await()
              .atMost(Duration.ofSeconds(5))
              .until(() -> table.read().rxQueue() / datagrams, q -> q > 0);
      long queued = table.read().rxQueue();
      assertThat(queued).as("bytes queued for %d datagrams", datagrams).isPositive();
      assertThat(perDatagram).isPositive();
      assertThat(ReadRest.charge(payloadBytes) * datagrams).isGreaterThanOrEqualTo(queued);
    }
  }
}
