package io.hollerith.server.config;

/**
 * Flush sinks besides the store.
 *
 * @param console print every snapshot (Etsy's console backend); off by default
 * @param graphite send to a Carbon server over the plaintext protocol; off by default
 */
public record SinksConfig(Console console, Graphite graphite) {
  public SinksConfig {
    console = console != null ? console : new Console(null, null);
    graphite = graphite != null ? graphite : new Graphite(null, null, null, null, null, null, null, null, null, null);
  }

  /**
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
