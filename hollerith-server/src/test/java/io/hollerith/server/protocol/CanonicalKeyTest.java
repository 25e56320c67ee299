package io.hollerith.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.config.ProtocolConfig;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.Tag;
import io.hollerith.server.stats.StatsRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The key bytes the parser writes are exactly the UTF-8 of {@code MetricKey.of(name, tags)
 * .canonical()}, where name and tags come from an independent, String-based reference of the
 * documented rules (Etsy's regexes for the name; control-character stripping for tags).
 */
class CanonicalKeyTest {

  /**
   * Characters for names and tags: structure-free, with white space, controls, and all UTF-8
   * lengths.
   */
  private static final String[] ALPHABET = {
    "a",
    "b",
    "z",
    "A",
    "Q",
    "0",
    "7",
    "_",
    "-",
    ".",
    "=",
    "/",
    " ",
    "  ",
    "\t",
    "$",
    "#",
    "@",
    "!",
    "*",
    "\u0001",
    "\u001F",
    "\u007F",
    "\u0085",
    "\u009F",
    "\u00A0",
    "\u00E9",
    "\u00FF",
    "\u0100",
    "\u3000",
    "\u2009",
    "\uFEFF",
    "\u4E2D",
    "\uD7FF",
    "\uE000",
    "\uF8FF",
    "\uFFFD",
    "\uD83D\uDE00",
    "\uD800\uDC00",
    "\uDBFF\uDFFF",
    "?",
    "&",
    "%",
    "~",
    "'",
    "\"",
    "\\",
    "<",
  };

  private final StatsRegistry stats = new StatsRegistry();
  private final LineParser parser =
      new LineParser(new ProtocolConfig(null, null, null, null), stats);

  @Test
  void keyBytesAreTheCanonicalEncodingOfTheReferenceKey() {
    SplittableRandom random = new SplittableRandom(42);
    int accepted = 0;
    for (int i = 0; i < 100_000; i++) {
      String rawName = randomText(random, 1 + random.nextInt(12), "");
      StringBuilder line = new StringBuilder(rawName);
      List<Tag> expectedTags = new ArrayList<>();
      StringBuilder dogTags = new StringBuilder();
      int tagCount =
          random.nextInt(10) == 0 ? 25 + random.nextInt(39) : random.nextInt(9); // >24: merge sort
      char nameSeparator = random.nextBoolean() ? ',' : ';';
      for (int t = 0; t < tagCount; t++) {
        boolean dog = random.nextBoolean();
        String key = randomText(random, random.nextInt(5), dog ? ":=," : ":=,;");
        String value =
            switch (random.nextInt(4)) {
              case 0 -> null;
              case 1 -> "";
              default -> randomText(random, random.nextInt(8), dog ? "," : ":,;");
            };
        if (dog) {
          dogTags.append(dogTags.length() == 0 ? "|#" : ",").append(key);
          if (value != null) {
            dogTags.append(':').append(value);
          }
        } else {
          line.append(random.nextInt(4) == 0 ? (nameSeparator == ',' ? ';' : ',') : nameSeparator)
              .append(key);
          if (value != null) {
            line.append('=').append(value);
          }
        }
        String k = stripTagKey(key);
        if (!k.isEmpty()) {
          expectedTags.add(new Tag(k, value == null ? null : stripControls(value)));
        }
      }
      line.append(':').append(random.nextInt(100)).append("|c").append(dogTags);
      String expectedName = etsySanitize(rawName);

      byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
      List<byte[]> keys = new ArrayList<>();
      int[] nameLength = new int[1];
      RecordingSink sink =
          new RecordingSink() {
            @Override
            public void accept(Sample s) {
              keys.add(Arrays.copyOf(s.keyBytes(), s.keyLength()));
              nameLength[0] = s.nameLength();
              assertThat(s.keyHash()).isEqualTo(Sample.hashKey(s.keyBytes(), 0, s.keyLength()));
              assertThat(s.toMetricKey().canonical().getBytes(StandardCharsets.UTF_8))
                  .isEqualTo(Arrays.copyOf(s.keyBytes(), s.keyLength()));
            }
          };
      parser.parse(bytes, 0, bytes.length, sink);

      if (expectedName.isEmpty()) {
        assertThat(sink.reasons()).as(line::toString).containsExactly("empty_name");
        continue;
      }
      accepted++;
      MetricKey expected = MetricKey.of(expectedName, expectedTags);
      assertThat(sink.rejects).as(line::toString).isEmpty();
      assertThat(keys).as(line::toString).hasSize(1);
      assertThat(new String(keys.get(0), StandardCharsets.UTF_8))
          .as(line::toString)
          .isEqualTo(expected.canonical());
      assertThat(keys.get(0))
          .as(line::toString)
          .isEqualTo(expected.canonical().getBytes(StandardCharsets.UTF_8));
      assertThat(nameLength[0]).isEqualTo(expectedName.length());
    }
    assertThat(accepted).isGreaterThan(75_000);
  }

  @Test
  void sameTagsInAnySyntaxAndOrderGiveOneKey() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      int n = 1 + random.nextInt(6);
      List<String[]> tags = new ArrayList<>();
      for (int t = 0; t < n; t++) {
        tags.add(
            new String[] {
              randomText(random, 1 + random.nextInt(3), ":=,;\u0001\u001F\u007F\u0085\u009F"),
              randomText(random, random.nextInt(4), ":=,;\u0001\u001F\u007F\u0085\u009F")
            });
      }
      byte[] reference = null;
      for (int variant = 0; variant < 4; variant++) {
        List<String[]> shuffled = new ArrayList<>(tags);
        Collections.shuffle(shuffled, new Random(random.nextLong()));
        StringBuilder line = new StringBuilder("m.x");
        if (variant == 0 || variant == 3) {
          line.append(":1|c");
          for (int t = 0; t < shuffled.size(); t++) {
            line.append(t == 0 ? "|#" : ",")
                .append(shuffled.get(t)[0])
                .append(':')
                .append(shuffled.get(t)[1]);
          }
        } else {
          for (String[] tag : shuffled) {
            line.append(variant == 1 ? ',' : ';').append(tag[0]).append('=').append(tag[1]);
          }
          line.append(":1|c");
        }
        byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
        List<byte[]> keys = new ArrayList<>();
        parser.parse(
            bytes,
            0,
            bytes.length,
            new SampleSink() {
              @Override
              public void accept(Sample s) {
                keys.add(Arrays.copyOf(s.keyBytes(), s.keyLength()));
              }
            });
        assertThat(keys).as(line::toString).hasSize(1);
        if (reference == null) {
          reference = keys.get(0);
        } else {
          assertThat(keys.get(0)).as(line::toString).isEqualTo(reference);
        }
      }
    }
  }

  private static String randomText(SplittableRandom random, int length, String excluded) {
    StringBuilder sb = new StringBuilder();
    while (sb.length() < length) {
      String piece = ALPHABET[random.nextInt(ALPHABET.length)];
      if (piece.chars().noneMatch(ch -> excluded.indexOf(ch) >= 0)) {
        sb.append(piece);
      }
    }
    return sb.toString();
  }

  /** Etsy StatsD 0.9 {@code sanitizeKeyName}, with JavaScript's {@code \s} spelled out. */
  static String etsySanitize(String name) {
    return name.replaceAll(
            "[\\t\\n\\u000B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF]+",
            "_")
        .replace('/', '-')
        .replaceAll("[^a-zA-Z_\\-0-9.;=]", "");
  }

  static String stripControls(String s) {
    return s.replaceAll("[\\u0000-\\u001F\\u007F-\\u009F]", "");
  }

  static String stripTagKey(String s) {
    return stripControls(s).replaceAll("[:=,]", "");
  }
}
