package io.hollerith.server.config;

import java.util.List;

/**
 * Flush sinks besides the store.
 *
 * @param console print every snapshot (Etsy's console backend); off by default
 * @param graphite send to a Carbon server over the plaintext protocol; off by default
 * @param prometheus how {@code /metrics} exposes the StatsD series
 */
public record SinksConfig(Console console, Graphite graphite, Prometheus prometheus) {
  public SinksConfig {
    console = console != null ? console : new Console(null, null);
    graphite =
        graphite != null
            ? graphite
            : new Graphite(null, null, null, null, null, null, null, null, null, null);
    prometheus = prometheus != null ? prometheus : new Prometheus(null);
  }

  /**
   * The Prometheus exposition ({@code /metrics}).
   *
   * @param timerBuckets upper bounds in seconds of the histogram buckets timers are exported with,
   *     ascending; default statsd_exporter's (Prometheus' default buckets), 5 ms to 10 s
   */
  public record Prometheus(List<Double> timerBuckets) {
    /** statsd_exporter's default timer buckets, in seconds. */
    public static final List<Double> DEFAULT_TIMER_BUCKETS =
        List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

    /** Most buckets a timer histogram may have (each is one series per timer). */
    public static final int MAX_TIMER_BUCKETS = 64;

    public Prometheus {
      timerBuckets = timerBuckets != null ? List.copyOf(timerBuckets) : DEFAULT_TIMER_BUCKETS;
    }
  }

  /**
   * The console sink, Etsy's {@code console} backend.
   *
   * @param enabled default false
   * @param prettyprint indent the JSON (Etsy's {@code console.prettyprint}), default true
   */
  public record Console(Boolean enabled, Boolean prettyprint) {
    public Console {
      enabled = enabled != null ? enabled : false;
      prettyprint = prettyprint != null ? prettyprint : true;
    }
  }

  /**
   * Etsy's graphite backend options.
   *
   * @param enabled default false
   * @param host Carbon host (Etsy's {@code graphiteHost}), required when enabled
   * @param port Carbon plaintext port (Etsy's {@code graphitePort}), default 2003
   * @param legacyNamespace Etsy's {@code graphite.legacyNamespace}, default true
   * @param globalPrefix default {@code stats}
   * @param prefixCounter default {@code counters}
   * @param prefixTimer default {@code timers}
   * @param prefixGauge default {@code gauges}
   * @param prefixSet default {@code sets}
   * @param globalSuffix appended to every key, default empty
   */
  public record Graphite(
      Boolean enabled,
      String host,
      Integer port,
      Boolean legacyNamespace,
      String globalPrefix,
      String prefixCounter,
      String prefixTimer,
      String prefixGauge,
      String prefixSet,
      String globalSuffix) {
    public Graphite {
      enabled = enabled != null ? enabled : false;
      port = port != null ? port : 2003;
      legacyNamespace = legacyNamespace != null ? legacyNamespace : true;
      globalPrefix = globalPrefix != null ? globalPrefix : "stats";
      prefixCounter = prefixCounter != null ? prefixCounter : "counters";
      prefixTimer = prefixTimer != null ? prefixTimer : "timers";
      prefixGauge = prefixGauge != null ? prefixGauge : "gauges";
      prefixSet = prefixSet != null ? prefixSet : "sets";
      globalSuffix = globalSuffix != null ? globalSuffix : "";
    }
  }
}
