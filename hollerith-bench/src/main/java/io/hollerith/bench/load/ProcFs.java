package io.hollerith.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The few Linux {@code /proc} figures the comparison needs: a UDP port's kernel drop counter, a
 * process's CPU time and resident memory. Stateless; thread-safe.
 */
final class ProcFs {

  private ProcFs() {}

  /**
   * Sum of the {@code drops} column of {@code /proc/net/udp} and {@code /proc/net/udp6} over every
   * socket bound to local port {@code port} (several with {@code SO_REUSEPORT}). The row disappears
   * with the socket, so read it while the server runs.
   */
  static long udpDrops(int port) throws IOException {
    return udpDrops(port, Path.of("/proc/net/udp")) + udpDrops(port, Path.of("/proc/net/udp6"));
  }

  static long udpDrops(int port, Path table) throws IOException {
    if (!Files.exists(table)) {
      return 0;
    }
    String hexPort = String.format(":%04X", port);
    long drops = 0;
    List<String> lines = Files.readAllLines(table, StandardCharsets.US_ASCII);
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).trim().split("\\s+");
      if (f.length >= 13 && f[1].endsWith(hexPort)) {
        drops += Long.parseLong(f[f.length - 1]);
      }
    }
    return drops;
  }

  /** Number of sockets bound to local UDP port {@code port}. */
  static int udpSockets(int port) throws IOException {
    String hexPort = String.format(":%04X", port);
    int n = 0;
    for (String t : List.of("/proc/net/udp", "/proc/net/udp6")) {
      Path p = Path.of(t);
      if (!Files.exists(p)) {
        continue;
      }
      List<String> lines = Files.readAllLines(p, StandardCharsets.US_ASCII);
      for (int i = 1; i < lines.size(); i++) {
        String[] f = lines.get(i).trim().split("\\s+");
        if (f.length >= 13 && f[1].endsWith(hexPort)) {
          n++;
        }
      }
    }
    return n;
  }

  /** utime + stime of process {@code pid} (all its threads), in clock ticks. */
  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
    // the command name may contain spaces and parentheses: fields start after the last ')'
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // f[0] is field 3 (state); utime is field 14, stime field 15
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** The 1, 5 and 15 minute load averages, as {@code /proc/loadavg} gives them. */
  static String loadAverage() throws IOException {
    String[] f =
        Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim().split("\\s+");
    return f[0] + " " + f[1] + " " + f[2];
  }

  /** Resident set size of process {@code pid}, in bytes ({@code VmRSS} of /proc/pid/status). */
  static long rssBytes(long pid) throws IOException {
    for (String l :
        Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.US_ASCII)) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.substring(6).trim().split("\\s+")[0]) * 1024;
      }
    }
    throw new IOException("no VmRSS in /proc/" + pid + "/status");
  }
}
