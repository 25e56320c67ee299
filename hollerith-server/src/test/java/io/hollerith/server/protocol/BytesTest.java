package io.hollerith.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BytesTest {

  private static int referenceValueEnd(byte[] b, int from, int to) {
    int i = from;
    while (i < to && b[i] != '|' && b[i] != ':' && b[i] != '\n') {
      i++;
    }
    return i;
  }

  private static boolean referenceAscii(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if ((b[i] & 0xFF) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  @Test
  void valueEndAndAsciiAtEveryByteValueAtEveryPosition() {
    for (int length = 1; length <= 20; length++) {
      for (int position = 0; position < length; position++) {
        for (int c = 0; c < 256; c++) {
          byte[] b = new byte[length];
          Arrays.fill(b, (byte) '5');
          b[position] = (byte) c;
          boolean ends = c == '|' || c == ':' || c == '\n';
          assertThat(Bytes.valueEnd(b, 0, length))
              .as("byte 0x%02x at %d of %d", c, position, length)
              .isEqualTo(ends ? position : length);
          assertThat(Bytes.isAscii(b, 0, length))
              .as("byte 0x%02x at %d of %d", c, position, length)
              .isEqualTo(c < 0x80);
        }
      }
    }
  }

  @Test
  void valueEndIsNotMovedByNeighbouringBytes() {
    for (int before = 0; before < 256; before++) {
      for (int after = 0; after < 256; after++) {
        byte[] b = {'1', '2', (byte) before, (byte) after, '3', '4', '5', '6', '7'};
        assertThat(Bytes.valueEnd(b, 0, b.length))
            .as("0x%02x then 0x%02x", before, after)
            .isEqualTo(referenceValueEnd(b, 0, b.length));
      }
    }
  }

  @Test
  void valueEndAndAsciiAgreeWithTheDefinitionOnRandomRanges() {
    SplittableRandom random = new SplittableRandom(7);
    byte[] common = "0123456789.+-e|:\n\r@#,cgms".getBytes(StandardCharsets.UTF_8);
    for (int round = 0; round < 200_000; round++) {
      byte[] b = new byte[random.nextInt(1, 60)];
      for (int i = 0; i < b.length; i++) {
        b[i] =
            random.nextInt(8) == 0
                ? (byte) random.nextInt(256)
                : common[random.nextInt(common.length)];
      }
      int from = random.nextInt(b.length);
      int to = random.nextInt(from, b.length + 1);
      assertThat(Bytes.valueEnd(b, from, to))
          .as("%s from %d to %d", Arrays.toString(b), from, to)
          .isEqualTo(referenceValueEnd(b, from, to));
      assertThat(Bytes.isAscii(b, from, to))
          .as("%s from %d to %d", Arrays.toString(b), from, to)
          .isEqualTo(referenceAscii(b, from, to));
    }
  }

  /** The definition, byte by byte: {@code [a-zA-Z0-9_.-]}. */
  private static boolean simpleNameByte(byte b) {
    int c = b & 0xFF;
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-'
        || c == '.';
  }

  private static int referenceNameEnd(byte[] b, int from, int limit) {
    int i = from;
    while (i < limit && simpleNameByte(b[i])) {
      i++;
    }
    return i;
  }

  @Test
  void simpleNameEndsAtEveryByteValueAtEveryPosition() {
    for (int length = 1; length <= 24; length++) {
      for (int position = 0; position < length; position++) {
        for (int c = 0; c < 256; c++) {
          byte[] b = new byte[length];
          Arrays.fill(b, (byte) 'a');
          b[position] = (byte) c;
          int expected = simpleNameByte((byte) c) ? length : position;
          assertThat(Bytes.simpleNameEnd(b, 0, length))
              .as("byte 0x%02x at %d of %d", c, position, length)
              .isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void simpleNameEndIsNotMovedByNeighbouringBytes() {
    // Each byte value just before an outside byte, in the same word: no carry or borrow between
    // bytes may move the answer.
    for (int before = 0; before < 256; before++) {
      for (int after = 0; after < 256; after++) {
        byte[] b = {'x', 'y', (byte) before, (byte) after, 'a', 'b', 'c', 'd', 'e'};
        assertThat(Bytes.simpleNameEnd(b, 0, b.length))
            .as("0x%02x then 0x%02x", before, after)
            .isEqualTo(referenceNameEnd(b, 0, b.length));
      }
    }
  }

  @Test
  void simpleNameEndAgreesWithTheDefinitionOnRandomRanges() {
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
      assertThat(Bytes.simpleNameEnd(b, from, limit))
          .as("%s from %d limit %d", Arrays.toString(b), from, limit)
          .isEqualTo(referenceNameEnd(b, from, limit));
    }
  }

  @Test
  void anEmptyNameEndsWhereItStarts() {
    byte[] b = "abcdefghij".getBytes(StandardCharsets.US_ASCII);
    assertThat(Bytes.simpleNameEnd(b, 3, 3)).isEqualTo(3);
    assertThat(Bytes.simpleNameEnd(b, 10, 10)).isEqualTo(10);
  }
}
