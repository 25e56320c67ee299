package io.hollerith.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The measuring half of {@code bench/compare.sh}: sends load to one running StatsD server and
 * judges what it counted. Subcommands:
 *
 * <ul>
 *   <li>{@code search}: the highest lossless rate, by trials of {@code --trial} seconds — a trial
 *       is lossless when every counter's total grew by exactly what was sent (or, with {@code
 *       --count-key}, that one counter grew by the number of metrics sent; with {@code
 *       --mgmt-stats} that figure of Hollerith's management {@code stats}, cumulative, so the
 *       server may flush at any interval during a trial), the port's kernel drop counter in {@code
 *       /proc/net/udp} did not move and no send failed. It doubles the rate from {@code --start}
 *       until a trial loses, then bisects (geometrically) until the bracket is within {@code
 *       --precision}. A search's figure is the highest rate a lossless trial achieved; repeated
 *       {@code --searches} times, median reported. A lossless trial whose achieved rate falls short
 *       of its target (by more than 3 %) ends the search as generator-limited: the server's figure
 *       is then a lower bound. Before the trials, {@code --warmup} (3 s) at {@code --warmup-rate}
 *       (20,000/s, or {@code --start} if lower) warms the JITs and creates the series.
 *   <li>{@code cpu}: CPU seconds ({@code utime+stime} of {@code --pid}) per million metrics at
 *       fixed {@code --rates}, median of {@code --reps}.
 *   <li>{@code memory}: resident memory per idle counter series: RSS of {@code --pid} before and
 *       after {@code --series} new counters were each sent once.
 *   <li>{@code report}: a markdown table of the JSON lines in {@code --results} ({@link
 *       ResultsReport}).
 * </ul>
 *
 * {@code search} and {@code cpu} send {@code --mix} ({@value #DEFAULT_MIX} unless given: real
 * StatsD traffic is timers, gauges and sets as much as counters); {@code memory} sends counters
 * only.
 *
 * <p>{@code --generator} chooses who sends, in every subcommand and in the warm-up: {@code java}
 * (the default) runs the {@link LoadGenerator} in this process; {@code
 * native:/path/to/statsd_blast} runs the C program compiled from {@code
 * hollerith-bench/src/main/c/statsd_blast.c} for each trial ({@link NativeGenerator}), which sends
 * the same packets with {@code sendmmsg} and no JVM, so it needs less CPU below its ceiling. On
 * loopback both ceilings are set by the kernel's work per datagram on the sending core (about 7 M
 * metrics/s at 20 per packet on the 2-core benchmark VM). Trials are judged the same way for both.
 *
 * <p>Results are appended as JSON lines to {@code --results}; progress goes to standard error.
 *
 * <p>Not thread-safe; one measurement at a time.
 */
public final class Measure {

  private static final PrintStream LOG = System.err;

  /**
   * The type mix of {@code search} and {@code cpu} unless {@code --mix} says otherwise: 25 % each.
   */
  static final String DEFAULT_MIX = "c=25,ms=25,g=25,s=25";

  private final LoadGenerator.Args args;
  private final String target;
  private final String setting;
  private final Path results;
  private final int port;
  private final CounterReader reader;
  private final String countKey;
  private final Duration settleStable;
  private final Duration settleMax;
  private final long avoidPeriodSeconds;
  private final Generator generator;

  private Measure(LoadGenerator.Args a, Generator generator) {
    this.args = a;
    this.target = a.string("--name", "server");
    this.setting = a.string("--setting", "default");
    this.results = Path.of(a.string("--results", "bench-results.jsonl"));
    InetSocketAddress udp = a.address("--target", "127.0.0.1:8125");
    this.port = udp.getPort();
    String mgmt = a.string("--mgmt", null);
    String mgmtStats = a.string("--mgmt-stats", null);
    String csv = a.string("--collectd-csv", null);
    String unixsock = a.string("--collectd-unixsock", null);
    this.countKey = a.string("--count-key", null);
    if (mgmtStats != null) {
      if (countKey == null) {
        throw new IllegalArgumentException(
            "--mgmt-stats needs --count-key, the figure to count by");
      }
      this.reader =
          new CounterReader.ManagementStats(a.address("--mgmt-stats", mgmtStats), countKey);
    } else if (mgmt != null) {
      this.reader = new CounterReader.Management(a.address("--mgmt", mgmt));
    } else if (csv != null) {
      this.reader = new CounterReader.CollectdCsv(Path.of(csv));
    } else if (unixsock != null) {
      this.reader = new CounterReader.CollectdUnixsock(Path.of(unixsock));
    } else {
      this.reader = null;
    }
    this.settleStable = a.duration("--settle-stable", "1s");
    this.settleMax = a.duration("--settle-max", "20s");
    this.avoidPeriodSeconds = a.longValue("--avoid-period", 0);
    this.generator = generator;
  }

  /** Entry point: {@code Measure search|cpu|memory|report --option value ...}. */
  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      throw new IllegalArgumentException(
          "usage: Measure search|cpu|memory|report [--options]; see the Javadoc");
    }
    BareReceiver.quietLogging();
    LoadGenerator.Args a = new LoadGenerator.Args(Arrays.copyOfRange(argv, 1, argv.length));
    if (argv[0].equals("report")) {
      String out = ResultsReport.render(Path.of(a.string("--results", "bench-results.jsonl")));
      a.rejectUnknown();
      System.out.print(out);
      return;
    }
    try (Generator generator = Generator.parse(a.string("--generator", "java"))) {
      Measure m = new Measure(a, generator);
      if (m.reader == null) {
        throw new IllegalArgumentException(
            "one of --mgmt host:port, --collectd-csv dir or --collectd-unixsock path is required");
      }
      switch (argv[0]) {
        case "search" -> m.search();
        case "cpu" -> m.cpu();
        case "memory" -> m.memory();
        default ->
            throw new IllegalArgumentException(
                "unknown subcommand '" + argv[0] + "': search, cpu, memory or report");
      }
    }
  }

  private LoadSpec baseSpec(
      String prefix, int lines, int names, TypeMix mix, Duration duration, long maxMetrics) {
    return new LoadSpec(
        args.address("--target", "127.0.0.1:8125"),
        0,
        lines,
        names,
        mix,
        duration,
        maxMetrics,
        (int) args.longValue("--threads", 1),
        prefix,
        args.batched());
  }

  /**
   * {@code --mix}, the even mix of the four StatsD types by default. Loss is judged on the mix's
   * counters (and the kernel's drop counter), so a mix without counters needs {@code --count-key}.
   */
  private TypeMix mix() {
    TypeMix mix = TypeMix.parse(args.string("--mix", DEFAULT_MIX));
    if (countKey == null && !mix.weights().containsKey("c")) {
      throw new IllegalArgumentException(
          "--mix " + mix + " has no counters to judge loss by; add c=... or --count-key");
    }
    return mix;
  }

  // ---------------------------------------------------------------- trials

  /**
   * One run of the generator and what the server made of it: {@code sent} and {@code counted} are
   * what loss is judged by (the mix's counter lines, or every metric with {@code --count-key}),
   * {@code metricsSent} every line sent.
   */
  record Trial(
      long rateTarget,
      double achieved,
      long metricsSent,
      long sent,
      long counted,
      long drops,
      long sendErrors,
      boolean lossless) {
    String toJson() {
      return String.format(
          Locale.ROOT,
          "{\"rate_target\":%d,\"achieved\":%.0f,\"metrics_sent\":%d,\"sent\":%d,\"counted\":%d,\"kernel_drops\":%d,"
              + "\"send_errors\":%d,\"lossless\":%s}",
          rateTarget,
          achieved,
          metricsSent,
          sent,
          counted,
          drops,
          sendErrors,
          lossless);
    }

    /**
     * The metrics the server handled: all those sent, less the counted share of what it lost (a mix
     * counts only its counters, and a lost packet takes every type with it).
     */
    double metricsCounted() {
      return sent == 0 ? 0 : (double) metricsSent * counted / sent;
    }
  }

  /**
   * The highest rate a lossless trial achieved, 0 if none was lossless. Not necessarily the trial
   * with the highest target: when the generator falls short, a trial aimed higher can achieve less
   * than one aimed lower.
   */
  static double highestLossless(List<Trial> trials) {
    double highest = 0;
    for (Trial t : trials) {
      if (t.lossless()) {
        highest = Math.max(highest, t.achieved());
      }
    }
    return highest;
  }

  private Trial trial(LoadSpec spec, PacketPool pool) throws IOException, InterruptedException {
    avoidFlushBoundary(spec.duration());
    Map<String, Double> before = reader.read();
    long drops0 = ProcFs.udpDrops(port);
    LoadResult r = generator.run(spec, pool);
    long counted = settle(before, r);
    long drops = ProcFs.udpDrops(port) - drops0;
    long expected = countKey != null ? r.metricsSent() : r.countersSent();
    boolean lossless =
        r.sendErrors() == 0
            && drops == 0
            && counted == expected
            && (countKey != null || allExact(before, reader.read(), r));
    Trial t =
        new Trial(
            spec.rate(),
            r.achievedRate(),
            r.metricsSent(),
            expected,
            counted,
            drops,
            r.sendErrors(),
            lossless);
    LOG.printf(
        Locale.ROOT,
        "  %s %s %d/pkt rate %,d -> achieved %,.0f sent %,d counted %,d drops %d errors %d %s%n",
        target,
        setting,
        spec.linesPerPacket(),
        spec.rate(),
        t.achieved(),
        t.sent(),
        t.counted(),
        t.drops(),
        t.sendErrors(),
        lossless ? "LOSSLESS" : "LOSS");
    return t;
  }

  /** Waits until the server has counted everything sent, or its count stops moving. */
  private long settle(Map<String, Double> before, LoadResult r)
      throws IOException, InterruptedException {
    long expected = countKey != null ? r.metricsSent() : r.countersSent();
    long deadline = System.nanoTime() + settleMax.toNanos();
    long last = -1;
    long lastChange = System.nanoTime();
    while (true) {
      long counted = counted(before, reader.read(), r);
      long now = System.nanoTime();
      if (counted != last) {
        last = counted;
        lastChange = now;
      }
      if (counted >= expected || now - lastChange >= settleStable.toNanos() || now >= deadline) {
        return counted;
      }
      Thread.sleep(200);
    }
  }

  private long counted(Map<String, Double> before, Map<String, Double> after, LoadResult r) {
    if (countKey != null) {
      return Math.round(after.getOrDefault(countKey, 0.0) - before.getOrDefault(countKey, 0.0));
    }
    long sum = 0;
    for (String name : r.expectedCounterTotals().keySet()) {
      sum += Math.round(after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0));
    }
    return sum;
  }

  private static boolean allExact(
      Map<String, Double> before, Map<String, Double> after, LoadResult r) {
    for (Map.Entry<String, Long> e : r.expectedCounterTotals().entrySet()) {
      long delta =
          Math.round(after.getOrDefault(e.getKey(), 0.0) - before.getOrDefault(e.getKey(), 0.0));
      if (delta != e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Waits until the server's counts stop moving, so a trial starts from settled totals. */
  private void waitStable() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + settleMax.toNanos();
    Map<String, Double> last = reader.read();
    long lastChange = System.nanoTime();
    while (System.nanoTime() < deadline
        && System.nanoTime() - lastChange < settleStable.toNanos()) {
      Thread.sleep(200);
      Map<String, Double> now = reader.read();
      if (!now.equals(last)) {
        last = now;
        lastChange = System.nanoTime();
      }
    }
  }

  /**
   * Servers that flush at wall-clock multiples of their interval (Hollerith) reset counters then; a
   * trial must not straddle that instant, so wait past it when it is near.
   */
  private void avoidFlushBoundary(Duration trial) throws InterruptedException {
    if (avoidPeriodSeconds <= 0) {
      return;
    }
    long nowMs = System.currentTimeMillis();
    long periodMs = avoidPeriodSeconds * 1000;
    long toBoundary = periodMs - nowMs % periodMs;
    long needed = trial.toMillis() + settleMax.toMillis() + 5000;
    if (toBoundary < needed) {
      LOG.printf(
          "  waiting %d s for the server's flush boundary to pass%n", (toBoundary + 5000) / 1000);
      Thread.sleep(toBoundary + 5000);
    }
  }

  // ---------------------------------------------------------------- search

  private void search() throws IOException, InterruptedException {
    int lines = (int) args.longValue("--lines", 1);
    int names = (int) args.longValue("--names", 1000);
    long start = args.longValue("--start", 50_000);
    long max = args.longValue("--max", 20_000_000);
    long min = args.longValue("--min", 1_000);
    double precision = args.doubleValue("--precision", 0.05);
    Duration trialLength = args.duration("--trial", "3s");
    Duration warmup = args.duration("--warmup", "3s");
    long warmupRate = args.longValue("--warmup-rate", Math.min(start, 20_000));
    int searches = (int) args.longValue("--searches", 3);
    int maxTrials = (int) args.longValue("--max-trials", 14);
    TypeMix mix = mix();
    args.rejectUnknown();

    LoadSpec spec = baseSpec("bench", lines, names, mix, trialLength, 0);
    PacketPool pool = new PacketPool(spec.prefix(), names, lines, spec.mix());
    LOG.printf(
        "search %s [%s] %s, %d/packet, %d names, trials of %s, precision %.0f%%, %s generator%n",
        target, setting, mix, lines, names, trialLength, precision * 100, generator.kind());
    // warm both JITs (generator and server) and create the series before anything is judged; a
    // warm-up longer than the server's flush interval at a high rate warms its flush code too
    generator.run(spec.withShape(lines, names, warmup, 0).withRate(warmupRate), pool);
    waitStable();

    List<Double> found = new ArrayList<>();
    List<Boolean> limited = new ArrayList<>();
    List<String> trialsJson = new ArrayList<>();
    long nextStart = start;
    for (int s = 0; s < searches; s++) {
      Trial best = null;
      List<Trial> searchTrials = new ArrayList<>();
      long hi = Long.MAX_VALUE;
      boolean genLimited = false;
      long rate = nextStart;
      for (int n = 0; n < maxTrials; n++) {
        Trial t = trial(spec.withRate(rate), pool);
        searchTrials.add(t);
        trialsJson.add(t.toJson());
        if (t.lossless()) {
          if (best == null || t.rateTarget() > best.rateTarget()) {
            best = t;
          }
          // short of the target while still doubling: the generator, not the server, is the limit
          // (a short stall from a busy neighbour during bisection does not end the search)
          if (hi == Long.MAX_VALUE && t.achieved() < 0.97 * rate) {
            genLimited = true;
            break;
          }
        } else {
          hi = Math.min(hi, rate);
        }
        if (best != null
            && hi != Long.MAX_VALUE
            && (double) hi / best.rateTarget() <= 1 + precision) {
          break;
        }
        long next;
        if (hi == Long.MAX_VALUE) {
          next = Math.min(rate * 2, max);
        } else if (best == null) {
          next = rate / 2;
        } else {
          next = Math.round(Math.sqrt((double) best.rateTarget() * hi));
        }
        if (next == rate || next < min) {
          break;
        }
        rate = next;
      }
      double value = highestLossless(searchTrials);
      found.add(value);
      limited.add(genLimited);
      LOG.printf(
          Locale.ROOT,
          "  search %d: max lossless %,.0f metrics/s%s%n",
          s + 1,
          value,
          genLimited ? " (generator-limited)" : "");
      // later searches start near the first answer: each is still a full bracket of its own
      if (best != null) {
        nextStart = Math.max(min, Math.round(best.rateTarget() * 0.8));
      }
    }
    append(
        String.format(
            Locale.ROOT,
            "{\"kind\":\"search\",\"target\":\"%s\",\"setting\":\"%s\",\"mix\":\"%s\",\"generator\":\"%s\",\"lines\":%d,\"names\":%d,\"trial_s\":%.1f,\"precision\":%s,"
                + "\"values\":%s,\"generator_limited\":%s,\"median\":%.0f,\"trials\":[%s]}",
            target,
            setting,
            mix,
            generator.kind(),
            lines,
            names,
            trialLength.toMillis() / 1000.0,
            precision,
            found,
            limited,
            median(found),
            String.join(",", trialsJson)));
  }

  // ---------------------------------------------------------------- cpu

  private void cpu() throws IOException, InterruptedException {
    long pid = args.longValue("--pid", -1);
    String rates = args.string("--rates", "20000,200000");
    int lines = (int) args.longValue("--lines", 1);
    int names = (int) args.longValue("--names", 1000);
    Duration duration = args.duration("--duration", "10s");
    int reps = (int) args.longValue("--reps", 3);
    long clkTck = args.longValue("--clk-tck", 100);
    TypeMix mix = mix();
    args.rejectUnknown();
    if (pid <= 0) {
      throw new IllegalArgumentException("--pid of the server is required");
    }
    PacketPool pool = new PacketPool("bench", names, lines, mix);
    // what the server burns doing nothing for as long (timers, a collectd write interval...)
    waitStable();
    long idle0 = ProcFs.cpuTicks(pid);
    Thread.sleep(duration.toMillis());
    double idlePerSecond =
        (double) (ProcFs.cpuTicks(pid) - idle0) / clkTck / (duration.toMillis() / 1000.0);
    LOG.printf(
        Locale.ROOT, "  cpu %s %s idle: %.3f s CPU per second%n", target, setting, idlePerSecond);
    for (String rs : rates.split(",")) {
      long rate = Long.parseLong(rs.trim());
      LoadSpec spec = baseSpec("bench", lines, names, mix, duration, 0).withRate(rate);
      List<Double> perMillion = new ArrayList<>();
      List<String> trials = new ArrayList<>();
      for (int i = 0; i < reps; i++) {
        long ticks0 = ProcFs.cpuTicks(pid);
        Trial t = trial(spec, pool);
        long ticks = ProcFs.cpuTicks(pid) - ticks0;
        double cpuSeconds = (double) ticks / clkTck;
        // per million metrics the server actually handled: a lossy run did less work than offered
        double spm = cpuSeconds / (Math.max(1, t.metricsCounted()) / 1e6);
        perMillion.add(spm);
        trials.add(
            t.toJson()
                .replaceFirst(
                    "}$",
                    String.format(
                        Locale.ROOT,
                        ",\"cpu_s\":%.2f,\"cpu_s_per_million\":%.4f}",
                        cpuSeconds,
                        spm)));
        LOG.printf(
            Locale.ROOT,
            "  cpu %s %s %s @%,d/s: %.2f s CPU for %,.0f metrics handled (%,d sent) = %.3f s per million%n",
            target,
            setting,
            mix,
            rate,
            cpuSeconds,
            t.metricsCounted(),
            t.metricsSent(),
            spm);
      }
      append(
          String.format(
              Locale.ROOT,
              "{\"kind\":\"cpu\",\"target\":\"%s\",\"setting\":\"%s\",\"mix\":\"%s\",\"generator\":\"%s\",\"rate\":%d,\"lines\":%d,\"duration_s\":%.1f,\"idle_cpu_s_per_s\":%.3f,"
                  + "\"values\":%s,\"median\":%.4f,\"trials\":[%s]}",
              target,
              setting,
              mix,
              generator.kind(),
              rate,
              lines,
              duration.toMillis() / 1000.0,
              idlePerSecond,
              perMillion,
              median(perMillion),
              String.join(",", trials)));
    }
  }

  // ---------------------------------------------------------------- memory

  private void memory() throws IOException, InterruptedException {
    long pid = args.longValue("--pid", -1);
    int series = (int) args.longValue("--series", 100_000);
    int lines = (int) args.longValue("--lines", 20);
    long rate = args.longValue("--rate", 50_000);
    Duration quiet = args.duration("--quiet", "5s");
    String prefix = args.string("--prefix", "mem");
    // reads one second apart that must agree before the series count is final (collectd only
    // shows a series after its next Interval)
    int stableReads = (int) args.longValue("--stable-reads", 3);
    args.rejectUnknown();
    if (pid <= 0) {
      throw new IllegalArgumentException("--pid of the server is required");
    }
    TypeMix countersOnly = TypeMix.parse(ResultsReport.COUNTERS_ONLY);
    PacketPool pool = new PacketPool(prefix, series, lines, countersOnly);
    Duration duration = Duration.ofMillis(series * 2000L / rate + 30_000);
    LoadSpec spec = baseSpec(prefix, lines, series, countersOnly, duration, series).withRate(rate);
    Thread.sleep(quiet.toMillis());
    long rss0 = ProcFs.rssBytes(pid);
    long drops0 = ProcFs.udpDrops(port);
    LoadResult r = generator.run(spec, pool);
    // RSS first: reading a million-series dump makes the server allocate for the reply
    Thread.sleep(quiet.toMillis());
    long rss1 = ProcFs.rssBytes(pid);
    long seen = -1;
    int unchanged = 0;
    long deadline = System.nanoTime() + settleMax.toNanos() + (stableReads + 60) * 1_000_000_000L;
    while (System.nanoTime() < deadline && unchanged < stableReads) {
      Thread.sleep(1000);
      long now = reader.countSeries(prefix + ".c.");
      unchanged = now == seen ? unchanged + 1 : 0;
      seen = now;
      if (now >= series) {
        break;
      }
    }
    long drops = ProcFs.udpDrops(port) - drops0;
    // when the server lost some of the new series, divide by what it holds
    double perSeries = (double) (rss1 - rss0) / (seen > 0 && seen < series ? seen : series);
    LOG.printf(
        Locale.ROOT,
        "  memory %s: %,d series sent (%,d counted, %d kernel drops), RSS %,d -> %,d = %.0f bytes/series%n",
        target,
        series,
        seen,
        drops,
        rss0,
        rss1,
        perSeries);
    append(
        String.format(
            Locale.ROOT,
            "{\"kind\":\"memory\",\"target\":\"%s\",\"setting\":\"%s\",\"mix\":\"%s\",\"generator\":\"%s\",\"series\":%d,\"series_counted\":%d,\"kernel_drops\":%d,"
                + "\"send_errors\":%d,\"rss_before\":%d,\"rss_after\":%d,\"bytes_per_series\":%.0f}",
            target,
            setting,
            countersOnly,
            generator.kind(),
            series,
            seen,
            drops,
            r.sendErrors(),
            rss0,
            rss1,
            perSeries));
  }

  // ---------------------------------------------------------------- output

  /**
   * Appends one result, stamped with the machine's load averages: on a shared machine a busy
   * neighbour lowers the lossless rates, and the table should show it.
   */
  private void append(String json) throws IOException {
    String stamped =
        json.substring(0, json.length() - 1) + ",\"loadavg_end\":\"" + ProcFs.loadAverage() + "\"}";
    Files.writeString(
        results,
        stamped + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
