package io.hollerith.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyHashTest {

  private static int hash(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return Sample.hashKey(b, 0, b.length);
  }

  @Test
  void dependsOnlyOnTheBytesInRangeNotOnTheirOffset() {
    byte[] key = "app.web.requests;region=eu".getBytes(StandardCharsets.UTF_8);
    byte[] padded = new byte[key.length + 13];
    padded[0] = 'x';
    padded[padded.length - 1] = 'y';
    System.arraycopy(key, 0, padded, 5, key.length);
    assertThat(Sample.hashKey(padded, 5, key.length)).isEqualTo(Sample.hashKey(key, 0, key.length));
  }

  @Test
  void ignoresWhateverFollowsTheKeyInALargerBuffer() {
    // the parser's key buffer keeps bytes of longer earlier lines past the current key
    for (int length = 0; length <= 40; length++) {
      byte[] exact = new byte[length];
      byte[] reused = new byte[64];
      Arrays.fill(reused, (byte) 0xFF);
      for (int i = 0; i < length; i++) {
        exact[i] = (byte) ('a' + i % 26);
        reused[i] = exact[i];
      }
      assertThat(Sample.hashKey(reused, 0, length))
          .as("length %d", length)
          .isEqualTo(Sample.hashKey(exact, 0, length));
    }
  }

  @Test
  void everySingleBitFlipAndEveryLengthChangesTheHash() {
    for (int length = 0; length <= 40; length++) {
      byte[] key = new byte[length + 1];
      for (int i = 0; i < length; i++) {
        key[i] = (byte) ('a' + i % 26);
      }
      int base = Sample.hashKey(key, 0, length);
      // a trailing zero byte is still a different key
      assertThat(Sample.hashKey(key, 0, length + 1))
          .as("length %d + NUL", length)
          .isNotEqualTo(base);
      for (int i = 0; i < length; i++) {
        for (int bit = 0; bit < 8; bit++) {
          key[i] ^= (byte) (1 << bit);
          assertThat(Sample.hashKey(key, 0, length))
              .as("length %d byte %d bit %d", length, i, bit)
              .isNotEqualTo(base);
          key[i] ^= (byte) (1 << bit);
        }
      }
    }
  }

  @Test
  void spreadsSimilarKeysEvenlyOverTheLowBits() {
    int buckets = 4096;
    int keys = 200_000;
    int[] load = new int[buckets];
    Set<Integer> distinct = new HashSet<>();
    for (int i = 0; i < keys; i++) {
      int h = hash("app.web.service" + (i % 1000) + ".requests;host=web-" + (i / 1000));
      distinct.add(h);
      load[h & (buckets - 1)]++;
    }
    assertThat(distinct.size())
        .isGreaterThan(keys - 20); // 32-bit collisions among 200k: ~5 expected
    double mean = (double) keys / buckets;
    double chiSquare = 0;
    for (int l : load) {
      chiSquare += (l - mean) * (l - mean) / mean;
    }
    // 4095 degrees of freedom: mean 4095, standard deviation ≈ 90; a poor hash is far above
    assertThat(chiSquare).isLessThan(4095 + 6 * 90);
  }
}
