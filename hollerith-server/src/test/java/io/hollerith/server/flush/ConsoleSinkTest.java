package io.hollerith.server.flush;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.snapshot.FlushSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleSinkTest {

  private static String print(FlushSnapshot s, boolean pretty) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsoleSink sink =
        new ConsoleSink(
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            pretty,
            ZoneId.of("UTC"),
            List.of(90.0, -50.0));
    sink.publish(s);
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void prettyPrintsEtsyConsoleBackendSections() {
    assertThat(print(SnapshotFixture.twoFlushes().get(0), true))
        .isEqualTo(
            """
        Flushing stats at Tue Nov 14 2023 22:13:30 GMT+0000 (Coordinated Universal Time)
        {
          counters: {
            hits: 21,
            'req;canary;env=prod': 5,
            'statsd.bad_lines_seen': 1,
            'statsd.metrics_received': 9,
            'statsd.packets_received': 4
          },
          gauges: {
            temp: 12
          },
          timer_data: {
            glork: {
              count_90: 3,
              mean_90: 2,
              upper_90: 3,
              sum_90: 6,
              sum_squares_90: 14,
              count_top50: 2,
              mean_top50: 2.5,
              lower_top50: 2,
              sum_top50: 5,
              sum_squares_top50: 13,
              std: 0.816496580927726,
              upper: 3,
              lower: 1,
              count: 3,
              count_ps: 0.3,
              sum: 6,
              sum_squares: 14,
              mean: 2,
              median: 2,
              histogram: {
                bin_2: 1,
                bin_2_5: 1,
                bin_inf: 1
              }
            }
          },
          counter_rates: {
            hits: 2.1,
            'req;canary;env=prod': 0.5,
            'statsd.bad_lines_seen': 0.1,
            'statsd.metrics_received': 0.9,
            'statsd.packets_received': 0.4
          },
          sets: {
            users: 2
          },
          pctThreshold: [ 90, -50 ]
        }
        """);
  }

  @Test
  void printsOnOneLineWithoutPrettyprint() {
    assertThat(print(SnapshotFixture.twoFlushes().get(1), false))
        .isEqualTo(
            "Flushing stats at Tue Nov 14 2023 22:13:40 GMT+0000 (Coordinated Universal Time)\n"
                + "{ counters: { hits: 0, 'req;canary;env=prod': 0, 'statsd.bad_lines_seen': 0, "
                + "'statsd.metrics_received': 0, 'statsd.packets_received': 0 }, "
                + "gauges: { 'statsd.timestamp_lag': 1, temp: 12 }, "
                + "timer_data: { glork: { count: 0, count_ps: 0 } }, "
                + "counter_rates: { hits: 0, 'req;canary;env=prod': 0, 'statsd.bad_lines_seen': 0, "
                + "'statsd.metrics_received': 0, 'statsd.packets_received': 0 }, "
                + "sets: { users: 0 }, pctThreshold: [ 90, -50 ] }\n");
  }
}
