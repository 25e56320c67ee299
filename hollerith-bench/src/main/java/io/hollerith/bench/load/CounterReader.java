package io.hollerith.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the counter totals a StatsD server has counted so far, so a run can be checked against what
 * the generator offered. Implementations are not thread-safe; use one per thread.
 */
interface CounterReader {

  /** Every counter the server reports, name to value. */
  Map<String, Double> read() throws IOException;

  /** How many series whose name starts with {@code prefix} the server holds. */
  default long countSeries(String prefix) throws IOException {
    return read().keySet().stream().filter(k -> k.startsWith(prefix)).count();
  }

  /**
   * Etsy StatsD's management interface ({@code counters} command), which Hollerith and the {@link
   * BareReceiver} answer the same way: a Node {@code util.inspect} dump, one or more {@code 'name':
   * value} pairs per line (keys quoted or bare), then {@code END}.
   */
  final class Management implements CounterReader {
    private static final Pattern PAIR =
        Pattern.compile(
            "(?:'((?:[^'\\\\]|\\\\.)*)'|([A-Za-z_$][\\w$]*))\\s*:\\s*(-?[0-9][0-9.eE+-]*|NaN|-?Infinity)");
    private final InetSocketAddress address;

    Management(InetSocketAddress address) {
      this.address = address;
    }

    @Override
    public Map<String, Double> read() throws IOException {
      Map<String, Double> counters = new HashMap<>();
      request(address, "counters", line -> parseInto(line, counters));
      return counters;
    }

    /** Adds every {@code 'key': number} pair on {@code line} to {@code into}. */
    static void parseInto(String line, Map<String, Double> into) {
      Matcher m = PAIR.matcher(line);
      while (m.find()) {
        String key =
            m.group(1) != null ? m.group(1).replace("\\'", "'").replace("\\\\", "\\") : m.group(2);
        into.put(key, Double.parseDouble(m.group(3)));
      }
    }
  }

  /**
   * One figure of Hollerith's management {@code stats} reply ({@code group.metric: value} lines,
   * then {@code END}), such as {@code messages.metrics_received}: cumulative since the server
   * started, so loss can be judged with any flush interval (the {@code counters} reply resets each
   * flush). Only that figure is returned: the reply's gauges move all the time, and a reader whose
   * values never settle would make every wait for stable counts run to its limit.
   */
  final class ManagementStats implements CounterReader {
    private final InetSocketAddress address;
    private final String key;

    ManagementStats(InetSocketAddress address, String key) {
      this.address = address;
      this.key = key;
    }

    @Override
    public Map<String, Double> read() throws IOException {
      Map<String, Double> figures = new HashMap<>();
      request(
          address,
          "stats",
          line -> {
            int colon = line.lastIndexOf(": ");
            if (colon > 0 && line.substring(0, colon).equals(key)) {
              figures.put(key, Double.parseDouble(line.substring(colon + 2).trim()));
            }
          });
      if (!figures.containsKey(key)) {
        throw new IOException("management stats at " + address + " has no " + key);
      }
      return figures;
    }
  }

  /**
   * Sends one command to an Etsy-style management interface and hands each line of the reply, up to
   * its {@code END}, to {@code eachLine}; then says {@code quit}.
   */
  private static void request(InetSocketAddress address, String command, Consumer<String> eachLine)
      throws IOException {
    try (Socket s = new Socket()) {
      s.connect(address, 2000);
      s.setSoTimeout(120_000);
      OutputStream out = s.getOutputStream();
      out.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8), 1 << 16);
      String line;
      while ((line = in.readLine()) != null) {
        if (line.trim().equals("END")) {
          out.write("quit\n".getBytes(StandardCharsets.US_ASCII));
          return;
        }
        eachLine.accept(line);
      }
      throw new IOException("management interface at " + address + " closed before END");
    }
  }

  /**
   * collectd's {@code csv} plugin output ({@code StoreRates false}): the statsd plugin dispatches
   * each counter as a cumulative {@code derive} value, written to {@code
   * <dir>/<host>/statsd/derive-<name>-<yyyy-mm-dd>} as {@code epoch,value} lines; the value of the
   * newest line of the newest file is the counter's total.
   */
  final class CollectdCsv implements CounterReader {
    private static final Pattern FILE = Pattern.compile("derive-(.+)-(\\d{4}-\\d{2}-\\d{2})");
    private final Path dir;

    CollectdCsv(Path dir) {
      this.dir = dir;
    }

    @Override
    public Map<String, Double> read() throws IOException {
      Map<String, Double> counters = new HashMap<>();
      Map<String, String> dateOf = new HashMap<>();
      if (!Files.isDirectory(dir)) {
        return counters;
      }
      List<Path> files;
      try (Stream<Path> s = Files.walk(dir)) {
        files =
            s.filter(
                    p ->
                        p.getParent() != null
                            && p.getParent().getFileName().toString().equals("statsd"))
                .toList();
      }
      for (Path f : files) {
        Matcher m = FILE.matcher(f.getFileName().toString());
        if (!m.matches()) {
          continue;
        }
        String name = m.group(1);
        String date = m.group(2);
        if (dateOf.containsKey(name) && dateOf.get(name).compareTo(date) > 0) {
          continue;
        }
        Double last = lastValue(f);
        if (last != null) {
          counters.put(name, last);
          dateOf.put(name, date);
        }
      }
      return counters;
    }

    private static Double lastValue(Path f) throws IOException {
      List<String> lines = Files.readAllLines(f, StandardCharsets.US_ASCII);
      for (int i = lines.size() - 1; i >= 0; i--) {
        String l = lines.get(i);
        int comma = l.indexOf(',');
        if (comma > 0 && Character.isDigit(l.charAt(0))) {
          try {
            return Double.parseDouble(l.substring(comma + 1).trim());
          } catch (NumberFormatException e) {
            // a line being written concurrently: take the one before it
          }
        }
      }
      return null;
    }
  }

  /**
   * collectd's {@code unixsock} plugin: {@code LISTVAL} lists every value in collectd's cache. It
   * only names series (its {@code GETVAL} would return rates for derive values), so {@link #read()}
   * maps each listed statsd counter to NaN; use {@link #countSeries(String)}.
   */
  final class CollectdUnixsock implements CounterReader {
    private final Path socket;

    CollectdUnixsock(Path socket) {
      this.socket = socket;
    }

    @Override
    public Map<String, Double> read() throws IOException {
      Map<String, Double> out = new HashMap<>();
      try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        ch.connect(UnixDomainSocketAddress.of(socket));
        ch.write(ByteBuffer.wrap("LISTVAL\n".getBytes(StandardCharsets.US_ASCII)));
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.US_ASCII),
                1 << 16);
        String status = in.readLine();
        if (status == null || !status.matches("\\d+ .*")) {
          throw new IOException(
              "collectd unixsock " + socket + " answered LISTVAL with: " + status);
        }
        long n = Long.parseLong(status.substring(0, status.indexOf(' ')));
        for (long i = 0; i < n; i++) {
          String l = in.readLine();
          if (l == null) {
            throw new IOException(
                "collectd unixsock " + socket + " listed " + i + " of " + n + " values");
          }
          int mark = l.indexOf("/statsd/derive-");
          if (mark >= 0) {
            out.put(l.substring(mark + "/statsd/derive-".length()), Double.NaN);
          }
        }
      }
      return out;
    }
  }
}
