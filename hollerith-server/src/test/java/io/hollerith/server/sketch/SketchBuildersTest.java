package io.hollerith.server.sketch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The bulk and byte-level builders give exactly the sketches of the value-by-value ones. */
class SketchBuildersTest {

  @Test
  void quantileSketchOfValuesEqualsAcceptingEachInOrder() {
    SplittableRandom random = new SplittableRandom(7);
    for (int n :
        new int[] {
          0, 1, 2, 37, QuantileSketch.MAX_EXACT_VALUES, QuantileSketch.MAX_EXACT_VALUES + 1, 25_000
        }) {
      for (boolean weighted : new boolean[] {false, true}) {
        double[] values = new double[n];
        double[] weights = weighted ? new double[n] : null;
        QuantileSketch oneByOne = QuantileSketch.create();
        for (int i = 0; i < n; i++) {
          values[i] = Math.exp(random.nextDouble(-3, 9)) * (i % 17 == 0 ? -1 : 1);
          double weight = weighted && i % 3 == 1 ? 1 / 0.25 : 1;
          if (weights != null) {
            weights[i] = weight;
          }
          oneByOne.accept(values[i], weight);
        }
        double[] before = values.clone();

        QuantileSketch bulk = QuantileSketch.of(values, weights, n);

        assertThat(bulk.toBytes())
            .as("n=%d weighted=%s", n, weighted)
            .isEqualTo(oneByOne.toBytes());
        if (n > 0) {
          assertThat(bulk.quantile(0.9)).isEqualTo(oneByOne.quantile(0.9));
        }
        assertThat(values).as("the input is not changed").isEqualTo(before);
      }
    }
  }

  @Test
  void uniqueSketchOfByteBuffersEqualsUpdatingWithStrings() {
    List<String> members =
        List.of("user-1", "0", "ünïcödé", "日本語", "emoji \uD83D\uDE00", "user-2", "user-1");
    UniqueSketch fromStrings = UniqueSketch.create();
    UniqueSketch fromBytes = UniqueSketch.create();
    byte[] arena = new byte[256];
    int at = 3;
    for (String m : members) {
      fromStrings.update(m);
      byte[] utf8 = m.getBytes(StandardCharsets.UTF_8);
      System.arraycopy(utf8, 0, arena, at, utf8.length);
      fromBytes.update(ByteBuffer.wrap(arena, at, utf8.length));
      at += utf8.length;
    }
    assertThat(fromBytes.toBytes()).isEqualTo(fromStrings.toBytes());
    assertThat(fromBytes.uniqueCount()).isEqualTo(6);
  }
}
