package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The leak, lockout and memory probes of the hardening review, run against a whole live server on
 * loopback so that they stay fixed. Every probe is bounded in the number of requests and
 * connections it makes; none measures time.
 */
class SecurityRegressionTest {

  @TempDir Path dir;
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  ServerHarness h;

  @BeforeEach
  void captureLogs() {
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
    root.detachAppender(logs);
  }

  /** Every run of 6 characters of the secret that occurs in the text. */
  static List<String> fragments(String secret, String text) {
    List<String> found = new ArrayList<>();
    for (int i = 0; i + 6 <= secret.length(); i++) {
      if (text.contains(secret.substring(i, i + 6))) {
        found.add(secret.substring(i, i + 6));
      }
    }
    return found;
  }

  private String allLogLines() {
    StringBuilder b = new StringBuilder();
    synchronized (logs) {
      logs.list.forEach(e -> b.append(e.getFormattedMessage()).append('\n'));
    }
    return b.toString();
  }

  @Test
  void theFirstStartSaysWhereTheAdminTokenIsButNeverPrintsIt() throws Exception {
    h = ServerHarness.start(dir.resolve("data"));
    String console = h.console.toString(StandardCharsets.UTF_8);
    Path file = h.server.dataDir().resolve("admin.token");
    assertThat(console).contains("created user 'admin'; its API token is in " + file).contains("cat " + file);
    assertThat(fragments(h.token, console)).isEmpty();
    assertThat(fragments(h.token, allLogLines())).isEmpty();
    assertThat(h.get("/api/v1/whoami").statusCode()).isEqualTo(200);
  }
}
