package io.hollerith.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hollerith.server.config.LoggingConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@link LoggingSetup}: the two line formats on standard output, the level, and the access log
 * switch.
 */
class LoggingSetupTest {

  private final Logger access = (Logger) LoggerFactory.getLogger(LoggingSetup.ACCESS_LOGGER);
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

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
      assertThat(lines.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly("GET /stats 200 1ms user=admin remote=127.0.0.1");
      LoggingSetup.apply(new LoggingConfig("text", "WARN", true));
      assertThat(access.isInfoEnabled())
          .as("the access log follows the root level when on")
          .isFalse();
    } finally {
      access.detachAppender(lines);
    }
  }

  /**
   * What the root logger writes to standard output while {@code logging} runs, after {@code config}
   * is applied.
   */
  private static String stdoutOf(LoggingConfig config, Runnable logging) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      LoggingSetup.apply(config);
      logging.run();
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  /** The logger name is shortened from the left to fit 24 characters. */
  @Test
  void textLinesCarryTimeLevelThreadLoggerAndMessage() {
    String out =
        stdoutOf(
            new LoggingConfig("text", "INFO", true),
            () -> {
              LoggerFactory.getLogger("io.hollerith.server.flush.Flusher")
                  .warn("sink {} failed", "graphite");
              LoggerFactory.getLogger("io.hollerith.server.flush.Flusher").debug("not at INFO");
            });
    assertThat(out)
        .matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) WARN  \\["
                + Thread.currentThread().getName()
                + "\\] i\\.h\\.server\\.flush\\.Flusher - sink graphite failed\\R");
  }

  @Test
  void jsonFormatWritesOneObjectPerLine() throws Exception {
    String out =
        stdoutOf(
            new LoggingConfig("json", "INFO", true),
            () -> {
              LoggerFactory.getLogger("io.hollerith.server.Test").info("first");
              LoggerFactory.getLogger("io.hollerith.server.Test").error("second \"quoted\"");
            });
    String[] lines = out.split("\\R");
    assertThat(lines).hasSize(2);
    ObjectMapper json = new ObjectMapper();
    JsonNode first = json.readTree(lines[0]);
    JsonNode second = json.readTree(lines[1]);
    assertThat(first.get("level").asText()).isEqualTo("INFO");
    assertThat(first.get("loggerName").asText()).isEqualTo("io.hollerith.server.Test");
    assertThat(first.get("message").asText()).isEqualTo("first");
    assertThat(second.get("level").asText()).isEqualTo("ERROR");
    assertThat(second.get("message").asText()).isEqualTo("second \"quoted\"");
  }

  @Test
  void theLevelIsReadInAnyCaseAndAnUnknownOneMeansInfo() {
    LoggingSetup.apply(new LoggingConfig("text", "debug", true));
    assertThat(root.getLevel()).isEqualTo(Level.DEBUG);
    LoggingSetup.apply(new LoggingConfig("text", "loud", true));
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    LoggingSetup.apply(new LoggingConfig("text", "Error", true));
    assertThat(root.getLevel()).isEqualTo(Level.ERROR);
    assertThat(root.iteratorForAppenders())
        .toIterable()
        .extracting(a -> a.getName())
        .containsExactly("STDOUT");
  }
}
