package io.hollerith.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.hollerith.server.config.LoggingConfig;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code logging.format}, {@code logging.level} and {@code logging.access_log} once the
 * configuration is known: readable lines by default, one JSON object per line with {@code format:
 * json} (Logback's {@link JsonEncoder}), always to standard output; the HTTP access log is the
 * logger {@link #ACCESS_LOGGER}, turned off with {@code access_log: false}.
 */
public final class LoggingSetup {

  /** The readable layout: ISO time, level, thread, logger, message. */
  public static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{24} - %msg%n";

  /** The logger of the HTTP access log: one INFO line per request. */
  public static final String ACCESS_LOGGER = "io.hollerith.server.api.access";

  private LoggingSetup() {}

  /** Replaces the root logger's appenders according to {@code config}. */
  public static void apply(LoggingConfig config) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Encoder<ILoggingEvent> encoder;
    if (config.format().equals("json")) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(context);
      json.start();
      encoder = json;
    } else {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setContext(context);
      text.setPattern(TEXT_PATTERN);
      text.start();
      encoder = text;
    }
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("STDOUT");
    appender.setEncoder(encoder);
    appender.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
    root.setLevel(Level.toLevel(config.level().toUpperCase(Locale.ROOT), Level.INFO));
    // Null inherits the root level; OFF silences the access log whatever the root level.
    context.getLogger(ACCESS_LOGGER).setLevel(config.accessLog() ? null : Level.OFF);
  }
}
