package io.hollerith.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * No error answer and no log line holds any part of a credential, wherever a careless client puts
 * its token: an Authorization header without a scheme or with a wrong one, the path, the query, the
 * method.
 */
class CredentialLeakTest {

  @TempDir Path dir;
  ApiFixture fx;
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void start() {
    logs.start();
    root.addAppender(logs);
    fx = new ApiFixture(dir, ApiFixture.config());
  }

  @AfterEach
  void stop() {
    fx.close();
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

  @Test
  void aTokenInTheWrongPlaceIsNeverEchoedNorLogged() throws Exception {
    String token = fx.tokens.get("admin@root");
    List<HttpResponse<String>> answers = new ArrayList<>();
    answers.add(fx.get("/api/v1/whoami", null, Map.of("Authorization", token)));
    answers.add(fx.get("/api/v1/whoami", null, Map.of("Authorization", token + "x and more")));
    answers.add(fx.get("/api/v1/whoami", null, Map.of("Authorization", "Token " + token + "x")));
    answers.add(fx.get("/api/v1/" + token, "reader@root"));
    answers.add(fx.send(token.toUpperCase(Locale.ROOT), "/api/v1/series", "admin@root", null));
    answers.add(fx.send(token, "/api/v1/series", "admin@root", null));
    assertThat(answers)
        .extracting(HttpResponse::statusCode)
        .containsExactly(401, 401, 401, 404, 405, 405);
    String badEscape =
        fx.raw(
            "GET /api/v1/metrics?cursor="
                + token
                + "%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Token "
                + fx.tokens.get("reader@root")
                + "\r\nConnection: close\r\n\r\n");
    assertThat(badEscape).startsWith("HTTP/1.1 400 ").contains("[redacted]");
    assertThat(fragments(token, badEscape)).isEmpty();
    assertThat(HttpApiTest.alert(answers.get(0)))
        .isEqualTo(
            "Authorization header without a scheme: send 'Authorization: Token <token>' or 'Authorization: Bearer <token>'");
    assertThat(HttpApiTest.alert(answers.get(1)))
        .isEqualTo("Unsupported authorization scheme: use 'Token <token>' or 'Bearer <token>'");
    assertThat(HttpApiTest.alert(answers.get(3))).isEqualTo("No such endpoint: /api/v1/[redacted]");
    fx.auth.close();
    answers.add(fx.get("/api/v1/whoami?debug=" + token, "admin@root"));
    assertThat(answers.get(answers.size() - 1).statusCode()).isEqualTo(503);
    for (HttpResponse<String> r : answers) {
      assertThat(fragments(token, r.body())).as(r.body()).isEmpty();
      assertThat(fragments(token, r.headers().map().toString())).isEmpty();
    }
    awaitLogLines(answers.size() + 1);
    synchronized (logs) {
      assertThat(logs.list)
          .anySatisfy(
              e ->
                  assertThat(e.getFormattedMessage())
                      .startsWith("credential store failure on GET /api/v1/whoami"));
      for (ILoggingEvent e : logs.list) {
        String line =
            e.getFormattedMessage()
                + (e.getThrowableProxy() == null
                    ? ""
                    : ThrowableProxyUtil.asString(e.getThrowableProxy()));
        assertThat(fragments(token, line)).as(line).isEmpty();
      }
    }
  }

  /**
   * Waits (bounded) for the access lines of the answered requests, which are written after the
   * answer.
   */
  private void awaitLogLines(int accessLines) {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              synchronized (logs) {
                return logs.list.stream().filter(e -> e.getLoggerName().endsWith(".access")).count()
                    >= accessLines;
              }
            });
  }
}
