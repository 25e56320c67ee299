package io.hollerith.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * The wire-format vectors: the client's agreed list, every expectation of pystatsd 4.x's own tests,
 * and Python's number printing at the edges. Public test support (in the {@code tests} jar) so that
 * server tests can push the same calls through a running Hollerith, e.g. with {@link
 * ClientTransport}.
 */
public final class PystatsdVectors {

  /**
   * One case: the client's random source always returns {@code random} (-1 always samples, 2 never
   * does), its prefix and {@code maxUdpSize}, the calls to make, and the UDP datagrams pystatsd
   * would send for them. On a stream the same bytes arrive as {@link #streamBytes()}.
   */
  public record Vector(
      String name,
      double random,
      String prefix,
      int maxUdpSize,
      Consumer<StatsClientBase> calls,
      List<String> datagrams) {

    /**
     * What a TCP or Unix stream carries: the datagrams joined by {@code \n}, newline-terminated.
     */
    public String streamBytes() {
      return datagrams.isEmpty() ? "" : String.join("\n", datagrams) + "\n";
    }

    /** The datagrams' lines (several per datagram for pipelines and negative gauges). */
    public List<String> lines() {
      List<String> out = new ArrayList<>();
      for (String d : datagrams) {
        Collections.addAll(out, d.split("\n"));
      }
      return out;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<Vector> VECTORS = new ArrayList<>();

  private PystatsdVectors() {}

  /** All vectors, in a stable order. */
  public static List<Vector> all() {
    return Collections.unmodifiableList(VECTORS);
  }

  private static void v(String name, Consumer<StatsClientBase> calls, String... datagrams) {
    VECTORS.add(new Vector(name, -1, null, 512, calls, List.of(datagrams)));
  }

  private static void v(
      String name,
      double random,
      String prefix,
      int maxUdpSize,
      Consumer<StatsClientBase> calls,
      String... datagrams) {
    VECTORS.add(new Vector(name, random, prefix, maxUdpSize, calls, List.of(datagrams)));
  }

  static {
    // pystatsd test_incr / test_decr
    v("incr", c -> c.incr("foo"), "foo:1|c");
    v("incr 10", c -> c.incr("foo", 10), "foo:10|c");
    v("incr float", c -> c.incr("foo", 1.2), "foo:1.2|c");
    v("incr rate", c -> c.incr("foo", 10, 0.5), "foo:10|c|@0.5");
    v("decr", c -> c.decr("foo"), "foo:-1|c");
    v("decr 10", c -> c.decr("foo", 10), "foo:-10|c");
    v("decr float", c -> c.decr("foo", 1.2), "foo:-1.2|c");
    v("decr rate", c -> c.decr("foo", 1, 0.5), "foo:-1|c|@0.5");
    // test_gauge, test_gauge_delta, the absolute negative gauge
    v("gauge", c -> c.gauge("foo", 30), "foo:30|g");
    v("gauge float", c -> c.gauge("foo", 1.2), "foo:1.2|g");
    v("gauge rate", c -> c.gauge("foo", 70, 0.5), "foo:70|g|@0.5");
    v("gauge delta +", c -> c.gauge("foo", 12, true), "foo:+12|g");
    v("gauge delta -", c -> c.gauge("foo", -13, true), "foo:-13|g");
    v("gauge delta float +", c -> c.gauge("foo", 1.2, true), "foo:+1.2|g");
    v("gauge delta float -", c -> c.gauge("foo", -1.3, true), "foo:-1.3|g");
    v("gauge delta zero", c -> c.gauge("foo", 0, true), "foo:+0|g");
    v("gauge absolute negative", c -> c.gauge("foo", -5), "foo:0|g\nfoo:-5|g");
    v("gauge absolute negative rate sampled", c -> c.gauge("foo", -1, 0.5), "foo:0|g\nfoo:-1|g");
    v("gauge absolute negative rate dropped", 2, null, 512, c -> c.gauge("foo", -1, 0.5));
    v("gauge absolute negative float", c -> c.gauge("foo", -2.5), "foo:0|g\nfoo:-2.5|g");
    // test_set
    v("set", c -> c.set("foo", 10), "foo:10|s");
    v("set float", c -> c.set("foo", 2.3), "foo:2.3|s");
    v("set string", c -> c.set("foo", "bar"), "foo:bar|s");
    v("set rate", c -> c.set("foo", 2.3, 0.5), "foo:2.3|s|@0.5");
    // test_timing, test_timedelta
    v("timing", c -> c.timing("foo", 100), "foo:100.000000|ms");
    v("timing 350", c -> c.timing("foo", 350), "foo:350.000000|ms");
    v("timing rate", c -> c.timing("foo", 100, 0.5), "foo:100.000000|ms|@0.5");
    v("timing 1.5 s", c -> c.timing("foo", Duration.ofMillis(1500)), "foo:1500.000000|ms");
    v("timing 1.5 days", c -> c.timing("foo", Duration.ofHours(36)), "foo:129600000.000000|ms");
    v("timing sub-ms", c -> c.timing("foo", 0.25), "foo:0.250000|ms");
    v("timing nanos", c -> c.timing("foo", Duration.ofNanos(1_234_567)), "foo:1.234567|ms");
    // test_prepare and test_prefix
    v("prepare 50 ms", c -> c.timing("bar", 50, 0.5), "bar:50.000000|ms|@0.5");
    v("prepare gauge", c -> c.gauge("baz", 23), "baz:23|g");
    v("prefix", -1, "foo", 512, c -> c.incr("bar"), "foo.bar:1|c");
    v(
        "prefix with dots",
        -1,
        "app.web",
        512,
        c -> c.gauge("mem", -3),
        "app.web.mem:0|g\napp.web.mem:-3|g");
    v("empty prefix is none", -1, "", 512, c -> c.incr("bar"), "bar:1|c");
    // test_big_numbers
    v("big gauge", c -> c.gauge("foo", 1234568901234L), "foo:1234568901234|g");
    v("big incr", c -> c.incr("foo", 1234568901234L), "foo:1234568901234|c");
    v("big timing", c -> c.timing("foo", 1234568901234L), "foo:1234568901234.000000|ms");
    v("long max", c -> c.incr("foo", Long.MAX_VALUE), "foo:9223372036854775807|c");
    v("decr long min", c -> c.decr("foo", Long.MIN_VALUE), "foo:9223372036854775808|c");
    // test_rate_no_send
    v("rate no send", 2, null, 512, c -> c.incr("foo", 1, 0.5));
    v("rate equal to random sends", 0.5, null, 512, c -> c.incr("foo", 1, 0.5), "foo:1|c|@0.5");
    v("rate 1 has no suffix", 2, null, 512, c -> c.incr("foo", 1, 1.0), "foo:1|c");
    v("rate above 1 has no suffix", 2, null, 512, c -> c.incr("foo", 1, 2.0), "foo:1|c");
    v("rate 0.1", c -> c.timing("foo", 3, 0.1), "foo:3.000000|ms|@0.1");
    // Python's float printing at the edges
    v("float 1e-05", c -> c.incr("foo", 1e-5), "foo:1e-05|c");
    v("float 0.0001", c -> c.incr("foo", 1e-4), "foo:0.0001|c");
    v("float 1e16", c -> c.gauge("foo", 1e16), "foo:1e+16|g");
    v("float integral", c -> c.gauge("foo", 30.0), "foo:30.0|g");
    v("float 0.1+0.2", c -> c.set("foo", 0.1 + 0.2), "foo:0.30000000000000004|s");
    v("float nan gauge", c -> c.gauge("foo", Double.NaN), "foo:nan|g");
    v("float nan delta", c -> c.gauge("foo", Double.NaN, true), "foo:nan|g");
    v("float inf delta", c -> c.gauge("foo", Double.POSITIVE_INFINITY, true), "foo:+inf|g");
    v("float -inf absolute", c -> c.gauge("foo", Double.NEGATIVE_INFINITY), "foo:0|g\nfoo:-inf|g");
    v("float -0.0 absolute", c -> c.gauge("foo", -0.0), "foo:-0.0|g");
    v("float -0.0 delta", c -> c.gauge("foo", -0.0, true), "foo:+-0.0|g");
    v("decr float zero", c -> c.decr("foo", 0.0), "foo:-0.0|c");
    v("timing negative", c -> c.timing("foo", -1.5), "foo:-1.500000|ms");
    v("timing tiny negative", c -> c.timing("foo", -1e-9), "foo:-0.000000|ms");
    v("timing half-even tie", c -> c.timing("foo", 0.0078125), "foo:0.007812|ms");
    @SuppressWarnings(
        "FloatingPointLiteralPrecision") // written as Python's pystatsd tests write it
    double tenToThe23 = 1e23;
    v("timing 1e23", c -> c.timing("foo", tenToThe23), "foo:99999999999999991611392.000000|ms");
    v("timing nan", c -> c.timing("foo", Double.NaN), "foo:nan|ms");
    // test_pipeline, test_pipeline_manager, negative gauge in a pipeline
    v(
        "pipeline",
        c -> {
          Pipeline p = c.pipeline();
          p.incr("foo");
          p.decr("bar");
          p.timing("baz", 320);
          p.send();
        },
        "foo:1|c\nbar:-1|c\nbaz:320.000000|ms");
    v(
        "pipeline manager",
        c -> {
          try (Pipeline p = c.pipeline()) {
            p.incr("foo");
            p.decr("bar");
            p.gauge("baz", 15);
          }
        },
        "foo:1|c\nbar:-1|c\nbaz:15|g");
    v(
        "pipeline negative gauge",
        c -> {
          try (Pipeline p = c.pipeline()) {
            p.gauge("foo", -10);
            p.incr("bar");
          }
        },
        "foo:0|g\nfoo:-10|g\nbar:1|c");
    v("pipeline null", c -> c.pipeline().send());
    v(
        "pipeline prefix",
        -1,
        "pfx",
        512,
        c -> {
          try (Pipeline p = c.pipeline()) {
            p.incr("a");
            p.gauge("b", -1);
          }
        },
        "pfx.a:1|c\npfx.b:0|g\npfx.b:-1|g");
    v(
        "nested pipeline",
        c -> {
          try (Pipeline outer = c.pipeline()) {
            outer.incr("a");
            try (Pipeline inner = outer.pipeline()) {
              inner.incr("b");
              inner.incr("c");
            }
            outer.incr("d");
          }
        },
        "a:1|c\nb:1|c\nc:1|c\nd:1|c");
    // test_pipeline_packet_size: 32 lines of 20 bytes. 24 lines make 503 bytes; a 25th would
    // make 503 + 1 + 20 = 524 >= 512, so the first datagram has 24 lines and the second 8.
    String sixteenLine = "sixteen_char_str:1|c";
    v(
        "pipeline packet size",
        c -> {
          Pipeline p = c.pipeline();
          for (int i = 0; i < 32; i++) {
            p.incr("sixteen_char_str");
          }
          p.send();
        },
        String.join("\n", Collections.nCopies(24, sixteenLine)),
        String.join("\n", Collections.nCopies(8, sixteenLine)));
    // A negative gauge whose two lines do not fit together goes as two packets (the internal
    // pipeline's rule); on a stream it is still one write.
    String longName = "n".repeat(253);
    v(
        "gauge negative too long for one packet",
        c -> c.gauge(longName, -5),
        longName + ":0|g",
        longName + ":-5|g");
    // DogStatsD tags (not pystatsd: an addition for servers that accept them)
    v("tags", c -> c.withTags("k:v", "k2").incr("foo", 1, 0.5), "foo:1|c|@0.5|#k:v,k2");
    v(
        "tags accumulate",
        c -> c.withTags("a:1").withTags("b").timing("t", 2),
        "t:2.000000|ms|#a:1,b");
    v(
        "tags negative gauge",
        c -> c.withTags("env:prod").gauge("foo", -5),
        "foo:0|g|#env:prod\nfoo:-5|g|#env:prod");
    v(
        "tags pipeline",
        -1,
        "app",
        512,
        c -> {
          try (Pipeline p = c.withTags("h:x").pipeline()) {
            p.incr("a");
            p.set("u", "bob");
          }
        },
        "app.a:1|c|#h:x\napp.u:bob|s|#h:x");
  }
}
