package io.hollerith.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsReportTest {

  @Test
  void median_of_odd_and_even_counts() {
    assertThat(Measure.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(Measure.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
  }

  @Test
  void report_has_one_row_per_setting_and_target_with_every_figure(@TempDir Path dir)
      throws Exception {
    Path results = dir.resolve("r.jsonl");
    Files.writeString(
        results,
        String.join(
            "\n",
            "{\"kind\":\"search\",\"target\":\"etsy\",\"setting\":\"8m\",\"lines\":1,\"values\":[100.0, 120.0, 110.0],"
                + "\"generator_limited\":[false,false,false],\"median\":110,\"loadavg_end\":\"0.50 0.40 0.30\"}",
            "{\"kind\":\"search\",\"target\":\"etsy\",\"setting\":\"8m\",\"lines\":20,\"values\":[900.0],"
                + "\"generator_limited\":[true],\"median\":900,\"loadavg_end\":\"1.50 0.40 0.30\"}",
            "{\"kind\":\"cpu\",\"target\":\"etsy\",\"setting\":\"8m\",\"rate\":20000,\"median\":12.5,"
                + "\"trials\":[{\"sent\":100,\"counted\":100}]}",
            "{\"kind\":\"cpu\",\"target\":\"etsy\",\"setting\":\"8m\",\"rate\":200000,\"median\":4.25,"
                + "\"trials\":[{\"sent\":100,\"counted\":40}]}",
            "{\"kind\":\"cpu\",\"target\":\"etsy\",\"setting\":\"8m\",\"rate\":2000000,\"lines\":20,\"median\":0.75,"
                + "\"trials\":[{\"sent\":100,\"counted\":100}]}",
            "{\"kind\":\"memory\",\"target\":\"etsy\",\"setting\":\"8m\",\"series\":1000,\"series_counted\":1000,\"bytes_per_series\":900}",
            ""));
    String table = ResultsReport.render(results);
    assertThat(table.lines()).hasSize(3);
    assertThat(table.lines().toList().get(0))
        .contains("| CPU s per million, 20 per packet @ 2,000,000/s |");
    assertThat(table.lines().toList().get(2))
        .isEqualTo(
            "| 8m | etsy | c=100 | 110 (100 / 120 / 110) | ≥ 900 (900) | 12.50 | 4.25 (lossy: 40.0% counted) | 0.750 | 900 (1,000 series) | 0.5–1.5 |");
  }

  @Test
  void the_generators_that_sent_the_load_are_named_below_the_table(@TempDir Path dir)
      throws Exception {
    Path results = dir.resolve("r.jsonl");
    Files.writeString(
        results,
        "{\"kind\":\"search\",\"target\":\"bare\",\"setting\":\"8m\",\"generator\":\"native\",\"lines\":20,"
            + "\"values\":[1.0],\"generator_limited\":[false],\"median\":1}\n"
            + "{\"kind\":\"search\",\"target\":\"bare\",\"setting\":\"8m\",\"generator\":\"java\",\"lines\":20,"
            + "\"values\":[1.0],\"generator_limited\":[false],\"median\":1}\n");
    assertThat(ResultsReport.render(results).lines().toList().subList(3, 5))
        .containsExactly("", "Load generator: java, native");
  }

  @Test
  void a_fractional_median_still_finds_its_own_generator_limited_search(@TempDir Path dir)
      throws Exception {
    Path results = dir.resolve("r.jsonl");
    Files.writeString(
        results,
        "{\"kind\":\"search\",\"target\":\"hollerith\",\"setting\":\"8m\",\"lines\":1,"
            + "\"values\":[481927.7, 483137.6, 701862.4],\"generator_limited\":[true,true,true],\"median\":483137.6}\n");
    assertThat(ResultsReport.render(results).lines().toList().get(2))
        .startsWith("| 8m | hollerith | c=100 | ≥ 483,138 (481,928 / 483,138 / 701,862) |");
  }

  @Test
  void each_packed_rate_gets_its_own_column_and_the_capacity_ratio_uses_lossless_trials_only(
      @TempDir Path dir) throws Exception {
    Path results = dir.resolve("r.jsonl");
    Files.writeString(
        results,
        String.join(
            "\n",
            // the first trial lost metrics: the ratio takes the other two, the column all three
            cpu(
                "8m",
                "hollerith",
                2_000_000,
                new double[] {0.21, 0.16, 0.17},
                new long[] {97, 100, 100}),
            cpu("8m", "hollerith", 6_000_000, new double[] {0.12, 0.115}, new long[] {100, 100}),
            cpu("8m", "bare", 2_000_000, new double[] {0.083}, new long[] {100}),
            cpu("8m", "bare", 6_000_000, new double[] {0.07, 0.0675}, new long[] {100, 100}),
            // no lossless trial: no ratio
            cpu("default", "hollerith", 6_000_000, new double[] {0.14}, new long[] {97}),
            cpu("default", "bare", 6_000_000, new double[] {0.07}, new long[] {100}),
            cpu("8m", "etsy", 6_000_000, new double[] {1.9}, new long[] {10}),
            ""));
    List<String> lines = ResultsReport.render(results).lines().toList();
    assertThat(lines.get(0))
        .contains(
            "| CPU s per million, 20 per packet @ 2,000,000/s | "
                + "CPU s per million, 20 per packet @ 6,000,000/s | RSS bytes");
    assertThat(lines.get(1)).isEqualTo("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    assertThat(lines.get(2))
        .isEqualTo(
            "| 8m | hollerith | c=100 | – | – | – | – | 0.170 (lossy: 99.0% counted) | 0.118 | – | – |");
    assertThat(lines.get(6))
        .isEqualTo(
            "| 8m | etsy | c=100 | – | – | – | – | – | 1.900 (lossy: 10.0% counted) | – | – |");
    assertThat(lines.subList(7, lines.size()))
        .containsExactly(
            "",
            "Hollerith's receive capacity against the bare receiver's, from CPU per metric at the same fixed rate "
                + "(bare ÷ Hollerith, medians of their lossless trials; 20 per packet):",
            "",
            "- 8m, c=100 @ 2,000,000/s: 0.083 ÷ 0.165 = 50 %",
            "- 8m, c=100 @ 6,000,000/s: 0.069 ÷ 0.118 = 59 %");
  }

  @Test
  void each_mix_is_its_own_row_and_hollerith_is_set_against_each_peer_of_the_same_setting_and_mix(
      @TempDir Path dir) throws Exception {
    String even = "c=25,ms=25,g=25,s=25";
    Path results = dir.resolve("r.jsonl");
    Files.writeString(
        results,
        String.join(
            "\n",
            search("8m", "hollerith", even, 3_000_000),
            search("8m", "hollerith", "c=100", 9_000_000),
            search("8m", "collectd", even, 2_400_000),
            search("8m", "etsy", even, 250_000),
            search("8m", "hollerith", "c=40,ms=30,g=20,s=10", 4_000_000)
                .replace("[false]", "[true]"),
            search("8m", "collectd", "c=40,ms=30,g=20,s=10", 2_000_000),
            search("8m", "bare", even, 12_000_000),
            cpu(
                "8m",
                "hollerith",
                even,
                1_000_000,
                new double[] {0.40, 0.38},
                new long[] {100, 100}),
            cpu(
                "8m",
                "collectd",
                even,
                1_000_000,
                new double[] {0.60, 0.52},
                new long[] {100, 100}),
            // Etsy cannot take 1,000,000/s: no CPU ratio from a lossy run
            cpu("8m", "etsy", even, 1_000_000, new double[] {1.5}, new long[] {30}),
            ""));
    List<String> lines = ResultsReport.render(results).lines().toList();
    assertThat(lines.subList(2, 9))
        .extracting(l -> l.split(" \\| ")[1])
        .containsExactly(
            "hollerith", "hollerith", "collectd", "etsy", "hollerith", "collectd", "bare");
    assertThat(lines.get(2))
        .startsWith("| 8m | hollerith | c=25,ms=25,g=25,s=25 | – | 3,000,000 (3,000,000) |");
    assertThat(lines.get(3)).startsWith("| 8m | hollerith | c=100 | – | 9,000,000 (9,000,000) |");
    double hollerithCpu = (0.40 + 0.38) / 2;
    double collectdCpu = (0.60 + 0.52) / 2;
    assertThat(lines.subList(9, lines.size()))
        .containsExactly(
            "",
            "Hollerith against each peer, same setting and mix (Hollerith ÷ peer; highest lossless rate at 20 per packet, "
                + "and CPU per million at the same fixed rate, medians of lossless trials):",
            "",
            String.format(
                Locale.ROOT,
                "- 8m, %s, collectd: highest lossless, 20 per packet: 3,000,000 ÷ 2,400,000 = %.2f×",
                even,
                3_000_000.0 / 2_400_000),
            String.format(
                Locale.ROOT,
                "- 8m, %s, collectd: CPU s per million @ 1,000,000/s, 20 per packet: %.3f ÷ %.3f = %.2f×",
                even,
                hollerithCpu,
                collectdCpu,
                hollerithCpu / collectdCpu),
            String.format(
                Locale.ROOT,
                "- 8m, %s, etsy: highest lossless, 20 per packet: 3,000,000 ÷ 250,000 = %.2f×",
                even,
                3_000_000.0 / 250_000),
            // a search stopped by the generator gives a lower bound, and so does the ratio
            "- 8m, c=40,ms=30,g=20,s=10, collectd: highest lossless, 20 per packet: ≥ 4,000,000 ÷ 2,000,000 = ≥ 2.00×");
  }

  private static String search(String setting, String target, String mix, long value) {
    return String.format(
        Locale.ROOT,
        "{\"kind\":\"search\",\"target\":\"%s\",\"setting\":\"%s\",\"mix\":\"%s\","
            + "\"lines\":20,\"values\":[%d.0],\"generator_limited\":[false],\"median\":%d}",
        target,
        setting,
        mix,
        value,
        value);
  }

  private static String cpu(
      String setting, String target, String mix, long rate, double[] perMillion, long[] counted) {
    return cpu(setting, target, rate, perMillion, counted)
        .replace("\"rate\"", "\"mix\":\"" + mix + "\",\"rate\"");
  }

  private static String cpu(
      String setting, String target, long rate, double[] perMillion, long[] counted) {
    StringBuilder trials = new StringBuilder();
    for (int i = 0; i < counted.length; i++) {
      trials
          .append(i == 0 ? "" : ",")
          .append("{\"sent\":100,\"counted\":")
          .append(counted[i])
          .append('}');
    }
    return String.format(
        Locale.ROOT,
        "{\"kind\":\"cpu\",\"target\":\"%s\",\"setting\":\"%s\",\"rate\":%d,"
            + "\"lines\":20,\"values\":%s,\"median\":0,\"trials\":[%s]}",
        target,
        setting,
        rate,
        Arrays.toString(perMillion),
        trials);
  }
}
