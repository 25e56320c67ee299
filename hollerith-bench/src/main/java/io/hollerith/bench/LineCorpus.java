package io.hollerith.bench;

import java.nio.charset.StandardCharsets;

/**
 * The packets the per-line benchmarks ({@link ParseBenchmark}, {@link IngestPathBenchmark}) feed
 * through the parser: {@value #PACKETS} prepared packets of {@code linesPerPacket} lines each,
 * cycling over 100 metric names.
 *
 * <p>{@code type}: {@code c}, {@code g}, {@code ms}, {@code s} as plain Etsy lines, and {@code
 * c_tagged} a counter with a sample rate and three DogStatsD tags. {@code s_new} is a set whose
 * every line carries a member of its own, over {@value #NEW_MEMBER_PACKETS} packets, so that a
 * benchmark flushing once per pass over them sees each member for the first time in its interval.
 */
final class LineCorpus {

  /** How many prepared packets a benchmark cycles through (a power of two). */
  static final int PACKETS = 64;

  /** How many packets the {@code s_new} corpus has (a power of two). */
  static final int NEW_MEMBER_PACKETS = 4096;

  private LineCorpus() {}

  static byte[][] packets(String type, int linesPerPacket) {
    byte[][] packets = new byte[type.equals("s_new") ? NEW_MEMBER_PACKETS : PACKETS][];
    int metric = 0;
    for (int p = 0; p < packets.length; p++) {
      StringBuilder sb = new StringBuilder();
      for (int l = 0; l < linesPerPacket; l++, metric++) {
        if (l > 0) {
          sb.append('\n');
        }
        sb.append("app.web.service")
            .append(metric % 100)
            .append(".requests:")
            .append(line(type, metric));
      }
      packets[p] = sb.toString().getBytes(StandardCharsets.UTF_8);
    }
    return packets;
  }

  private static String line(String type, int i) {
    return switch (type) {
      case "c" -> "1|c";
      case "g" -> (i % 4 == 0 ? "+3" : Integer.toString(40 + i % 7)) + ".5|g";
      case "ms" -> (100 + i % 900) + "." + (i % 1000) + "|ms";
      case "s", "s_new" -> "user-" + (12345 + i) + "|s";
      case "c_tagged" -> "1|c|@0.5|#region:eu-west-1,env:prod,host:web-" + (i % 16);
      default -> throw new IllegalArgumentException("unknown type " + type);
    };
  }
}
