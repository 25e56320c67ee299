package io.hollerith.server.config;

/**
 * @param format {@code text} (default, readable) or {@code json} (one JSON object per line)
 * @param level root log level, default {@code INFO}
 */
public record LoggingConfig(String format, String level) {
  public LoggingConfig {
    format = format != null ? format : "text";
    level = level != null ? level : "INFO";
  }
}
