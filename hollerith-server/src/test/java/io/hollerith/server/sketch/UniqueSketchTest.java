package io.hollerith.server.sketch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link UniqueSketch} estimates against the exact distinct counts the test keeps. */
class UniqueSketchTest {

  /** Three relative standard errors of HLL_8 at lgK 12 ({@code 1.04 / sqrt(4096)} each). */
  private static final double BOUND = 3 * 1.04 / Math.sqrt(1 << UniqueSketch.LG_K);

  @Test
  void smallSetsAreCountedExactlyAndRepeatsCountOnce() {
    UniqueSketch s = UniqueSketch.create();
    assertThat(s.isEmpty()).isTrue();
    assertThat(s.uniqueCount()).isZero();
    Set<String> exact = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      String member = "user-" + (i % 120);
      s.update(member);
      exact.add(member);
    }
    assertThat(s.isEmpty()).isFalse();
    assertThat(s.uniqueCount()).isEqualTo(exact.size());
  }

  @Test
  void largeSetsAreWithinThreeStandardErrors() {
    for (int n : new int[] {5_000, 100_000}) {
      UniqueSketch s = UniqueSketch.create();
      for (int i = 0; i < n; i++) {
        s.update("member-" + i);
        s.update("member-" + (i / 2)); // a repeat of an earlier member
      }
      assertThat(s.estimate()).as("n=%s", n).isBetween(n * (1 - BOUND), n * (1 + BOUND));
      assertThat(s.uniqueCount()).isEqualTo(Math.round(s.estimate()));
    }
  }

  @Test
  void bytesAndStringsOfTheSameMemberAreOneMember() {
    UniqueSketch s = UniqueSketch.create();
    byte[] framed = "xx\u00e9t\u00e9yy".getBytes(StandardCharsets.UTF_8);
    byte[] member = "\u00e9t\u00e9".getBytes(StandardCharsets.UTF_8);
    s.update(framed, 2, member.length);
    s.update(member, 0, member.length);
    assertThat(s.uniqueCount()).isEqualTo(1);
    s.update("other");
    assertThat(s.uniqueCount()).isEqualTo(2);
  }

  @Test
  void aMergeCountsTheUnionNotTheSum() {
    UniqueSketch a = UniqueSketch.create();
    UniqueSketch b = UniqueSketch.create();
    for (int i = 0; i < 40_000; i++) {
      a.update("m" + i);
    }
    for (int i = 20_000; i < 60_000; i++) {
      b.update("m" + i);
    }
    double bBefore = b.estimate();
    UniqueSketch union = a.copy();
    union.merge(b);
    assertThat(union.estimate()).isBetween(60_000 * (1 - BOUND), 60_000 * (1 + BOUND));
    assertThat(b.estimate()).as("the merged-in sketch is unchanged").isEqualTo(bBefore);
    assertThat(a.estimate())
        .as("a copy is independent")
        .isBetween(40_000 * (1 - BOUND), 40_000 * (1 + BOUND));
  }

  @Test
  void encodingRoundTripsKeepTheEstimate() throws MalformedSketchException {
    for (int n : new int[] {0, 1, 50, 20_000}) {
      UniqueSketch s = UniqueSketch.create();
      for (int i = 0; i < n; i++) {
        s.update("k" + i);
      }
      byte[] bytes = s.toBytes();
      assertThat(bytes[0]).isEqualTo((byte) 1);
      UniqueSketch decoded = UniqueSketch.fromBytes(bytes);
      assertThat(decoded.estimate()).as("n=%s", n).isEqualTo(s.estimate());
      assertThat(decoded.isEmpty()).isEqualTo(n == 0);
      decoded.update("k0");
      assertThat(decoded.uniqueCount()).isEqualTo(Math.max(1, s.uniqueCount()));
    }
  }

  @Test
  void malformedBytesAreRejected() {
    assertThatThrownBy(() -> UniqueSketch.fromBytes(new byte[0]))
        .isInstanceOf(MalformedSketchException.class)
        .hasMessage("empty unique sketch encoding");
    assertThatThrownBy(() -> UniqueSketch.fromBytes(null))
        .isInstanceOf(MalformedSketchException.class);
    assertThatThrownBy(() -> UniqueSketch.fromBytes(new byte[] {7, 1, 2}))
        .isInstanceOf(MalformedSketchException.class)
        .hasMessage("unknown unique sketch format 7");
    UniqueSketch s = UniqueSketch.create();
    for (int i = 0; i < 1_000; i++) {
      s.update("k" + i);
    }
    byte[] cut = Arrays.copyOf(s.toBytes(), 6);
    assertThatThrownBy(() -> UniqueSketch.fromBytes(cut))
        .isInstanceOf(MalformedSketchException.class)
        .hasMessageStartingWith("corrupt unique sketch: ");
  }
}
