package io.hollerith.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hollerith.server.config.LoggingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code logging.access_log} turns the HTTP access log off and on, whatever the root level. */
class LoggingSetupTest {

  private final Logger access = (Logger) LoggerFactory.getLogger(LoggingSetup.ACCESS_LOGGER);

  @AfterEach
  void restoreDefaults() {
    LoggingSetup.apply(new LoggingConfig(null, null, null));
  }

  @Test
  void theAccessLogCanBeTurnedOffAndOnAgain() {
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    access.addAppender(lines);
    try {
      LoggingSetup.apply(new LoggingConfig("text", "INFO", false));
      access.info("GET /health 200 1ms user=- remote=127.0.0.1");
      assertThat(lines.list).isEmpty();
      LoggingSetup.apply(new LoggingConfig("text", "INFO", true));
      access.info("GET /stats 200 1ms user=admin remote=127.0.0.1");
      assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly("GET /stats 200 1ms user=admin remote=127.0.0.1");
      LoggingSetup.apply(new LoggingConfig("text", "WARN", true));
      assertThat(access.isInfoEnabled()).as("the access log follows the root level when on").isFalse();
    } finally {
      access.detachAppender(lines);
    }
  }
}
