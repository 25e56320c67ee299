package io.hollerith.server.config;

import java.time.Duration;
import java.util.List;

/**
 * The HTTP API server.
 *
 * @param enabled default true
 * @param address bind address, default {@code 127.0.0.1}
 * @param port default 8080; 0 picks a free port (tests)
 * @param maxRequestBytes largest request body accepted (default 1 MiB); larger requests get 413
 * @param idleTimeout a keep-alive connection with no traffic for this long is closed (default 60 s)
 * @param requestTimeout a request whose head and body have not fully arrived after this long is
 *     answered 408 and its connection closed (default 30 s)
 * @param workerThreads threads that run request handlers, off the network threads, because store
 *     and credential reads block (default 4)
 * @param maxQueuedRequests requests waiting for a worker beyond which new ones get 503 (default
 *     256)
 * @param authFailureLimit failed authentications allowed per client address within {@code
 *     authFailureWindow}; its further failures get 429 instead of 401 (default 10). A valid token
 *     is always admitted.
 * @param authFailureWindow the window for {@code authFailureLimit} (default 1 min)
 * @param maxSeriesBuckets most buckets one {@code /api/v1/series} request may span (default
 *     100,000)
 * @param anonymousMetricsFrom client IP addresses that may scrape {@code /metrics} and {@code
 *     /stats/prometheus} without a token (default none: a bearer token is required)
 * @param tls serve HTTPS instead of HTTP (off by default)
 * @param authFailureMaxAddresses most client addresses whose failed authentications are tracked
 *     (default 10,000); when full, the address that failed least recently is forgotten
 * @param maxConnections most HTTP connections open at once (default 1,000); one more is closed on
 *     accept
 * @param maxBodyBytesInFlight memory all request bodies being received or handled may hold together
 *     (default 64 MiB); a request that would exceed it gets 503
 * @param healthCheckTimeout a {@code /health} check without an answer after this long is reported
 *     down, so the endpoint answers within it whatever a component does (default 500 ms)
 */
public record HttpConfig(
    Boolean enabled,
    String address,
    Integer port,
    Integer maxRequestBytes,
    Duration idleTimeout,
    Duration requestTimeout,
    Integer workerThreads,
    Integer maxQueuedRequests,
    Integer authFailureLimit,
    Duration authFailureWindow,
    Integer maxSeriesBuckets,
    List<String> anonymousMetricsFrom,
    Tls tls,
    Integer authFailureMaxAddresses,
    Integer maxConnections,
    Long maxBodyBytesInFlight,
    Duration healthCheckTimeout) {

  public HttpConfig {
    enabled = enabled != null ? enabled : true;
    address = address != null ? address : "127.0.0.1";
    port = port != null ? port : 8080;
    maxRequestBytes = maxRequestBytes != null ? maxRequestBytes : 1024 * 1024;
    idleTimeout = idleTimeout != null ? idleTimeout : Duration.ofSeconds(60);
    requestTimeout = requestTimeout != null ? requestTimeout : Duration.ofSeconds(30);
    workerThreads = workerThreads != null ? workerThreads : 4;
    maxQueuedRequests = maxQueuedRequests != null ? maxQueuedRequests : 256;
    authFailureLimit = authFailureLimit != null ? authFailureLimit : 10;
    authFailureWindow = authFailureWindow != null ? authFailureWindow : Duration.ofMinutes(1);
    maxSeriesBuckets = maxSeriesBuckets != null ? maxSeriesBuckets : 100_000;
    anonymousMetricsFrom =
        anonymousMetricsFrom != null ? List.copyOf(anonymousMetricsFrom) : List.of();
    tls = tls != null ? tls : new Tls(null, null, null, null, null, null);
    authFailureMaxAddresses = authFailureMaxAddresses != null ? authFailureMaxAddresses : 10_000;
    maxConnections = maxConnections != null ? maxConnections : 1000;
    maxBodyBytesInFlight = maxBodyBytesInFlight != null ? maxBodyBytesInFlight : 64L * 1024 * 1024;
    healthCheckTimeout = healthCheckTimeout != null ? healthCheckTimeout : Duration.ofMillis(500);
  }

  /** The first three settings; everything else at its default. */
  public HttpConfig(Boolean enabled, String address, Integer port) {
    this(
        enabled, address, port, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null);
  }

  /**
   * HTTPS. Give either a PEM certificate chain and PKCS#8 private key, or a PKCS#12 keystore.
   *
   * @param enabled default false
   * @param certificate PEM file with the certificate chain, server certificate first
   * @param privateKey PEM file with the unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY})
   * @param keystore PKCS#12 file holding the key and certificate chain (instead of the two above)
   * @param keystorePassword its password; prefer {@code keystore_password_env}. Never logged.
   * @param keystorePasswordEnv name of an environment variable holding the keystore password
   */
  public record Tls(
      Boolean enabled,
      String certificate,
      String privateKey,
      String keystore,
      String keystorePassword,
      String keystorePasswordEnv) {
    public Tls {
      enabled = enabled != null ? enabled : false;
    }

    /** Never prints the password. */
    @Override
    public String toString() {
      return "Tls[enabled="
          + enabled
          + ", certificate="
          + certificate
          + ", privateKey="
          + privateKey
          + ", keystore="
          + keystore
          + "]";
    }
  }
}
