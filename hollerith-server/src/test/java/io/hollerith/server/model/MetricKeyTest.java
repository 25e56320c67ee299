package io.hollerith.server.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link MetricKey}'s canonical encoding, its ordering, and {@link Tag}. */
class MetricKeyTest {

  private static final char TAGS = '\u001F';
  private static final char VALUE = '\u001E';

  @Test
  void theCanonicalEncodingIsTheNameThenEachSortedTagAfterItsSeparators() {
    MetricKey key =
        MetricKey.of(
            "api.latency",
            List.of(new Tag("route", "/users"), new Tag("canary", null), new Tag("az", "1")));
    assertThat(key.canonical())
        .isEqualTo(
            "api.latency"
                + TAGS
                + "az"
                + VALUE
                + "1"
                + TAGS
                + "canary"
                + TAGS
                + "route"
                + VALUE
                + "/users");
    assertThat(key.name()).isEqualTo("api.latency");
    assertThat(key.tags())
        .containsExactly(new Tag("az", "1"), new Tag("canary", null), new Tag("route", "/users"));
    assertThat(key).hasToString("api.latency#az:1,canary,route:/users");
    assertThat(MetricKey.of("plain").canonical()).isEqualTo("plain");
    assertThat(MetricKey.of("plain")).hasToString("plain");
    assertThat(MetricKey.of("plain").hasTags()).isFalse();
    assertThat(key.hasTags()).isTrue();
  }

  @Test
  void tagOrderAndRepeatedTagsDoNotMakeAnotherSeries() {
    MetricKey a =
        MetricKey.of("hits", List.of(new Tag("b", "2"), new Tag("a", "1"), new Tag("b", "2")));
    MetricKey b = MetricKey.of("hits", List.of(new Tag("a", "1"), new Tag("b", "2")));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.tags()).hasSize(2);
    assertThat(a.compareTo(b)).isZero();
    MetricKey otherValue = MetricKey.of("hits", List.of(new Tag("a", "1"), new Tag("b", "3")));
    assertThat(a).isNotEqualTo(otherValue);
    assertThat(MetricKey.of("hits", List.of(new Tag("a", null))))
        .isNotEqualTo(MetricKey.of("hits", List.of(new Tag("a", ""))));
    assertThat(MetricKey.of("hits", null))
        .isEqualTo(MetricKey.of("hits", List.of()))
        .isEqualTo(MetricKey.of("hits"));
    assertThatThrownBy(() -> a.tags().add(new Tag("c", null)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void theCanonicalEncodingDecodesToTheSameKey() {
    List<MetricKey> keys =
        List.of(
            MetricKey.of("a"),
            MetricKey.of("caf\u00e9.temp", List.of(new Tag("zone", "\u00e9t\u00e9"))),
            MetricKey.of(
                "x", List.of(new Tag("bare", null), new Tag("k", ""), new Tag("k2", "v:w=z"))));
    for (MetricKey key : keys) {
      assertThat(MetricKey.fromCanonical(key.canonical())).isEqualTo(key);
      assertThat(MetricKey.fromCanonical(key.canonical()).tags()).isEqualTo(key.tags());
      byte[] utf8 = key.canonical().getBytes(StandardCharsets.UTF_8);
      byte[] framed = new byte[utf8.length + 6];
      System.arraycopy(utf8, 0, framed, 3, utf8.length);
      assertThat(MetricKey.fromCanonical(framed, 3, utf8.length)).isEqualTo(key);
    }
    // Decoding sorts, so a hand-written encoding in another order names the same series.
    assertThat(MetricKey.fromCanonical("n" + TAGS + "z" + TAGS + "a" + VALUE + "1"))
        .isEqualTo(MetricKey.of("n", List.of(new Tag("a", "1"), new Tag("z", null))));
  }

  @Test
  void keysOrderAsTheirCanonicalStringsSoASeriesTaggedVariantsFollowIt() {
    MetricKey bare = MetricKey.of("a");
    MetricKey tagged = MetricKey.of("a", List.of(new Tag("k", "v")));
    MetricKey longer = MetricKey.of("a.b");
    MetricKey taggedTwice = MetricKey.of("a", List.of(new Tag("k", "v"), new Tag("l", null)));
    List<MetricKey> shuffled = new ArrayList<>(List.of(longer, taggedTwice, bare, tagged));
    Collections.shuffle(shuffled, new Random(5));
    Collections.sort(shuffled);
    assertThat(shuffled).containsExactly(bare, tagged, taggedTwice, longer);

    Random random = new Random(9);
    for (int i = 0; i < 500; i++) {
      MetricKey x = randomKey(random);
      MetricKey y = randomKey(random);
      assertThat(Integer.signum(x.compareTo(y)))
          .as("%s vs %s", x, y)
          .isEqualTo(Integer.signum(x.canonical().compareTo(y.canonical())));
      assertThat(x.compareTo(y) == 0).isEqualTo(x.equals(y));
    }
  }

  private static MetricKey randomKey(Random random) {
    List<Tag> tags = new ArrayList<>();
    for (int t = random.nextInt(3); t > 0; t--) {
      tags.add(
          new Tag(
              String.valueOf((char) ('a' + random.nextInt(3))),
              random.nextBoolean() ? null : String.valueOf(random.nextInt(3))));
    }
    return MetricKey.of(random.nextBoolean() ? "m" : "m.n", tags);
  }

  @Test
  void tagsSortByKeyThenBareBeforeAnyValue() {
    List<Tag> tags =
        new ArrayList<>(
            List.of(
                new Tag("b", "1"),
                new Tag("a", "2"),
                new Tag("a", null),
                new Tag("a", ""),
                new Tag("a", "10")));
    Collections.sort(tags);
    assertThat(tags)
        .containsExactly(
            new Tag("a", null),
            new Tag("a", ""),
            new Tag("a", "10"),
            new Tag("a", "2"),
            new Tag("b", "1"));
    assertThat(new Tag("a", null).compareTo(new Tag("a", null))).isZero();
    assertThat(new Tag("env", "prod")).hasToString("env:prod");
    assertThat(new Tag("canary", null)).hasToString("canary");
    assertThatThrownBy(() -> new Tag(null, "v"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
  }
}
