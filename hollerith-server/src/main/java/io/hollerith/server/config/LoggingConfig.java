package io.hollerith.server.config;

/**
 * Log format and level, and the HTTP access log.
 *
 * @param format {@code text} (default, readable) or {@code json} (one JSON object per line)
 * @param level root log level, default {@code INFO}
 * @param accessLog one line per HTTP request (method, path, status, duration, user, client address)
 *     at INFO on the logger {@code io.hollerith.server.api.access}; default true, false turns it
 *     off
 */
public record LoggingConfig(String format, String level, Boolean accessLog) {
  public LoggingConfig {
    format = format != null ? format : "text";
    level = level != null ? level : "INFO";
    accessLog = accessLog != null ? accessLog : true;
  }

  /** The same with the access log on. */
  public LoggingConfig(String format, String level) {
    this(format, level, null);
  }
}
