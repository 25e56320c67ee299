package io.hollerith.server.config;

/**
 * The HTTP API server.
 *
 * @param enabled default true
 * @param address bind address, default {@code 127.0.0.1}
 * @param port default 8080; 0 picks a free port (tests)
 */
public record HttpConfig(Boolean enabled, String address, Integer port) {
  public HttpConfig {
    enabled = enabled != null ? enabled : true;
    address = address != null ? address : "127.0.0.1";
    port = port != null ? port : 8080;
  }
}
