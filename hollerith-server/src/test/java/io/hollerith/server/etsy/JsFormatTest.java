package io.hollerith.server.etsy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node's {@code util.inspect}, as Etsy's management replies use it (its numbers are {@code
 * JsNumbers}', tested in {@code JsNumbersTest}). Expected strings were produced by Node 20; the
 * differential test re-checks random cases against the {@code node} on this machine when there is
 * one.
 */
class JsFormatTest {

  @Test
  void inspect_shortObjectOnOneLine() {
    Map<String, Object> counters = new LinkedHashMap<>();
    counters.put("statsd.bad_lines_seen", 0.0);
    counters.put("statsd.packets_received", 3.0);
    counters.put("gorets", 12.5);
    assertThat(JsFormat.inspect(counters))
        .isEqualTo(
            "{\n  'statsd.bad_lines_seen': 0,\n  'statsd.packets_received': 3,\n  gorets: 12.5\n}");
    assertThat(JsFormat.inspect(Map.of("a", 1.0))).isEqualTo("{ a: 1 }");
    assertThat(JsFormat.inspect(Map.of())).isEqualTo("{}");
  }

  @Test
  void inspect_longArraysGroupedInColumns() {
    List<Double> values = new ArrayList<>(List.of(320.0, 100.0));
    for (int i = 1; i <= 32; i++) {
      values.add((double) i);
    }
    assertThat(JsFormat.inspect(Map.of("glork", values)))
        .isEqualTo(
            """
        {
          glork: [
            320, 100,  1,  2,  3,  4,  5,  6,  7,
              8,   9, 10, 11, 12, 13, 14, 15, 16,
             17,  18, 19, 20, 21, 22, 23, 24, 25,
             26,  27, 28, 29, 30, 31, 32
          ]
        }""");
  }

  @Test
  void inspect_keysQuotedAndOrderedAsJavaScriptDoes() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", 1.0);
    m.put("10", 2.0);
    m.put("it's", 3.0);
    m.put("2", -0.0);
    assertThat(JsFormat.inspect(m)).isEqualTo("{ '2': -0, '10': 2, b: 1, \"it's\": 3 }");
    assertThat(JsFormat.inspect(Map.of("s", new LinkedHashSet<>(List.of("a", "b")))))
        .isEqualTo("{ s: Set(2) { 'a', 'b' } }");
  }

  /**
   * Random objects of every shape Etsy dumps, compared with the local Node.js when one is
   * installed.
   */
  @Test
  void inspect_matchesNodeOnRandomObjects(@TempDir Path dir) throws Exception {
    Path node = findNode();
    assumeTrue(node != null, "node is not installed");
    Random random = new Random(42);
    List<Map<String, Object>> cases = new ArrayList<>();
    for (int c = 0; c < 400; c++) {
      cases.add(randomObject(random));
    }
    StringBuilder js = new StringBuilder("const util = require('util');\nconst cases = [\n");
    for (Map<String, Object> m : cases) {
      js.append(toJs(m)).append(",\n");
    }
    js.append("];\nfor (const c of cases) process.stdout.write(util.inspect(c) + '\\u0000');\n");
    Path script = dir.resolve("cases.js");
    Files.writeString(script, js);
    Process p =
        new ProcessBuilder(node.toString(), script.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String[] expected = out.split("\u0000", -1);
    assertThat(expected.length - 1).as(out).isEqualTo(cases.size());
    for (int i = 0; i < cases.size(); i++) {
      assertThat(JsFormat.inspect(cases.get(i)))
          .as("case %d: %s", i, toJs(cases.get(i)))
          .isEqualTo(expected[i]);
    }
  }

  private static Map<String, Object> randomObject(Random r) {
    Map<String, Object> m = new LinkedHashMap<>();
    int shape = r.nextInt(3);
    int size = r.nextInt(4) == 0 ? r.nextInt(30) : r.nextInt(5);
    for (int i = 0; i < size; i++) {
      String key = randomKey(r);
      if (shape == 0) {
        m.put(key, randomNumber(r));
      } else if (shape == 1) {
        int n = r.nextInt(3) == 0 ? r.nextInt(130) : r.nextInt(12);
        List<Double> values = new ArrayList<>();
        for (int j = 0; j < n; j++) {
          values.add(randomNumber(r));
        }
        m.put(key, values);
      } else {
        int n = r.nextInt(8);
        LinkedHashSet<String> members = new LinkedHashSet<>();
        for (int j = 0; j < n; j++) {
          members.add(randomKey(r));
        }
        m.put(key, members);
      }
    }
    return m;
  }

  private static String randomKey(Random r) {
    String[] pool = {
      "gorets",
      "glork",
      "a.b.c",
      "api.requests_total",
      "x-y",
      "123",
      "0",
      "07",
      "name#env:prod,az",
      "it's",
      "q\"uote",
      "back\\slash",
      "_under",
      "very.long.metric.name.with.many.segments.for.wrapping",
      "tab\there",
      "ünï"
    };
    return r.nextInt(3) == 0
        ? pool[r.nextInt(pool.length)] + r.nextInt(50)
        : pool[r.nextInt(pool.length)];
  }

  private static double randomNumber(Random r) {
    switch (r.nextInt(7)) {
      case 0 -> {
        return r.nextInt(10);
      }
      case 1 -> {
        return r.nextInt(100000) - 50000;
      }
      case 2 -> {
        return r.nextDouble() * 1000;
      }
      case 3 -> {
        return Math.round(r.nextDouble() * 10000) / 100.0;
      }
      case 4 -> {
        return r.nextGaussian() * Math.pow(10, r.nextInt(60) - 30);
      }
      case 5 -> {
        return -0.0;
      }
      default -> {
        return r.nextInt(1000) / 10.0;
      }
    }
  }

  private static String toJs(Map<String, Object> m) {
    StringBuilder sb = new StringBuilder("{");
    m.forEach(
        (k, v) -> {
          sb.append(jsString(k)).append(": ");
          if (v instanceof Double d) {
            sb.append(jsNumber(d));
          } else if (v instanceof List<?> list) {
            sb.append('[');
            list.forEach(x -> sb.append(jsNumber((Double) x)).append(','));
            sb.append(']');
          } else {
            sb.append("new Set([");
            ((LinkedHashSet<?>) v).forEach(x -> sb.append(jsString((String) x)).append(','));
            sb.append("])");
          }
          sb.append(", ");
        });
    return sb.append('}').toString();
  }

  private static String jsNumber(double d) {
    return d == 0 && 1 / d < 0 ? "-0" : Double.toString(d);
  }

  private static String jsString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  private static Path findNode() throws IOException {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "node");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  @Test
  void inspectInPiecesWritesExactlyWhatInspectWrites() {
    Random random = new Random(13);
    for (int size : new int[] {0, 1, 2, 3, 5, 8, 50, 1000}) {
      Map<String, Object> object = new LinkedHashMap<>();
      for (int i = 0; i < size; i++) {
        String key =
            random.nextBoolean()
                ? Integer.toString(random.nextInt(100))
                : "k" + random.nextInt(100_000);
        object.put(
            key,
            switch (i % 3) {
              case 0 -> random.nextInt(1000) / 8.0;
              case 1 ->
                  List.of(1.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0).subList(0, random.nextInt(8));
              default -> new LinkedHashSet<>(List.of("a", "b'c"));
            });
      }
      StringBuilder pieces = new StringBuilder();
      JsFormat.inspectPieces(object).forEachRemaining(pieces::append);
      assertThat(pieces.toString()).as("%d entries", size).isEqualTo(JsFormat.inspect(object));
    }
  }
}
