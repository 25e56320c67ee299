package io.hollerith.server.config;

/**
 * Log format and level, and the HTTP access log.
 *
 * @param format {@code text} (default, readable) or {@code json} (one JSON object per line)
 * @param level root log level, default {@code INFO}; an unquoted {@code OFF} in YAML arrives as the
 *     boolean false and is read as {@code OFF}
 * @param accessLog one line per HTTP request (method, path, status, duration, user, client address)
 *     at INFO on the logger {@code io.hollerith.server.api.access}; default true, false turns it
 *     off
 */
public record LoggingConfig(String format, String level, Boolean accessLog) {
  public LoggingConfig {
    format = format != null ? format : "text";
    if (level == null) {
      level = "INFO";
    } else if (level.equals("false")) {
      // YAML 1.1 reads an unquoted OFF (or off) as the boolean false; it can only have meant OFF.
      level = "OFF";
    }
    accessLog = accessLog != null ? accessLog : true;
  }

  /** The same with the access log on. */
  public LoggingConfig(String format, String level) {
    this(format, level, null);
  }
}
