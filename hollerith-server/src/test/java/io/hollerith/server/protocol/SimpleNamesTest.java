package io.hollerith.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimpleNamesTest {

  /** The definition, byte by byte: {@code [a-zA-Z0-9_.-]}. */
  private static boolean simple(byte b) {
    int c = b & 0xFF;
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-'
        || c == '.';
  }

  private static int referenceEnd(byte[] b, int from, int limit) {
    int i = from;
    while (i < limit && simple(b[i])) {
      i++;
    }
    return i;
  }

  @Test
  void everyByteValueAtEveryPositionOfAWord() {
    for (int length = 1; length <= 24; length++) {
      for (int position = 0; position < length; position++) {
        for (int c = 0; c < 256; c++) {
          byte[] b = new byte[length];
          Arrays.fill(b, (byte) 'a');
          b[position] = (byte) c;
          int expected = simple((byte) c) ? length : position;
          assertThat(SimpleNames.end(b, 0, length))
              .as("byte 0x%02x at %d of %d", c, position, length)
              .isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void aByteBelowTheFirstOutsideOneNeverHidesIt() {
    // Each byte value just before an outside byte, in the same word: no carry or borrow between
    // bytes may move the answer.
    for (int before = 0; before < 256; before++) {
      for (int after = 0; after < 256; after++) {
        byte[] b = {'x', 'y', (byte) before, (byte) after, 'a', 'b', 'c', 'd', 'e'};
        assertThat(SimpleNames.end(b, 0, b.length))
            .as("0x%02x then 0x%02x", before, after)
            .isEqualTo(referenceEnd(b, 0, b.length));
      }
    }
  }

  @Test
  void agreesWithTheDefinitionOnRandomRangesAndLimits() {
    SplittableRandom random = new SplittableRandom(18);
    byte[] alphabet = "abcXYZ019_.-:|/@#;= \n\r\t\u007f".getBytes(StandardCharsets.UTF_8);
    for (int round = 0; round < 200_000; round++) {
      byte[] b = new byte[random.nextInt(1, 80)];
      for (int i = 0; i < b.length; i++) {
        b[i] =
            random.nextInt(10) == 0
                ? (byte) random.nextInt(256)
                : random.nextInt(4) == 0
                    ? alphabet[random.nextInt(alphabet.length)]
                    : (byte) "abcdefghijklmnopqrstuvwxyz.".charAt(random.nextInt(27));
      }
      int from = random.nextInt(b.length);
      int limit = random.nextInt(from, b.length + 1);
      assertThat(SimpleNames.end(b, from, limit))
          .as("%s from %d limit %d", Arrays.toString(b), from, limit)
          .isEqualTo(referenceEnd(b, from, limit));
    }
  }

  @Test
  void anEmptyRangeEndsWhereItStarts() {
    byte[] b = "abcdefghij".getBytes(StandardCharsets.US_ASCII);
    assertThat(SimpleNames.end(b, 3, 3)).isEqualTo(3);
    assertThat(SimpleNames.end(b, 10, 10)).isEqualTo(10);
  }
}
