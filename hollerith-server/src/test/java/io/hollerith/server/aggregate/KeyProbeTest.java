package io.hollerith.server.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyProbeTest {

  private static boolean same(String bytesOf, String other) {
    byte[] b = bytesOf.getBytes(StandardCharsets.UTF_8);
    byte[] padded = new byte[b.length + 5]; // only the first length bytes count
    System.arraycopy(b, 0, padded, 0, b.length);
    return KeyProbe.equalsUtf8(padded, b.length, other);
  }

  @Test
  void comparesUtf8BytesWithStringsWithoutDecoding() {
    for (String s :
        new String[] {
          "",
          "api.requests",
          "caf\u00e9.latency",
          "\u65e5\u672c.count",
          "emoji.\uD83D\uDE00",
          "t\u001Fenv\u001Eprod"
        }) {
      assertThat(same(s, s)).as(s).isTrue();
    }
    assertThat(same("api.requests", "api.request")).isFalse();
    assertThat(same("api.request", "api.requests")).isFalse();
    assertThat(same("caf\u00e9", "cafe")).isFalse();
    assertThat(same("cafe", "caf\u00e9")).isFalse();
    assertThat(same("\u65e5\u672c", "\u65e5\u672d")).isFalse();
    assertThat(same("emoji.\uD83D\uDE00", "emoji.\uD83D\uDE01")).isFalse();
  }

  @Test
  void malformedBytesMatchTheirLenientDecoding() {
    byte[] bad = {'k', (byte) 0xC3, '.', 'x'};
    String decoded = new String(bad, StandardCharsets.UTF_8);
    assertThat(KeyProbe.equalsUtf8(bad, bad.length, decoded)).isTrue();
    assertThat(KeyProbe.equalsUtf8(bad, bad.length, "k.x")).isFalse();
  }
}
