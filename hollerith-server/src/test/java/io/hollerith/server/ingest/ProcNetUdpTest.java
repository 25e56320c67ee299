package io.hollerith.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parser of Linux's {@code /proc/net/udp} and {@code /proc/net/udp6} tables. */
class ProcNetUdpTest {

  // As a 6.x kernel prints them: IPv4 table (with trailing blanks), then the IPv6 one.
  static final String UDP =
      """
         sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops           \s
        2167: 0100007F:1FBD 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 812345 2 ffff9a4c8f3e1000 0         \s
        2167: 0100007F:1FBD 00000000:0000 07 00000000:00003A80 00:00000000 00000000  1000        0 812346 2 ffff9a4c8f3e1400 17        \s
        7905: 0100007F:46CD 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 26680 2 000000005ec1e5fb 3         \s
       12350: 0100007F:982A 0100007F:46CD 01 00000000:00000000 00:00000000 00000000     0        0 25972 2 000000006f18f8a1 0         \s
       """;
  static final String UDP6 =
      """
         sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
         2167: 00000000000000000000000001000000:1FBD 00000000000000000000000000000000:0000 07 00000000:00000100 00:00000000 00000000  1000        0 812400 2 ffff9a4c8f3e2000 5
        """;

  @Test
  void parse_readsPortQueueInodeAndDropsOfEveryRow() {
    List<ProcNetUdp.Row> rows = ProcNetUdp.parse(UDP);
    assertThat(rows)
        .containsExactly(
            new ProcNetUdp.Row("127.0.0.1", 8125, 0, 812345, 0),
            new ProcNetUdp.Row("127.0.0.1", 8125, 0x3A80, 812346, 17),
            new ProcNetUdp.Row("127.0.0.1", 0x46CD, 0, 26680, 3),
            new ProcNetUdp.Row("127.0.0.1", 0x982A, 0, 25972, 0));
    assertThat(ProcNetUdp.parse(UDP6))
        .containsExactly(new ProcNetUdp.Row("0:0:0:0:0:0:0:1", 8125, 0x100, 812400, 5));
  }

  @Test
  void address_decodesKernelByteOrderAndFoldsIpv4MappedAddresses() {
    assertThat(ProcNetUdp.address("0100007F")).isEqualTo("127.0.0.1");
    assertThat(ProcNetUdp.address("00000000")).isEqualTo("0.0.0.0");
    assertThat(ProcNetUdp.address("0000000000000000FFFF00000100007F")).isEqualTo("127.0.0.1");
    assertThat(ProcNetUdp.address("B80D0120000000000000000001000000"))
        .isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(ProcNetUdp.address("XYZ")).isNull();
    assertThat(ProcNetUdp.address("0100007G")).isNull();
  }

  @Test
  void parse_skipsHeaderGarbageAndShortLines() {
    assertThat(ProcNetUdp.parse("")).isEmpty();
    assertThat(ProcNetUdp.parse("sl local_address\nnot a row\n1: zz:zz 0 0 0 0 0 0 0 0 0 0 0\n"))
        .isEmpty();
  }

  @Test
  void read_sumsOnlyOurSocketsOnOurPort(@TempDir Path dir) throws Exception {
    Path udp = Files.writeString(dir.resolve("udp"), UDP);
    Path udp6 = Files.writeString(dir.resolve("udp6"), UDP6);
    // A fake /proc/self/fd: we own sockets 812345 and 812346 (not 812400, another process's).
    Path fd = Files.createDirectory(dir.resolve("fd"));
    Files.createSymbolicLink(fd.resolve("5"), Path.of("socket:[812345]"));
    Files.createSymbolicLink(fd.resolve("6"), Path.of("socket:[812346]"));
    Files.createSymbolicLink(fd.resolve("7"), Path.of("/dev/null"));
    ProcNetUdp ours = ProcNetUdp.forPort(List.of(udp, udp6), fd, 8125);
    assertThat(ours.read()).isEqualTo(new ProcNetUdp.Totals(17, 0x3A80, 2));
    // The IPv6 socket on the same port listens on another address: not sharing our traffic.
    assertThat(ours.foreignSockets()).isZero();
  }

  @Test
  void forPort_countsAnotherProcessSharingOurAddressAndPort(@TempDir Path dir) throws Exception {
    Path udp = Files.writeString(dir.resolve("udp"), UDP);
    Path fd = Files.createDirectory(dir.resolve("fd"));
    Files.createSymbolicLink(fd.resolve("5"), Path.of("socket:[812345]"));
    ProcNetUdp ours = ProcNetUdp.forPort(List.of(udp), fd, 8125);
    assertThat(ours.foreignSockets()).isEqualTo(1);
    assertThat(ours.read()).isEqualTo(new ProcNetUdp.Totals(0, 0, 1));
  }

  @Test
  void forPort_isNullWhenTheKernelHasNoTable(@TempDir Path dir) {
    assertThat(ProcNetUdp.forPort(List.of(dir.resolve("missing")), dir, 8125)).isNull();
  }
}
