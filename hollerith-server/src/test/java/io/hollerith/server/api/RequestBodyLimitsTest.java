package io.hollerith.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request bodies are read only after their head is authenticated and authorised, all bodies in
 * flight share one memory budget, and the number of connections is capped: over real sockets, with
 * bodies declared and partly withheld.
 */
class RequestBodyLimitsTest {

  @TempDir Path dir;
  ApiFixture fx;
  final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  Socket open() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), fx.api.address().getPort());
    s.setSoTimeout(10_000);
    sockets.add(s);
    return s;
  }

  /**
   * A POST to the ingest route declaring {@code declared} bytes, with {@code sent} of them written.
   */
  Socket post(String authorization, int declared, int sent, String extraHeaders)
      throws IOException {
    Socket s = open();
    String head =
        "POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\n"
            + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
            + extraHeaders
            + "Content-Length: "
            + declared
            + "\r\n\r\n";
    s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().write(lines(sent));
    s.getOutputStream().flush();
    return s;
  }

  /** {@code n} bytes of valid StatsD lines ending in a newline. */
  static byte[] lines(int n) {
    byte[] b = new byte[n];
    byte[] line = "a.b:1|c\n".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < n; i++) {
      b[i] = line[i % line.length];
    }
    if (n > 0) {
      b[n - 1] = '\n';
    }
    return b;
  }

  /** Reads one response head (up to the blank line) from the socket. */
  static String readHead(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < 16_384; i++) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      out.write(c);
      String text = out.toString(StandardCharsets.ISO_8859_1);
      if (text.endsWith("\r\n\r\n")) {
        break;
      }
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  long inFlight() {
    return fx.stats.value("http", "body_bytes_in_flight").longValue();
  }

  @Test
  void bodiesWithoutValidCredentialsAreRefusedWithoutBeingRead() throws Exception {
    fx = new ApiFixture(dir, ApiFixture.config());
    List<Socket> attackers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      attackers.add(post(i % 2 == 0 ? null : "Token hol_wrong", 1_000_000, 64 * 1024, ""));
    }
    attackers.add(post("Token " + fx.tokens.get("reader@shop"), 1_000_000, 64 * 1024, ""));
    for (int i = 0; i < attackers.size(); i++) {
      String head = readHead(attackers.get(i));
      assertThat(head)
          .as("connection %d", i)
          .startsWith(i == 50 ? "HTTP/1.1 403 " : "HTTP/1.1 401 ")
          .contains("connection: close");
      assertThat(attackers.get(i).getInputStream().read(new byte[4096]))
          .isPositive(); // the JSON error
    }
    assertThat(inFlight()).isZero();
    assertThat(fx.send("POST", "/api/v1/ingest", "admin@root", "a:1|c\n").statusCode())
        .isEqualTo(200);
  }

  @Test
  void bodiesInFlightShareOneMemoryBudget() throws Exception {
    fx =
        new ApiFixture(
            dir,
            ApiFixture.config(
                "http.max_request_bytes=100000", "http.max_body_bytes_in_flight=250000"));
    String admin = "Token " + fx.tokens.get("admin@root");
    Socket first = post(admin, 100_000, 50_000, "");
    await("the first body reserved its declared length")
        .atMost(Duration.ofSeconds(20))
        .until(() -> inFlight() == 100_000);
    Socket second = post(admin, 100_000, 50_000, "");
    await("the second body reserved its declared length")
        .atMost(Duration.ofSeconds(20))
        .until(() -> inFlight() == 200_000);
    Socket third = post(admin, 100_000, 50_000, "");
    assertThat(readHead(third)).startsWith("HTTP/1.1 503 ").containsIgnoringCase("retry-after: 1");
    assertThat(inFlight()).isEqualTo(200_000);
    assertThat(fx.stats.value("http", "rejected_body_memory")).isEqualTo(1L);
    first.getOutputStream().write(lines(50_000));
    first.getOutputStream().flush();
    assertThat(readHead(first)).startsWith("HTTP/1.1 200 ");
    await("the answered body returned its room")
        .atMost(Duration.ofSeconds(20))
        .until(() -> inFlight() == 100_000);
    second.close();
    await("the closed connection returned its room")
        .atMost(Duration.ofSeconds(20))
        .until(() -> inFlight() == 0);
    assertThat(fx.send("POST", "/api/v1/ingest", "admin@root", "a:1|c\n".repeat(1000)).statusCode())
        .isEqualTo(200);
    assertThat(inFlight()).isZero();
  }

  @Test
  void connectionsClosedMidRequestLeaveNothingReserved() throws Exception {
    fx = new ApiFixture(dir, ApiFixture.config());
    String admin = "Token " + fx.tokens.get("admin@root");
    for (int i = 0; i < 100; i++) {
      post(admin, 500_000, i % 10 * 1000, "").close();
    }
    await("every connection closed")
        .atMost(Duration.ofSeconds(20))
        .until(() -> fx.stats.value("http", "connections_open").longValue() == 0);
    await("nothing left reserved").atMost(Duration.ofSeconds(20)).until(() -> inFlight() == 0);
    assertThat(fx.send("POST", "/api/v1/ingest", "admin@root", "a:1|c\n").statusCode())
        .isEqualTo(200);
  }

  @Test
  void aConnectionClosedWhileItsHeadWaitsForAdmissionReservesNothing() throws Exception {
    // A slow health check (within its own timeout) holds the only worker.
    fx =
        new ApiFixture(
            dir, ApiFixture.config("http.worker_threads=1", "http.health_check_timeout=30s"));
    fx.healthDelayMillis.set(1000);
    var health =
        fx.client.sendAsync(
            HttpRequest.newBuilder(URI.create(fx.base + "/health")).build(),
            BodyHandlers.ofString());
    await("the slow request holds the only worker")
        .atMost(Duration.ofSeconds(20))
        .until(() -> fx.stats.value("http", "connections_open").longValue() == 1);
    Socket waiting = post("Token " + fx.tokens.get("admin@root"), 500_000, 0, "");
    await("the second head arrived")
        .atMost(Duration.ofSeconds(20))
        .until(() -> fx.stats.value("http", "connections_open").longValue() == 2);
    waiting.close();
    await("the second connection closed")
        .atMost(Duration.ofSeconds(20))
        .until(() -> fx.stats.value("http", "connections_open").longValue() == 1);
    assertThat(health.get().statusCode()).isEqualTo(200);
    fx.healthDelayMillis.set(0);
    assertThat(fx.get("/health", null).statusCode())
        .isEqualTo(200); // the admission ran before this on the one worker
    assertThat(inFlight()).isZero();
  }

  @Test
  void chunkedBodiesCountAgainstTheBudgetAndTheSizeLimit() throws Exception {
    fx =
        new ApiFixture(
            dir,
            ApiFixture.config(
                "http.max_request_bytes=20000", "http.max_body_bytes_in_flight=20000"));
    Socket s = open();
    String head =
        "POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Token "
            + fx.tokens.get("admin@root")
            + "\r\nTransfer-Encoding: chunked\r\n\r\n";
    s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
    byte[] chunk = lines(8000);
    for (int i = 0; i < 3; i++) {
      s.getOutputStream()
          .write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().write(chunk);
      s.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    s.getOutputStream().write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    assertThat(readHead(s)).startsWith("HTTP/1.1 413 ");
    await("the refused body returned its room")
        .atMost(Duration.ofSeconds(20))
        .until(() -> inFlight() == 0);
    Socket malformed = open();
    malformed
        .getOutputStream()
        .write((head + "5\r\na:1|c\r\nzz\r\n").getBytes(StandardCharsets.US_ASCII));
    malformed.getOutputStream().flush();
    assertThat(readHead(malformed)).startsWith("HTTP/1.1 400 ");
    await("the malformed body returned its room")
        .atMost(Duration.ofSeconds(20))
        .until(() -> inFlight() == 0);
  }

  @Test
  void expectContinueIsAnsweredOnlyForAdmittedRequests() throws Exception {
    fx = new ApiFixture(dir, ApiFixture.config());
    Socket refused = post(null, 6, 0, "Expect: 100-continue\r\n");
    assertThat(readHead(refused)).startsWith("HTTP/1.1 401 ");
    Socket admitted =
        post("Token " + fx.tokens.get("admin@root"), 6, 0, "Expect: 100-continue\r\n");
    assertThat(readHead(admitted)).startsWith("HTTP/1.1 100 Continue");
    admitted.getOutputStream().write("a:1|c\n".getBytes(StandardCharsets.US_ASCII));
    admitted.getOutputStream().flush();
    assertThat(readHead(admitted)).startsWith("HTTP/1.1 200 ");
    Socket odd = post("Token " + fx.tokens.get("admin@root"), 6, 0, "Expect: something-else\r\n");
    assertThat(readHead(odd)).startsWith("HTTP/1.1 417 ");
  }

  @Test
  void connectionsPastTheCapAreClosedOnAccept() throws Exception {
    fx = new ApiFixture(dir, ApiFixture.config("http.max_connections=3"));
    for (int i = 0; i < 3; i++) {
      open();
    }
    await("three connections open")
        .atMost(Duration.ofSeconds(20))
        .until(() -> fx.stats.value("http", "connections_open").longValue() == 3);
    Socket extra = open();
    assertThat(extra.getInputStream().read()).isEqualTo(-1);
    assertThat(fx.stats.value("http", "connections_rejected")).isEqualTo(1L);
    sockets.get(0).close();
    await("a slot freed")
        .atMost(Duration.ofSeconds(20))
        .until(() -> fx.stats.value("http", "connections_open").longValue() == 2);
    assertThat(fx.get("/health", null).statusCode()).isEqualTo(200);
  }
}
