package io.hollerith.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

class BytesTest {

  /** Where {@link Bytes#valueEnd} stops, byte by byte. */
  private static boolean valueStop(int c) {
    return c == '|' || c == ':' || c == '\n';
  }

  /** Where {@link Bytes#simpleNameEnd} stops: outside {@code [a-zA-Z0-9_.-]}, byte by byte. */
  private static boolean nameStop(int c) {
    return !((c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-'
        || c == '.');
  }

  /** One search over {@code b[from..to)}. */
  private interface RangeSearch {
    int end(byte[] b, int from, int to);
  }

  /** A range of a byte array, and how it was made (for assertion messages). */
  private record Range(byte[] b, int from, int to, String description) {}

  private static int referenceEnd(IntPredicate stop, byte[] b, int from, int to) {
    int i = from;
    while (i < to && !stop.test(b[i] & 0xFF)) {
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

  /** Ranges of {@code filler} with one byte replaced by each value 0-255, at every position. */
  private static void forEveryByteAtEveryPosition(
      int maxLength, char filler, Consumer<Range> check) {
    for (int length = 1; length <= maxLength; length++) {
      for (int position = 0; position < length; position++) {
        for (int c = 0; c < 256; c++) {
          byte[] b = new byte[length];
          Arrays.fill(b, (byte) filler);
          b[position] = (byte) c;
          check.accept(
              new Range(
                  b, 0, length, String.format("byte 0x%02x at %d of %d", c, position, length)));
        }
      }
    }
  }

  /**
   * Every pair of byte values at positions 2 and 3 of a nine-byte {@code template}: no carry or
   * borrow between the bytes of a word may move an answer.
   */
  private static void checkNeighbours(String template, RangeSearch search, IntPredicate stop) {
    for (int before = 0; before < 256; before++) {
      for (int after = 0; after < 256; after++) {
        byte[] b = template.getBytes(StandardCharsets.US_ASCII);
        b[2] = (byte) before;
        b[3] = (byte) after;
        assertThat(search.end(b, 0, b.length))
            .as("0x%02x then 0x%02x", before, after)
            .isEqualTo(referenceEnd(stop, b, 0, b.length));
      }
    }
  }

  /** 200,000 random ranges of random arrays of up to {@code maxLength} bytes. */
  private static void forRandomRanges(
      long seed, int maxLength, ToIntFunction<SplittableRandom> randomByte, Consumer<Range> check) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 200_000; round++) {
      byte[] b = new byte[random.nextInt(1, maxLength)];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) randomByte.applyAsInt(random);
      }
      int from = random.nextInt(b.length);
      int to = random.nextInt(from, b.length + 1);
      check.accept(new Range(b, from, to, Arrays.toString(b) + " from " + from + " to " + to));
    }
  }

  private static void checkValueEndAndAscii(Range r) {
    assertThat(Bytes.valueEnd(r.b(), r.from(), r.to()))
        .as(r.description())
        .isEqualTo(referenceEnd(BytesTest::valueStop, r.b(), r.from(), r.to()));
    assertThat(Bytes.isAscii(r.b(), r.from(), r.to()))
        .as(r.description())
        .isEqualTo(referenceAscii(r.b(), r.from(), r.to()));
  }

  @Test
  void valueEndAndAsciiAtEveryByteValueAtEveryPosition() {
    forEveryByteAtEveryPosition(20, '5', BytesTest::checkValueEndAndAscii);
  }

  @Test
  void valueEndIsNotMovedByNeighbouringBytes() {
    checkNeighbours("12xx34567", Bytes::valueEnd, BytesTest::valueStop);
  }

  @Test
  void valueEndAndAsciiAgreeWithTheDefinitionOnRandomRanges() {
    byte[] common = "0123456789.+-e|:\n\r@#,cgms".getBytes(StandardCharsets.UTF_8);
    forRandomRanges(
        7,
        60,
        random ->
            random.nextInt(8) == 0 ? random.nextInt(256) : common[random.nextInt(common.length)],
        BytesTest::checkValueEndAndAscii);
  }

  @Test
  void simpleNameEndsAtEveryByteValueAtEveryPosition() {
    forEveryByteAtEveryPosition(
        24,
        'a',
        r ->
            assertThat(Bytes.simpleNameEnd(r.b(), r.from(), r.to()))
                .as(r.description())
                .isEqualTo(referenceEnd(BytesTest::nameStop, r.b(), r.from(), r.to())));
  }

  @Test
  void simpleNameEndIsNotMovedByNeighbouringBytes() {
    checkNeighbours("xyxxabcde", Bytes::simpleNameEnd, BytesTest::nameStop);
  }

  @Test
  void simpleNameEndAgreesWithTheDefinitionOnRandomRanges() {
    byte[] alphabet = "abcXYZ019_.-:|/@#;= \n\r\t\u007f".getBytes(StandardCharsets.UTF_8);
    String letters = "abcdefghijklmnopqrstuvwxyz.";
    forRandomRanges(
        18,
        80,
        random ->
            random.nextInt(10) == 0
                ? random.nextInt(256)
                : random.nextInt(4) == 0
                    ? alphabet[random.nextInt(alphabet.length)]
                    : letters.charAt(random.nextInt(letters.length())),
        r ->
            assertThat(Bytes.simpleNameEnd(r.b(), r.from(), r.to()))
                .as(r.description())
                .isEqualTo(referenceEnd(BytesTest::nameStop, r.b(), r.from(), r.to())));
  }

  @Test
  void anEmptyNameEndsWhereItStarts() {
    byte[] b = "abcdefghij".getBytes(StandardCharsets.US_ASCII);
    assertThat(Bytes.simpleNameEnd(b, 3, 3)).isEqualTo(3);
    assertThat(Bytes.simpleNameEnd(b, 10, 10)).isEqualTo(10);
  }

  @Test
  void theSimpleNameBytesAreExactlyTheDefinition() {
    for (int c = 0; c < 256; c++) {
      assertThat(Bytes.isSimpleNameByte(c)).as("0x%02x", c).isEqualTo(!nameStop(c));
    }
  }
}
