package io.hollerith.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CounterReaderTest {

  @Test
  void parses_node_util_inspect_output_with_quoted_and_bare_keys() {
    Map<String, Double> m = new HashMap<>();
    for (String line :
        new String[] {
          "{",
          "  'statsd.bad_lines_seen': 0,",
          "  'bench.c.1': 250,",
          "  plain_key: 3.5, 'it\\'s': -2",
          "}"
        }) {
      CounterReader.Management.parseInto(line, m);
    }
    assertThat(m)
        .containsOnly(
            Map.entry("statsd.bad_lines_seen", 0.0),
            Map.entry("bench.c.1", 250.0),
            Map.entry("plain_key", 3.5),
            Map.entry("it's", -2.0));
  }

  @Test
  void parses_a_one_line_dump() {
    Map<String, Double> m = new HashMap<>();
    CounterReader.Management.parseInto(
        "{ 'bare.packets_received': 12, 'bare.metrics_received': 240 }", m);
    assertThat(m)
        .containsOnly(
            Map.entry("bare.packets_received", 12.0), Map.entry("bare.metrics_received", 240.0));
  }

  @Test
  void collectd_csv_gives_the_last_value_of_the_newest_file(@TempDir Path dir) throws Exception {
    Path statsd = Files.createDirectories(dir.resolve("bench/statsd"));
    Files.writeString(
        statsd.resolve("derive-bench.c.7-2026-11-21"),
        "epoch,value\n1763769600.000,10\n1763769601.000,17\n");
    Files.writeString(
        statsd.resolve("derive-bench.c.7-2026-11-22"), "epoch,value\n1763856000.000,40\n");
    Files.writeString(
        statsd.resolve("derive-bench.c.8-2026-11-21"), "epoch,value\n1763769600.000,5\n");
    Files.writeString(
        statsd.resolve("gauge-bench.g.1-2026-11-21"), "epoch,value\n1763769600.000,5\n");
    assertThat(new CounterReader.CollectdCsv(dir).read())
        .containsOnly(Map.entry("bench.c.7", 40.0), Map.entry("bench.c.8", 5.0));
  }

  @Test
  void collectd_csv_of_a_missing_directory_is_empty(@TempDir Path dir) throws Exception {
    assertThat(new CounterReader.CollectdCsv(dir.resolve("none")).read()).isEmpty();
  }
}
