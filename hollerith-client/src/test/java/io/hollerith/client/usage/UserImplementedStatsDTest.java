package io.hollerith.client.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.client.Pipeline;
import io.hollerith.client.StatsD;
import io.hollerith.client.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A user outside the library's package fakes {@link StatsD} by implementing its longest overloads,
 * and sees every shorter call arrive there with pystatsd's defaults filled in.
 */
class UserImplementedStatsDTest {

  /** What a user would write: each call recorded as text, pipelines recorded the same way. */
  static final class RecordingStatsD implements Pipeline {
    final List<String> calls;
    final String prefix;

    RecordingStatsD(String prefix) {
      this(prefix, new ArrayList<>());
    }

    private RecordingStatsD(String prefix, List<String> calls) {
      this.prefix = prefix;
      this.calls = calls;
    }

    @Override
    public void incr(String stat, long count, double rate) {
      calls.add("incr " + stat + " " + count + " " + rate);
    }

    @Override
    public void incr(String stat, double count, double rate) {
      calls.add("incr " + stat + " " + count + " " + rate);
    }

    @Override
    public void decr(String stat, long count, double rate) {
      calls.add("decr " + stat + " " + count + " " + rate);
    }

    @Override
    public void gauge(String stat, long value, double rate, boolean delta) {
      calls.add("gauge " + stat + " " + value + " " + rate + " " + delta);
    }

    @Override
    public void gauge(String stat, double value, double rate, boolean delta) {
      calls.add("gauge " + stat + " " + value + " " + rate + " " + delta);
    }

    @Override
    public void set(String stat, String value, double rate) {
      calls.add("set " + stat + " '" + value + "' " + rate);
    }

    @Override
    public void set(String stat, long value, double rate) {
      calls.add("set " + stat + " " + value + " " + rate);
    }

    @Override
    public void set(String stat, double value, double rate) {
      calls.add("set " + stat + " " + value + " " + rate);
    }

    @Override
    public void timing(String stat, double millis, double rate) {
      calls.add("timing " + stat + " " + millis + " " + rate);
    }

    @Override
    public void sendLine(String line) {
      calls.add("line " + line);
    }

    @Override
    public Pipeline pipeline() {
      return new RecordingStatsD(prefix, calls);
    }

    @Override
    public StatsD withTags(String... tags) {
      return this;
    }

    @Override
    public String prefix() {
      return prefix;
    }

    @Override
    public int size() {
      return 0;
    }

    @Override
    public void send() {
      calls.add("send");
    }

    @Override
    public void close() {
      calls.add("close");
    }
  }

  /** Code under test in a user's application, written against the interface. */
  private static void handleLogin(StatsD statsd, String user) {
    statsd.incr("logins");
    statsd.set("users", user);
    statsd.timing("login.time", Duration.ofMillis(1500));
    try (Pipeline pipe = statsd.pipeline()) {
      pipe.decr("sessions.free");
      pipe.gauge("sessions.open", 3);
    }
  }

  @Test
  void aFakeSeesTheCallsOfCodeWrittenAgainstTheInterface() {
    RecordingStatsD fake = new RecordingStatsD("app");
    handleLogin(fake, "alice");
    assertThat(fake.calls)
        .containsExactly(
            "incr logins 1 1.0",
            "set users 'alice' 1.0",
            "timing login.time 1500.0 1.0",
            "decr sessions.free 1 1.0",
            "gauge sessions.open 3 1.0 false",
            "close");
  }

  /**
   * A duration arrives as Python's {@code timedelta.total_seconds() * 1000.}, rounding included.
   */
  @Test
  void shorterOverloadsArriveWithPystatsdDefaults() {
    RecordingStatsD fake = new RecordingStatsD(null);
    fake.incr("a", 5);
    fake.incr("a", 1.5);
    fake.decr("b");
    fake.decr("b", 7);
    fake.decr("b", 2.5);
    fake.decr("b", 2.5, 0.5);
    fake.gauge("g", -4);
    fake.gauge("g", 2, true);
    fake.gauge("g", 2, 0.25);
    fake.gauge("g", 1.5);
    fake.gauge("g", -1.5, true);
    fake.gauge("g", 0.5, 0.1);
    fake.set("s", 10);
    fake.set("s", 2.5);
    fake.timing("t", 12.5);
    fake.timing("t", Duration.ofSeconds(2, 1_000), 0.5);
    fake.timing("t", Duration.ofNanos(1_500));
    assertThat(fake.calls)
        .containsExactly(
            "incr a 5 1.0",
            "incr a 1.5 1.0",
            "decr b 1 1.0",
            "decr b 7 1.0",
            "incr b -2.5 1.0",
            "incr b -2.5 0.5",
            "gauge g -4 1.0 false",
            "gauge g 2 1.0 true",
            "gauge g 2 0.25 false",
            "gauge g 1.5 1.0 false",
            "gauge g -1.5 1.0 true",
            "gauge g 0.5 0.1 false",
            "set s 10 1.0",
            "set s 2.5 1.0",
            "timing t 12.5 1.0",
            "timing t " + 2.000001 * 1000.0 + " 0.5",
            "timing t 0.0015 1.0");
  }

  @Test
  void theDefaultTimerReportsThroughTiming() throws Exception {
    RecordingStatsD fake = new RecordingStatsD(null);
    Timer timer = fake.timer("job", 0.5);
    assertThat(timer.wrapCallable(() -> 42).call()).isEqualTo(42);
    try (Timer t = fake.timer("block").start()) {
      assertThat(t.stat()).isEqualTo("block");
    }
    assertThat(fake.calls).hasSize(2);
    assertThat(fake.calls.get(0)).startsWith("timing job ").endsWith(" 0.5");
    assertThat(fake.calls.get(1)).startsWith("timing block ").endsWith(" 1.0");
    for (String call : fake.calls) {
      double millis = Double.parseDouble(call.split(" ")[2]);
      assertThat(millis).isGreaterThanOrEqualTo(0.0);
    }
    assertThat(timer.ms()).isEmpty();
  }
}
