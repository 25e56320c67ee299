package io.hollerith.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

  @Test
  void parsesTheDefault() {
    RetentionPolicy p = RetentionPolicy.parse(RetentionPolicy.DEFAULT);
    assertThat(p.levels())
        .containsExactly(
            new RetentionPolicy.Level(10_000, 7 * 86_400_000L),
            new RetentionPolicy.Level(60_000, 90 * 86_400_000L),
            new RetentionPolicy.Level(3_600_000, 5 * 365 * 86_400_000L));
    assertThat(p.resolutions(10_000)).containsExactly(10_000L, 60_000L, 3_600_000L);
    assertThat(p.resolutions(1_000)).containsExactly(1_000L, 10_000L, 60_000L, 3_600_000L);
    assertThat(p.retentionMillis(1_000)).isEqualTo(7 * 86_400_000L);
    assertThat(p.retentionMillis(60_000)).isEqualTo(90 * 86_400_000L);
    assertThat(p.toString()).isEqualTo(RetentionPolicy.DEFAULT);
  }

  @Test
  void acceptsGraphiteFormsBareSecondsAndPointCounts() {
    RetentionPolicy p = RetentionPolicy.parse(" 60:1440 , 1h:4w, 1d:2y ");
    assertThat(p.levels())
        .containsExactly(
            new RetentionPolicy.Level(60_000, 86_400_000L),
            new RetentionPolicy.Level(3_600_000, 28 * 86_400_000L),
            new RetentionPolicy.Level(86_400_000, 730 * 86_400_000L));
    assertThat(RetentionPolicy.parse("10sec:7days,1min:90days").levels()).hasSize(2);
  }

  @Test
  void rejectsBadPoliciesWithTheOffendingEntry() {
    for (List<String> c :
        List.of(
            List.of("", "retention policy is empty; expected e.g. 10s:7d,1m:90d,1h:5y"),
            List.of("10s", "retention entry '10s' is not precision:retention (e.g. 10s:7d)"),
            List.of(
                "10s:7d:1", "retention entry '10s:7d:1' is not precision:retention (e.g. 10s:7d)"),
            List.of(
                "10x:7d",
                "retention entry '10x:7d': unknown unit 'x' in precision '10x' (use s, m, h, d, w or y)"),
            List.of(
                "s:7d",
                "retention entry 's:7d': precision 's' must start with a number (e.g. 10s, 7d)"),
            List.of("0s:7d", "retention entry '0s:7d': precision must be positive"),
            List.of(
                "1m:30s", "retention entry '1m:30s': retention 30s is shorter than its precision"),
            List.of(
                "1m:1d,10s:7d",
                "retention entry '10s:7d': precisions must increase from left to right (finest first)"),
            List.of(
                "10s:1d,15s:7d",
                "retention entry '15s:7d': precision 15s is not a whole multiple of the previous precision 10s"),
            List.of(
                "10s:7d,1m:7d",
                "retention entry '1m:7d': a coarser level must be kept longer than the finer one before it"),
            List.of(
                "10s:99999999999999999999",
                "retention entry '10s:99999999999999999999': retention '99999999999999999999' is too large"))) {
      assertThatThrownBy(() -> RetentionPolicy.parse(c.get(0)))
          .as(c.get(0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(c.get(1));
    }
  }

  @Test
  void theFlushIntervalMustDivideTheFinestPrecision() {
    RetentionPolicy p = RetentionPolicy.parse("15s:1d");
    p.checkFlushInterval(5_000);
    assertThatThrownBy(() -> p.checkFlushInterval(10_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "retention '15s:1d': the finest precision 15s must be a whole multiple of the flush interval 10s");
  }
}
