package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.Tag;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.FlushSnapshot.CounterPoint;
import io.hollerith.server.snapshot.FlushSnapshot.GaugePoint;
import io.hollerith.server.snapshot.FlushSnapshot.SetPoint;
import io.hollerith.server.snapshot.FlushSnapshot.TimerPoint;
import io.hollerith.server.snapshot.TimerStats;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Etsy-exact flushes, checked: real Etsy StatsD 0.9.0 (node, from the npm registry) and an
 * in-process Hollerith server get the same UDP packets in the same order within one flush interval,
 * and every value each flushes must be identical, bit for bit.
 *
 * <p>Etsy runs with a small backend that this test writes: on every flush it appends the {@code
 * metrics} object (counters, counter_rates, gauges, timers, timer_data, sets as arrays,
 * pctThreshold) as one JSON line, with {@code NaN}, {@code ±Infinity} and {@code -0} written as
 * strings so that nothing is lost on the way. Both servers run with the same {@code flushInterval}
 * (3 s), {@code percentThreshold} (several, including negative and fractional ones), {@code
 * histogram} and {@code deleteIdleStats: false}. Packets go out right after an Etsy flush, in
 * chunks that both servers must have counted (Etsy's management {@code counters}, Hollerith's
 * {@code messages.packets_received}) before the next; Hollerith is flushed by hand ({@link
 * io.hollerith.server.flush.Flusher#flushNow()}). If a flush of either cut the batch, the attempt
 * is repeated under a fresh name prefix.
 *
 * <p><b>Tolerances: none.</b> Every double is compared exactly (same bits; {@code NaN} equals
 * {@code NaN}, {@code -0} differs from {@code 0}): both servers see each series' values in the same
 * order (one UDP socket each, one Hollerith ingest thread, loopback keeps datagram order), Etsy
 * sums counters and timer counts in arrival order and Hollerith does too, and the timer statistics
 * are computed over sorted values in Etsy's order of operations ({@code etsy.EtsyTimerMath}). No
 * summation order legitimately differs here.
 *
 * <p>{@link #flushesTheSameValuesAsEtsyStatsd09} compares two intervals (a rich corpus, then a
 * smaller one on the same names: gauges persist and take deltas; idle counters, timers and sets
 * flush zeros): every counter ({@code counters} vs {@link CounterPoint#count()}, {@code
 * counter_rates} vs {@link CounterPoint#ratePerSecond()}), every gauge, every set's unique count,
 * every timer's value count and every {@code timer_data} field (the key sets must be equal too, so
 * a threshold Etsy skips must be skipped by Hollerith), and Etsy's {@code statsd.bad_lines_seen},
 * {@code packets_received} and {@code metrics_received} against {@link
 * FlushSnapshot#processingStats()}. Etsy's {@code processing_time} and {@code statsd.timestamp_lag}
 * depend on timing and are not compared. Its corpus avoids the forms where Hollerith deliberately
 * differs from Etsy; {@link #documentedDivergencesStayAsDocumented} sends those and pins what each
 * server makes of them. One more divergence cannot be sent: a sample rate such as {@code @ 0.5} or
 * {@code @+0.5} kills the Etsy 0.9.0 process.
 *
 * <p>Skipped (JUnit assumption) when {@code node} or the Etsy install is missing, unless the
 * environment variable {@code ETSY_PARITY_REQUIRED} is set (as {@code .ci/run} does), in which case
 * that is a failure. The install: {@value #INSTALL_COMMAND}, from the repository root.
 */
class EtsyParityTest {

  static final String INSTALL_COMMAND =
      "npm install --no-audit --no-fund --prefix .peers/etsy-statsd statsd@0.9.0";

  private static final long INTERVAL_MS = 3000;
  private static final List<Double> THRESHOLDS =
      List.of(90.0, 50.0, 99.9, -10.0, -33.3, 0.5, 100.0, -99.0);

  /** Etsy's {@code histogram}: first entry whose metric is a substring of the timer name wins. */
  private static final String ETSY_HISTOGRAM =
      "[{\"metric\":\"t.hist\",\"bins\":[10,50.5,100,\"inf\"]},{\"metric\":\"\",\"bins\":[250,1000]}]";

  private static final String HOLLERITH_HISTOGRAM =
      "[{metric: 't.hist', bins: [10, 50.5, 100, Infinity]}, {metric: '', bins: [250, 1000]}]";
  private static final int CHUNK = 20;
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Writes each flush as one JSON line to {@code config.parityOut}; synchronous, so a line is whole
   * once it is there.
   */
  private static final String BACKEND_JS =
      """
      'use strict';
      const fs = require('fs');
      function exact(key, v) {
        if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) {
          return Object.is(v, -0) ? '-0' : String(v);
        }
        return v;
      }
      exports.init = function (startupTime, config, events) {
        events.on('flush', function (ts, m) {
          const sets = {};
          for (const k in m.sets) { sets[k] = m.sets[k].values(); }
          const line = JSON.stringify({ ts: ts, counters: m.counters, counter_rates: m.counter_rates,
            gauges: m.gauges, timers: m.timers, timer_data: m.timer_data, sets: sets,
            pctThreshold: m.pctThreshold }, exact);
          fs.appendFileSync(config.parityOut, line + '\\n');
        });
        return true;
      };
      """;

  /** Shared by both tests: starting node and waiting for Etsy's first flush is the slow part. */
  @TempDir static Path dir;

  private static String skipReason;
  private static Process etsy;
  private static Peer peer;
  private static ServerHarness h;
  private static InetSocketAddress etsyUdp;
  private static InetSocketAddress hollerithUdp;

  @BeforeAll
  static void startBoth() throws Exception {
    Path etsyHome = locateEtsy();
    String node = locateNode();
    boolean required = System.getenv("ETSY_PARITY_REQUIRED") != null;
    if (required) {
      assertThat(node).as("node on PATH (ETSY_PARITY_REQUIRED is set)").isNotNull();
      assertThat(etsyHome).as("Etsy StatsD 0.9.0 installed with: " + INSTALL_COMMAND).isNotNull();
    }
    if (node == null) {
      skipReason = "node is not on PATH; Etsy StatsD parity needs Node.js";
      return;
    }
    if (etsyHome == null) {
      skipReason =
          "Etsy StatsD 0.9.0 is not installed; from the repository root run: " + INSTALL_COMMAND;
      return;
    }

    Path flushes = dir.resolve("etsy-flushes.jsonl");
    Files.createFile(flushes);
    Path backend = dir.resolve("parity-backend.js");
    Files.writeString(backend, BACKEND_JS);
    int udpPort = freeUdpPort();
    int mgmtPort = freeTcpPort();
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("address", "127.0.0.1");
    cfg.put("port", udpPort);
    cfg.put("mgmt_address", "127.0.0.1");
    cfg.put("mgmt_port", mgmtPort);
    cfg.put("flushInterval", INTERVAL_MS);
    cfg.put("percentThreshold", THRESHOLDS);
    cfg.put("histogram", JSON.readTree(ETSY_HISTOGRAM));
    cfg.put("deleteIdleStats", false);
    cfg.put("backends", List.of(backend.toString()));
    cfg.put("dumpMessages", false);
    cfg.put("debug", false);
    cfg.put("automaticConfigReload", false);
    cfg.put("parityOut", flushes.toString());
    Path config = dir.resolve("etsy-config.js");
    // A JSON object is a valid JavaScript object literal, which is what Etsy's config file is.
    Files.writeString(config, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg));

    Path log = dir.resolve("etsy.log");
    etsy =
        new ProcessBuilder(node, etsyHome.resolve("stats.js").toString(), config.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    peer = new Peer(etsy, flushes, log, mgmtPort);
    h =
        ServerHarness.start(
            dir.resolve("data"),
            "aggregation.flush_interval=" + INTERVAL_MS + "ms",
            "aggregation.percent_thresholds=" + THRESHOLDS,
            "aggregation.histograms=" + HOLLERITH_HISTOGRAM,
            "aggregation.delete_idle_stats=false");
    // Etsy is ready once its first flush has run: the UDP socket and the backend are up by then.
    peer.awaitFlushesBeyond(0);
    etsyUdp = new InetSocketAddress(InetAddress.getLoopbackAddress(), udpPort);
    hollerithUdp =
        new InetSocketAddress(
            InetAddress.getLoopbackAddress(), h.server.ingestAddresses().udp().getPort());
  }

  /** Each test, not the class, is skipped, so that the report counts and explains the skips. */
  @BeforeEach
  void skipWithoutEtsy() {
    assumeTrue(skipReason == null, skipReason);
  }

  @AfterAll
  static void stopBoth() throws Exception {
    try {
      if (h != null) {
        h.close();
      }
    } finally {
      if (etsy != null) {
        etsy.destroy();
        if (!etsy.waitFor(10, TimeUnit.SECONDS)) {
          etsy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  @Test
  void flushesTheSameValuesAsEtsyStatsd09() throws Exception {
    for (int attempt = 1; attempt <= 3; attempt++) {
      // A fresh prefix per attempt: what an interrupted attempt left behind is not compared.
      String prefix = "p" + attempt + ".";
      Interval first = sendInOneInterval(packets(firstCorpus(prefix)));
      if (first == null) {
        continue;
      }
      Interval second = sendInOneInterval(packets(secondCorpus(prefix)));
      if (second == null) {
        continue;
      }
      Comparison c1 = new Comparison("interval 1", prefix);
      c1.compare(first);
      Comparison c2 = new Comparison("interval 2", prefix);
      c2.compare(second);
      List<String> failures = new ArrayList<>(c1.failures);
      failures.addAll(c2.failures);
      int comparisons = c1.comparisons + c2.comparisons;
      // For the surefire output file: what was compared, and Etsy's own flushes to read by eye.
      System.out.printf(
          Locale.ROOT,
          "attempt %d: %d + %d packets, %d + %d series, %d values compared, %d differences%n",
          attempt,
          first.packets(),
          second.packets(),
          c1.seriesCompared,
          c2.seriesCompared,
          comparisons,
          failures.size());
      System.out.println(
          "Etsy flush 1 (raw timer values left out): " + withoutRawTimers(first.etsy()));
      System.out.println(
          "Etsy flush 2 (raw timer values left out): " + withoutRawTimers(second.etsy()));
      assertThat(c1.seriesCompared).as("series compared in interval 1").isGreaterThanOrEqualTo(60);
      assertThat(failures)
          .as("differences from Etsy StatsD 0.9.0 (%d values compared)", comparisons)
          .isEmpty();
      assertThat(comparisons).isGreaterThan(1000);
      return;
    }
    fail(
        "three attempts in a row did not fit one Etsy flush interval of "
            + INTERVAL_MS
            + " ms; Etsy log:\n"
            + peer.log());
  }

  /**
   * The forms where Hollerith knowingly differs from Etsy 0.9.0 (see the {@code protocol} and
   * {@code aggregate} package docs), sent to both, with what each one makes of them. Pins the
   * documentation: if either side changes, this test says so.
   */
  @Test
  void documentedDivergencesStayAsDocumented() throws Exception {
    for (int attempt = 1; attempt <= 3; attempt++) {
      String p = "d" + attempt + ".";
      List<String> lines =
          List.of(
              p + "rate2:1|c|@2", // rate above 1: Etsy shrinks the count, Hollerith rejects the
              // line
              p + "rate0:1|c|@0", // rate 0: Etsy divides by zero, Hollerith rejects
              p + "rateexp:1|c|@1e-1", // Etsy reads only the digits and dots of a rate: 1e-1 is
              // rate 1
              p + "hexrate:1|c|@0x1", // ... and 0x1 is rate 0
              p + "emptytype:1|", // Etsy counts an empty or unknown type as a counter
              p + "unknowntype:1|q",
              p + "fourth:1|c|@0.5|x", // Etsy ignores a fourth field; Hollerith checks every
              // section
              p + "packed:1:2|c", // DogStatsD packing: Etsy sees a value without type, then 2
              p
                  + "setcolon:a:b|s\n"
                  + p
                  + "setcolon:b|s", // Etsy: bad "a", member "b"; Hollerith: "a:b" and "b"
              p + "inf:Infinity|ms", // Etsy takes Infinity (and 1e400) into its sums; Hollerith
              // rejects
              p + "big:1e400|c",
              p + "h:1|h", // Etsy: an unknown type, so a counter; Hollerith: a timer
              p + "spacems:-1| ms", // Etsy validates the untrimmed type, so a negative timer passes
              p + "spaceset:abc| s", // ... and a set member must then be a number
              p + "dogtag:1|c|#env:prod", // Etsy folds tags into the name; Hollerith keeps them
              // as tags
              p + "graphite;env=prod:1|c",
              p + "influx,env=prod:1|c",
              ":1|c"); // Etsy accepts an empty name; Hollerith rejects the line
      Interval iv = sendInOneInterval(packets(lines));
      if (iv == null) {
        continue;
      }
      JsonNode counters = iv.etsy().get("counters");
      JsonNode timers = iv.etsy().get("timer_data");
      JsonNode sets = iv.etsy().get("sets");
      FlushSnapshot ours = iv.hollerith();

      assertThat(counters.get(p + "rate2").doubleValue()).isEqualTo(0.5);
      assertThat(counters.get(p + "rate0").asText()).isEqualTo("Infinity");
      assertThat(counters.get(p + "rateexp").doubleValue()).isEqualTo(1.0);
      assertThat(counters.get(p + "hexrate").asText()).isEqualTo("Infinity");
      assertThat(counters.get(p + "emptytype").doubleValue()).isEqualTo(1.0);
      assertThat(counters.get(p + "unknowntype").doubleValue()).isEqualTo(1.0);
      assertThat(counters.get(p + "fourth").doubleValue()).isEqualTo(2.0);
      assertThat(counters.get(p + "packed").doubleValue()).isEqualTo(2.0);
      assertThat(sets.get(p + "setcolon")).hasSize(1);
      assertThat(timers.get(p + "inf").get("upper").asText()).isEqualTo("Infinity");
      assertThat(counters.get(p + "big").asText()).isEqualTo("Infinity");
      assertThat(counters.get(p + "h").doubleValue()).isEqualTo(1.0);
      assertThat(timers.get(p + "spacems").get("lower").doubleValue()).isEqualTo(-1.0);
      assertThat(sets.has(p + "spaceset")).isFalse();
      assertThat(counters.get(p + "dogtag;env=prod").doubleValue()).isEqualTo(1.0);
      assertThat(counters.get(p + "graphite;env=prod").doubleValue()).isEqualTo(1.0);
      assertThat(counters.get(p + "influxenv=prod").doubleValue()).isEqualTo(1.0);
      assertThat(counters.get("").doubleValue()).isGreaterThanOrEqualTo(1.0);

      Map<String, Double> ourCounters = new TreeMap<>();
      ours.counters().stream()
          .filter(c -> c.key().name().startsWith(p))
          .forEach(c -> ourCounters.put(c.key().canonical(), c.count()));
      Map<String, TimerPoint> ourTimers = new TreeMap<>();
      ours.timers().stream()
          .filter(t -> t.key().name().startsWith(p))
          .forEach(t -> ourTimers.put(t.key().canonical(), t));
      Map<String, Long> ourSets = new TreeMap<>();
      ours.sets().stream()
          .filter(s -> s.key().name().startsWith(p))
          .forEach(s -> ourSets.put(s.key().canonical(), s.unique()));
      String env = MetricKey.of("x", List.of(new Tag("env", "prod"))).canonical().substring(1);
      assertThat(ourCounters)
          .containsOnly(
              Map.entry(p + "rateexp", 10.0),
              Map.entry(p + "hexrate", 1.0),
              Map.entry(p + "packed", 3.0),
              Map.entry(p + "dogtag" + env, 1.0),
              Map.entry(p + "graphite" + env, 1.0),
              Map.entry(p + "influx" + env, 1.0));
      assertThat(ourTimers).containsOnlyKeys(p + "h");
      assertThat(ourTimers.get(p + "h").stats().sampleCount()).isEqualTo(1);
      assertThat(ourSets)
          .containsOnly(Map.entry(p + "setcolon", 2L), Map.entry(p + "spaceset", 1L));
      assertThat(ours.counters()).noneMatch(c -> c.key().name().isEmpty());
      return;
    }
    fail(
        "three attempts in a row did not fit one Etsy flush interval of "
            + INTERVAL_MS
            + " ms; Etsy log:\n"
            + peer.log());
  }

  // ---------------------------------------------------------------- running one interval

  /** One interval's flush from each server. */
  record Interval(JsonNode etsy, FlushSnapshot hollerith, int packets) {}

  /**
   * Sends the packets to both servers right after an Etsy flush, in chunks that each server must
   * have received before the next is sent (no socket buffer overflows on a loaded machine), then
   * takes Hollerith's snapshot by hand and waits for Etsy's next flush. Returns null when the
   * packets did not all land in one interval of both (the caller retries with a fresh prefix).
   */
  private static Interval sendInOneInterval(List<String> packets) throws Exception {
    int flushes = peer.awaitFlushesBeyond(peer.flushCount());
    // Empties Hollerith's open interval and moves its next scheduled flush at least one interval
    // away.
    h.server.flusher().flushNow();
    LongSupplier hollerithPackets =
        () -> h.server.stats().value("messages", "packets_received").longValue();
    long hollerithBase = hollerithPackets.getAsLong();
    try (DatagramSocket socket =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      int sent = 0;
      for (String packet : packets) {
        byte[] bytes = packet.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, etsyUdp));
        socket.send(new DatagramPacket(bytes, bytes.length, hollerithUdp));
        sent++;
        if (sent % CHUNK == 0 || sent == packets.size()) {
          long target = sent;
          await("Hollerith to receive " + target + " packets")
              .atMost(Duration.ofSeconds(20))
              .until(() -> hollerithPackets.getAsLong() - hollerithBase >= target);
          if (!peer.awaitPacketsReceived(target, flushes)) {
            return null;
          }
        }
      }
    }
    FlushSnapshot snapshot =
        h.server.flusher().flushNow().stream()
            .filter(s -> !s.backfill())
            .reduce((a, b) -> b)
            .orElseThrow();
    Double hollerithCount = snapshot.processingStats().get("statsd.packets_received");
    if (hollerithCount == null || hollerithCount != packets.size()) {
      return null; // a scheduled Hollerith flush cut the interval
    }
    peer.awaitFlushesBeyond(flushes);
    JsonNode etsyFlush = peer.flush(flushes);
    if (etsyFlush.get("counters").get("statsd.packets_received").asLong() != packets.size()) {
      return null; // Etsy's timer cut the interval
    }
    return new Interval(etsyFlush, snapshot, packets.size());
  }

  /** The running Etsy StatsD: its flush file and its management port. */
  private static final class Peer {
    private static final Pattern PACKETS = Pattern.compile("'statsd\\.packets_received': (\\d+)");
    private final Process process;
    private final Path flushes;
    private final Path log;
    private final int mgmtPort;

    Peer(Process process, Path flushes, Path log, int mgmtPort) {
      this.process = process;
      this.flushes = flushes;
      this.log = log;
      this.mgmtPort = mgmtPort;
    }

    String log() throws IOException {
      return Files.readString(log);
    }

    int flushCount() throws IOException {
      return lines().size();
    }

    JsonNode flush(int index) throws IOException {
      return JSON.readTree(lines().get(index));
    }

    private List<String> lines() throws IOException {
      String text = Files.readString(flushes);
      // Only whole lines: the backend writes each flush with one append, newline last.
      List<String> out = new ArrayList<>();
      int start = 0;
      for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        out.add(text.substring(start, nl));
        start = nl + 1;
      }
      return out;
    }

    /** Waits until more than {@code count} flushes have been written; returns the new count. */
    int awaitFlushesBeyond(int count) throws Exception {
      long deadline =
          System.nanoTime() + WAIT.toNanos() + TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS);
      while (true) {
        int n = flushCount();
        if (n > count) {
          return n;
        }
        if (!process.isAlive() || System.nanoTime() > deadline) {
          fail(
              "Etsy StatsD wrote no flush beyond "
                  + count
                  + " (alive: "
                  + process.isAlive()
                  + "); its log:\n"
                  + Files.readString(log));
        }
        Thread.sleep(10);
      }
    }

    /**
     * Polls Etsy's management {@code counters} until {@code statsd.packets_received} (reset at
     * every flush) reaches {@code packets}; false if a flush happened first.
     */
    boolean awaitPacketsReceived(long packets, int flushesBefore) throws Exception {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        if (flushCount() != flushesBefore) {
          return false;
        }
        Matcher m = PACKETS.matcher(managementCounters());
        if (m.find() && Long.parseLong(m.group(1)) >= packets) {
          return flushCount() == flushesBefore;
        }
        Thread.sleep(5);
      }
      fail(
          "Etsy StatsD did not count "
              + packets
              + " packets within "
              + WAIT
              + "; its log:\n"
              + Files.readString(log));
      return false;
    }

    private String managementCounters() throws IOException {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), mgmtPort)) {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write("counters\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        StringBuilder sb = new StringBuilder();
        for (String line = in.readLine();
            line != null && !line.equals("END");
            line = in.readLine()) {
          sb.append(line).append('\n');
        }
        return sb.toString();
      }
    }
  }

  // ---------------------------------------------------------------- comparing

  /** Compares one interval; collects every difference rather than stopping at the first. */
  private static final class Comparison {
    final String label;
    final String prefix;
    final List<String> failures = new ArrayList<>();
    int comparisons;
    int seriesCompared;

    Comparison(String label, String prefix) {
      this.label = label;
      this.prefix = prefix;
    }

    void compare(Interval interval) {
      JsonNode etsy = interval.etsy();
      FlushSnapshot snap = interval.hollerith();

      List<Double> etsyThresholds = new ArrayList<>();
      etsy.get("pctThreshold").forEach(n -> etsyThresholds.add(n.asDouble()));
      if (!etsyThresholds.equals(THRESHOLDS)) {
        failures.add(
            label + ": Etsy's pctThreshold is " + etsyThresholds + ", configured " + THRESHOLDS);
      }

      Map<String, CounterPoint> counters = new TreeMap<>();
      snap.counters().stream()
          .filter(c -> mine(c.key().name()))
          .forEach(c -> counters.put(c.key().name(), c));
      sameKeys("counters", etsyKeys(etsy.get("counters")), counters.keySet());
      sameKeys("counter_rates", etsyKeys(etsy.get("counter_rates")), counters.keySet());
      for (CounterPoint c : counters.values()) {
        String k = c.key().name();
        same("counters[" + k + "]", etsy.get("counters").get(k), c.count());
        same("counter_rates[" + k + "]", etsy.get("counter_rates").get(k), c.ratePerSecond());
        seriesCompared++;
      }

      Map<String, GaugePoint> gauges = new TreeMap<>();
      snap.gauges().stream()
          .filter(g -> mine(g.key().name()))
          .forEach(g -> gauges.put(g.key().name(), g));
      sameKeys("gauges", etsyKeys(etsy.get("gauges")), gauges.keySet());
      for (GaugePoint g : gauges.values()) {
        same("gauges[" + g.key().name() + "]", etsy.get("gauges").get(g.key().name()), g.value());
        seriesCompared++;
      }

      Map<String, SetPoint> sets = new TreeMap<>();
      snap.sets().stream()
          .filter(s -> mine(s.key().name()))
          .forEach(s -> sets.put(s.key().name(), s));
      sameKeys("sets", etsyKeys(etsy.get("sets")), sets.keySet());
      for (SetPoint s : sets.values()) {
        JsonNode members = etsy.get("sets").get(s.key().name());
        comparisons++;
        if (members == null || members.size() != s.unique()) {
          failures.add(
              label
                  + ": sets["
                  + s.key().name()
                  + "] Etsy "
                  + members
                  + " ("
                  + (members == null ? 0 : members.size())
                  + " unique), Hollerith "
                  + s.unique());
        }
        seriesCompared++;
      }

      Map<String, TimerPoint> timers = new TreeMap<>();
      snap.timers().stream()
          .filter(t -> mine(t.key().name()))
          .forEach(t -> timers.put(t.key().name(), t));
      sameKeys("timers", etsyKeys(etsy.get("timers")), timers.keySet());
      sameKeys("timer_data", etsyKeys(etsy.get("timer_data")), timers.keySet());
      for (TimerPoint t : timers.values()) {
        String k = t.key().name();
        JsonNode values = etsy.get("timers").get(k);
        comparisons++;
        if (values == null || values.size() != t.stats().sampleCount()) {
          failures.add(
              label
                  + ": timers["
                  + k
                  + "] Etsy has "
                  + (values == null ? null : values.size())
                  + " values, Hollerith "
                  + t.stats().sampleCount());
        }
        JsonNode data = etsy.get("timer_data").get(k);
        if (data == null) {
          continue;
        }
        Map<String, JsonNode> etsyFields = flatten(data);
        Map<String, Double> ours = timerFields(t.stats());
        sameKeys("timer_data[" + k + "] fields", etsyFields.keySet(), ours.keySet());
        ours.forEach(
            (field, v) -> {
              if (etsyFields.containsKey(field)) {
                same("timer_data[" + k + "]." + field, etsyFields.get(field), v);
              }
            });
        seriesCompared++;
      }

      for (String internal :
          List.of("statsd.bad_lines_seen", "statsd.packets_received", "statsd.metrics_received")) {
        same(
            "counters[" + internal + "] vs processingStats",
            etsy.get("counters").get(internal),
            snap.processingStats().getOrDefault(internal, Double.NaN));
      }
    }

    private boolean mine(String name) {
      return name.startsWith(prefix);
    }

    private SortedSet<String> etsyKeys(JsonNode object) {
      TreeSet<String> keys = new TreeSet<>();
      object
          .fieldNames()
          .forEachRemaining(
              k -> {
                if (mine(k)) {
                  keys.add(k);
                }
              });
      return keys;
    }

    private void sameKeys(String what, Set<String> etsy, Set<String> hollerith) {
      comparisons++;
      if (!etsy.equals(hollerith)) {
        TreeSet<String> onlyEtsy = new TreeSet<>(etsy);
        onlyEtsy.removeAll(hollerith);
        TreeSet<String> onlyOurs = new TreeSet<>(hollerith);
        onlyOurs.removeAll(etsy);
        failures.add(
            label
                + ": "
                + what
                + " keys differ; only in Etsy "
                + onlyEtsy
                + ", only in Hollerith "
                + onlyOurs);
      }
    }

    /**
     * Exact: the same double, bit for bit ({@code NaN} equals {@code NaN}; {@code -0} is not {@code
     * 0}).
     */
    private void same(String what, JsonNode etsy, double hollerith) {
      comparisons++;
      if (etsy == null || etsy.isNull()) {
        failures.add(label + ": " + what + " missing in Etsy's flush, Hollerith " + hollerith);
        return;
      }
      double e = etsy.isTextual() ? Double.parseDouble(etsy.asText()) : etsy.doubleValue();
      if (Double.doubleToLongBits(e) != Double.doubleToLongBits(hollerith)) {
        failures.add(
            String.format(
                Locale.ROOT, "%s: %s Etsy %s, Hollerith %s", label, what, etsy, hollerith));
      }
    }
  }

  private static JsonNode withoutRawTimers(JsonNode flush) {
    ObjectNode copy = flush.deepCopy();
    copy.remove("timers");
    return copy;
  }

  /**
   * Etsy's timer_data object as field → value, with the histogram's bins as {@code
   * histogram.bin_…}.
   */
  private static Map<String, JsonNode> flatten(JsonNode data) {
    Map<String, JsonNode> out = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isObject()) {
        e.getValue()
            .fields()
            .forEachRemaining(bin -> out.put(e.getKey() + "." + bin.getKey(), bin.getValue()));
      } else {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  /** Hollerith's timer statistics under Etsy's timer_data field names. */
  private static Map<String, Double> timerFields(TimerStats s) {
    Map<String, Double> out = new TreeMap<>();
    out.put("count", s.count());
    out.put("count_ps", s.countPerSecond());
    if (s.sampleCount() == 0) {
      return out; // Etsy reports only count and count_ps for a timer without values
    }
    out.put("lower", s.lower());
    out.put("upper", s.upper());
    out.put("sum", s.sum());
    out.put("sum_squares", s.sumSquares());
    out.put("mean", s.mean());
    out.put("median", s.median());
    out.put("std", s.std());
    for (TimerStats.PercentileStats p : s.percentiles()) {
      out.put("count_" + p.suffix(), (double) p.count());
      out.put("mean_" + p.suffix(), p.mean());
      out.put(p.boundName(), p.bound());
      out.put("sum_" + p.suffix(), p.sum());
      out.put("sum_squares_" + p.suffix(), p.sumSquares());
    }
    s.histogram().forEach((bin, n) -> out.put("histogram." + bin, (double) n));
    return out;
  }

  // ---------------------------------------------------------------- the corpus

  /**
   * The first interval's lines, in sending order: counters with sample rates, negative, fractional
   * and oddly written values; gauges with deltas and the negative-value idiom; sets with repeated
   * members; timers with hundreds of seeded random values, sampled timers, timers with 1–3 values
   * (thresholds that round to 0 values are skipped, a negative one covering every value gives NaN),
   * histogram timers; several values per line; and bad lines between good ones.
   */
  static List<String> firstCorpus(String p) {
    Random rnd = new Random(20261122L);
    List<String> lines = new ArrayList<>();
    // Counters.
    for (int i = 0; i < 40; i++) {
      lines.add(p + "c.plain:1|c");
      lines.add(p + "c.rate10:1|c|@0.1");
      lines.add(p + "c.rate50:3|c|@0.5");
      lines.add(p + "c.rate25:2.5|c|@0.25");
      lines.add(p + "c.frac:0.1|c");
      lines.add(
          p
              + "c.mixed:"
              + (rnd.nextInt(2000) - 1000) / 100.0
              + "|c"
              + List.of("", "|@0.1", "|@0.5", "|@0.25").get(i % 4));
    }
    for (int i = 0; i < 10; i++) {
      lines.add(p + "c.neg:-4|c");
      lines.add(p + "c.negfrac:-0.7|c|@0.25");
    }
    lines.add(p + "c.exp:1e3|c");
    lines.add(p + "c.exp:2.5E-2|c");
    lines.add(p + "c.hex:0x10|c");
    lines.add(p + "c.plus:+7|c");
    lines.add(p + "c.dot:.5|c");
    lines.add(p + "c.dot:5.|c");
    lines.add(p + "c.zero:0|c");
    lines.add(p + "c.rateDot:1|c|@.5");
    lines.add(p + "multi:1|c:2|c:3|c|@0.5");
    lines.add(p + "multi:4|c|@0.1:5|c");
    lines.add(p + "mix:1|c:2|ms:3|g:x|s");
    lines.add(p + "c.partial:1|c:oops|c:2|c");
    lines.add(p + "c.sanitized name/with#odd*chars:1|c");
    lines.add(p + "c.idle:1|c");
    lines.add(p + "c.tab\tand  spaces:1|c");
    lines.add(p + "c.unicode-\u00fcn\u00efc\u00f6de:2|c");
    lines.add(p + "c.ws: 5 |c");
    lines.add(p + "c.crlf:1|c|@0.5\r");
    lines.add(p + "c.third:1|c|@0.33");
    lines.add(p + "c.third:1|c|@1");
    lines.add(p + "c.third:1|c|@1.0");
    // Gauges.
    lines.add(p + "g.abs:42|g");
    lines.add(p + "g.abs:+3|g");
    lines.add(p + "g.abs:-1.5|g");
    lines.add(p + "g.neg:0|g");
    lines.add(p + "g.neg:-5|g");
    lines.add(p + "g.deltafirst:+4|g");
    lines.add(p + "g.frac:0.1|g");
    lines.add(p + "g.frac:+0.2|g");
    lines.add(p + "g.rate:5|g|@0.5");
    lines.add(p + "g.over:1|g");
    lines.add(p + "g.over:2|g");
    lines.add(p + "g.exp:1e-3|g");
    lines.add(p + "g.zero:0|g");
    lines.add(p + "g.zero:+0|g");
    lines.add(p + "g.ws:10|g");
    lines.add(p + "g.ws: +5|g");
    lines.add(p + "g.ratedelta:1|g");
    lines.add(p + "g.ratedelta:+1|g|@0.5");
    lines.add(p + "g.crlf:3|g\r");
    // Sets.
    for (int i = 0; i < 200; i++) {
      lines.add(p + "s.users:user" + rnd.nextInt(50) + "|s");
    }
    lines.add(p + "s.num:1|s");
    lines.add(p + "s.num:01|s");
    lines.add(p + "s.num:1.0|s");
    lines.add(p + "s.num:1|s");
    lines.add(p + "s.rate:x|s|@0.5");
    lines.add(p + "s.rate:y|s");
    lines.add(p + "s.empty:|s");
    lines.add(p + "s.empty:0|s");
    lines.add(p + "s.idle:a|s");
    lines.add(p + "s.text:a b|s");
    lines.add(p + "s.text:\u00fc|s");
    lines.add(p + "s.text:1e3|s");
    lines.add(p + "s.text:1000|s");
    lines.add(p + "s.text:a b|s");
    // Timers.
    for (int i = 0; i < 400; i++) {
      lines.add(p + "t.big:" + rnd.nextInt(200_000) / 100.0 + "|ms");
    }
    for (int i = 0; i < 150; i++) {
      lines.add(
          p
              + "t.sampled:"
              + rnd.nextInt(5000) / 10.0
              + "|ms|@"
              + List.of("0.5", "0.1", "0.25").get(i % 3));
    }
    for (int i = 0; i < 120; i++) {
      lines.add(p + "t.hist.latency:" + rnd.nextInt(15000) / 100.0 + "|ms");
    }
    for (int i = 0; i < 100; i++) {
      lines.add(p + "t.dups:" + rnd.nextInt(5) + "|ms");
    }
    for (int i = 0; i < 60; i++) {
      lines.add(
          p
              + "t.wide:"
              + String.format(
                  Locale.ROOT, "%.6e", rnd.nextDouble() * Math.pow(10, rnd.nextInt(12) - 3))
              + "|ms");
    }
    lines.add(p + "t.one:17|ms");
    lines.add(p + "t.two:3|ms");
    lines.add(p + "t.two:9.5|ms");
    lines.add(p + "t.three:0|ms");
    lines.add(p + "t.three:1e2|ms");
    lines.add(p + "t.three:0.001|ms");
    lines.add(p + "t.multi:1|ms:2|ms|@0.5:3|ms");
    lines.add(p + "t.idle:5|ms");
    lines.add(p + "t.huge:1e300|ms");
    lines.add(p + "t.huge:1|ms");
    lines.add(p + "t.hex:0x10|ms");
    lines.add(p + "t.hex:0b101|ms");
    lines.add(p + "t.hex:0o17|ms");
    // Bad lines; the good lines around them must still count.
    lines.add(p + "bad.novalue");
    lines.add(p + "bad.notype:5");
    lines.add(p + "bad.value:abc|c");
    lines.add(p + "bad.negtimer:-3|ms");
    lines.add(p + "bad.rate:1|c|@abc");
    lines.add(p + "bad.negrate:1|c|@-0.5");
    lines.add(p + "bad.section:1|c|x");
    lines.add(p + "bad.blankgauge:|g");
    lines.add(p + "bad.nan:NaN|c");
    lines.add(p + "bad.gaugevalue:12abc|g");
    // Edge forms both read the same way (numbers as JavaScript's Number() reads them).
    lines.add(p + "e.lead0:007|c");
    lines.add(p + "e.lead0:0.5e1|c");
    lines.add(p + "e.ws:\t3\t|c");
    lines.add(p + "e.ws:\u00a03|c");
    lines.add(p + "e.ws:\u000b4|c");
    lines.add(p + "e.gsign:-5|g");
    lines.add(p + "e.types:1|c|@0.5:2|ms|@0.25:3|g:q|s");
    lines.add(p + "e.dblcolon::1|c");
    lines.add(p + "e.trailcolon:1|c:");
    lines.add(p + "e.notype2:1|ms:2");
    lines.add(" ");
    lines.add(p + "e.dotonly:.|c");
    lines.add(p + "e.exponly:1e|c");
    lines.add(p + "e.hexneg:-0x10|c");
    lines.add(p + "e.hexfloat:0x1p3|c");
    // Lines whose order matters are kept together: one element, several lines.
    lines.add(p + "e.blank:1|c\n\n" + p + "e.blank:2|c");
    lines.add(p + "g.negzero:0|g\n" + p + "g.negzero:-0|g");
    lines.add(p + "g.zeroneg:-0|g\n" + p + "g.zeroneg:+0|g");
    lines.add(
        p + "t.zeros:0|ms\n" + p + "t.zeros:-0|ms\n" + p + "t.zeros:5|ms\n" + p + "t.zeros:-0|ms");
    lines.add(
        p
            + "t.zeros2:-0|ms\n"
            + p
            + "t.zeros2:0|ms\n"
            + p
            + "t.zeros2:0|ms\n"
            + p
            + "t.zeros2:-0|ms");
    Collections.shuffle(lines, rnd);
    return lines;
  }

  /** The second interval: deltas on persisting gauges, counters/timers/sets again or idle. */
  static List<String> secondCorpus(String p) {
    Random rnd = new Random(7L);
    List<String> lines = new ArrayList<>();
    lines.add(p + "g.abs:+10|g");
    lines.add(p + "g.neg:-1|g");
    lines.add(p + "g.frac:-0.3|g");
    lines.add(p + "g.zero:-2|g");
    lines.add(p + "g.new:7|g");
    for (int i = 0; i < 30; i++) {
      lines.add(p + "c.frac:0.1|c|@0.1");
      lines.add(p + "s.users:user" + rnd.nextInt(10) + "|s");
      lines.add(p + "t.big:" + rnd.nextInt(1000) / 7.0 + "|ms");
    }
    lines.add(p + "c.plain:-1|c");
    lines.add(p + "t.two:4|ms");
    lines.add(p + "bad.value:zz|c");
    Collections.shuffle(lines, rnd);
    return lines;
  }

  /** Groups lines into packets of 1–20 lines (under 1,400 bytes), some with a trailing newline. */
  static List<String> packets(List<String> lines) {
    Random rnd = new Random(lines.size());
    List<String> packets = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      int want = 1 + rnd.nextInt(20);
      StringBuilder sb = new StringBuilder(lines.get(i++));
      while (want > 1 && i < lines.size() && sb.length() + 1 + lines.get(i).length() < 1400) {
        sb.append('\n').append(lines.get(i++));
        want--;
      }
      if (rnd.nextInt(4) == 0) {
        sb.append('\n');
      }
      packets.add(sb.toString());
    }
    return packets;
  }

  // ---------------------------------------------------------------- environment

  /**
   * The installed {@code statsd} package: {@code -Detsy.statsd.dir}, else {@code
   * .peers/etsy-statsd} above the working directory.
   */
  private static Path locateEtsy() throws IOException {
    String configured = System.getProperty("etsy.statsd.dir", System.getenv("ETSY_STATSD_DIR"));
    List<Path> candidates = new ArrayList<>();
    if (configured != null) {
      candidates.add(Path.of(configured));
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      candidates.add(d.resolve(".peers/etsy-statsd"));
    }
    for (Path c : candidates) {
      Path pkg = c.resolve("node_modules/statsd");
      Path manifest = pkg.resolve("package.json");
      if (Files.isRegularFile(pkg.resolve("stats.js"))
          && Files.isRegularFile(manifest)
          && JSON.readTree(manifest.toFile()).path("version").asText().equals("0.9.0")) {
        return pkg;
      }
    }
    return null;
  }

  private static String locateNode() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String d : path.split(File.pathSeparator)) {
      Path node = Path.of(d, "node");
      if (Files.isExecutable(node)) {
        return node.toString();
      }
    }
    return null;
  }

  private static int freeUdpPort() throws IOException {
    try (DatagramSocket s =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      return s.getLocalPort();
    }
  }

  private static int freeTcpPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
