package io.hollerith.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No header a client sends can cause a 500: every header the API or its HTTP stack reads is sent
 * with malformed and random values, over raw sockets (so any byte but CR and LF reaches the
 * server), to every route, and every answer must be a complete response below 500. Bounded: a fixed
 * seed and a fixed number of values per header.
 */
class HeaderFuzzTest {

  @TempDir static Path dir;
  static ApiFixture fx;

  static final String RANGE = "&startDate=2019-07-22T17:55:30Z&endDate=2019-07-22T17:57:30Z";
  static final List<String> GETS =
      List.of(
          "/health",
          "/api/openapi.json",
          "/api/v1/whoami",
          "/api/v1/series?metric=shop.orders" + RANGE,
          "/api/v1/metrics",
          "/api/v1/users",
          "/api/v1/tenants",
          "/stats",
          "/stats/prometheus",
          "/metrics");

  /** Headers read by the API (Accept, Authorization) and by the HTTP stack in front of it. */
  static final List<String> HEADERS =
      List.of("Accept", "Authorization", "Accept-Encoding", "Content-Type", "Expect", "Connection");

  static final List<String> NASTY =
      List.of(
          "",
          ";",
          ",",
          ";;",
          ",,",
          ", ;",
          "/",
          "/;",
          "*/*;q=",
          "*/*;q=NaN",
          "application/json;q=1e999",
          "application/json;q=-1",
          "application/json;timestamp",
          "application/json;=unix",
          "application/openmetrics-text;",
          "application/openmetrics-text;q=x",
          "application/openmetrics-text;;q=0.5",
          "=",
          "\"",
          "\"\"",
          "q=0",
          ";q=1",
          "text/*;;;",
          "Token",
          "Bearer",
          "Token ",
          "Bearer  ",
          "hol_",
          "Token hol_",
          "Basic Zm9vOmJhcg==",
          "gzip;q=",
          "gzip;q=abc",
          "deflate, *;q=x",
          "br;q=2",
          "100-continue",
          "200-ok",
          "close, keep-alive",
          "upgrade",
          "\u00e9\u00ff\u0080",
          "\u0000\u0001\u007f",
          "\t;\t,\t");

  static final String ALPHABET =
      ";,=/*\" \tq.0123456789-eE+applicationjsonopenmetricstextTokenBearerhol_\u00e9\u007f";

  @BeforeAll
  static void start() {
    fx = new ApiFixture(dir, ApiFixture.config());
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static List<String> values() {
    List<String> values = new ArrayList<>(NASTY);
    Random random = new Random(13);
    for (int i = 0; i < 20; i++) {
      StringBuilder b = new StringBuilder();
      int n = 1 + random.nextInt(24);
      for (int j = 0; j < n; j++) {
        b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      values.add(b.toString());
    }
    values.add("a".repeat(5000));
    return values;
  }

  @Test
  void noHeaderValueCausesAServerError() throws Exception {
    String token = fx.tokens.get("admin@root");
    List<String> failures = new ArrayList<>();
    int requests = 0;
    for (String header : HEADERS) {
      for (String value : values()) {
        for (String path : GETS) {
          String auth =
              header.equals("Authorization") ? "" : "Authorization: Token " + token + "\r\n";
          requests++;
          check(
              "GET "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\n"
                  + auth
                  + header
                  + ": "
                  + value
                  + "\r\nConnection: close\r\n\r\n",
              header,
              value,
              path,
              failures);
        }
        String body = "shop.orders:1|c\n";
        String auth =
            header.equals("Authorization") ? "" : "Authorization: Token " + token + "\r\n";
        requests++;
        check(
            "POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\n"
                + auth
                + header
                + ": "
                + value
                + "\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n"
                + body,
            header,
            value,
            "/api/v1/ingest",
            failures);
      }
    }
    assertThat(failures).as("of %d requests", requests).isEmpty();
    assertThat(fx.stats.value("http", "server_errors")).isEqualTo(0L);
  }

  @Test
  void malformedFramingHeadersAreRefusedNotFailed() throws Exception {
    String token = fx.tokens.get("admin@root");
    List<String> failures = new ArrayList<>();
    for (String header : List.of("Content-Length", "Transfer-Encoding")) {
      for (String value :
          List.of(
              "-1",
              "abc",
              "1, 2",
              "99999999999999999999",
              "1e3",
              " ",
              "chunked, gzip",
              "gzip",
              "chunked;x",
              "\u00e9")) {
        check(
            "POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Token "
                + token
                + "\r\n"
                + header
                + ": "
                + value
                + "\r\nConnection: close\r\n\r\n",
            header,
            value,
            "/api/v1/ingest",
            failures);
      }
    }
    assertThat(failures).isEmpty();
  }

  /**
   * Sends one raw request and records a failure unless a complete status line below 500 comes back.
   */
  private static void check(
      String request, String header, String value, String path, List<String> failures)
      throws IOException {
    String status = exchange(request);
    boolean ok = status.startsWith("HTTP/1.1 ") && status.length() >= 12 && status.charAt(9) < '5';
    if (!ok) {
      failures.add(header + ": " + printable(value) + " on " + path + " -> " + printable(status));
    }
  }

  static String exchange(String request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), fx.api.address().getPort()),
          5000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int i = 0; i < 200; i++) {
        int c = in.read();
        if (c < 0 || c == '\n') {
          break;
        }
        line.write(c);
      }
      return line.toString(StandardCharsets.ISO_8859_1).trim();
    }
  }

  private static String printable(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
    }
    return b.toString();
  }
}
