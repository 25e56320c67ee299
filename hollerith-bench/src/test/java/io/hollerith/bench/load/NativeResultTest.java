package io.hollerith.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The native generator's result line, and what it becomes. */
class NativeResultTest {

  /** 100 names in packets of 20: 5 slots, each with one counter line per 4 lines. */
  private static final PacketPool POOL =
      new PacketPool("t", 100, 20, TypeMix.parse("c=25,ms=25,g=25,s=25"));

  private static final String GOOD =
      "{\"datagrams_sent\":12,\"slots\":5,\"passes\":2,\"next_slot\":2,\"metrics_sent\":240,"
          + "\"elapsed_ns\":1000000,\"send_errors\":0,\"retries\":3}";

  @Test
  void a_result_line_says_how_often_each_slot_was_sent() {
    NativeResult r = NativeResult.parse(GOOD, POOL);

    assertThat(r.sentPerSlot()).containsExactly(3, 3, 2, 2, 2);
    assertThat(r.elapsedNanos()).isEqualTo(1_000_000);
    assertThat(r.retries()).isEqualTo(3);
  }

  @Test
  void its_load_result_has_the_exact_counter_totals_of_those_sends() {
    LoadSpec spec =
        new LoadSpec(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 9),
            1000,
            20,
            100,
            TypeMix.parse("c=25,ms=25,g=25,s=25"),
            Duration.ofSeconds(1),
            0,
            1,
            "t",
            false);
    NativeResult parsed = NativeResult.parse(GOOD, POOL);
    LoadResult r =
        LoadResult.of(spec, POOL, parsed.sentPerSlot(), parsed.sendErrors(), parsed.elapsedNanos());

    // line j of the stream is a counter when j mod 4 == 0 (the mix spreads 25 of each type over
    // each 100 lines, one of each every 4) and names series j mod 100; slots 0 and 1 (lines 0-39)
    // were sent three times, slots 2-4 (lines 40-99) twice
    assertThat(r.expectedCounterTotals()).hasSize(25);
    for (int j = 0; j < 100; j += 4) {
      assertThat(r.expectedCounterTotals()).containsEntry("t.c." + j, j < 40 ? 3L : 2L);
    }
    assertThat(r.packetsSent()).isEqualTo(12);
    assertThat(r.metricsSent()).isEqualTo(240);
    assertThat(r.countersSent()).isEqualTo(60);
    assertThat(r.achievedRate()).isEqualTo(240_000.0);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "not JSON|statsd_blast: oops|the native generator's result is not JSON: 'statsd_blast: oops'",
        "an array|[1,2]|the native generator's result is not a JSON object: '[1,2]'",
        "empty||the native generator's result is not a JSON object: ''",
        "a missing field|{\"datagrams_sent\":12}|the native generator's result lacks \"passes\"",
        "a negative count|`{\"datagrams_sent\":-1}`|the native generator's \"datagrams_sent\" is not a whole number >= 0: -1",
        "a fraction|`{\"datagrams_sent\":1.5}`|the native generator's \"datagrams_sent\" is not a whole number >= 0: 1.5",
        "a string|`{\"datagrams_sent\":\"12\"}`|the native generator's \"datagrams_sent\" is not a whole number >= 0: \"12\"",
      })
  void a_malformed_line_is_refused_naming_what_is_wrong(String what, String line, String message) {
    assertThatThrownBy(() -> NativeResult.parse(line == null ? "" : line, POOL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void a_result_from_another_pool_is_refused() {
    assertThatThrownBy(() -> NativeResult.parse(GOOD.replace("\"slots\":5", "\"slots\":7"), POOL))
        .hasMessageStartingWith(
            "the native generator sent from a pool of 7 slots, but this pool has 5");
  }

  @Test
  void counts_that_do_not_add_up_are_refused() {
    assertThatThrownBy(() -> NativeResult.parse(GOOD.replace("\"passes\":2", "\"passes\":1"), POOL))
        .hasMessageStartingWith(
            "the native generator's datagrams_sent 12 is not passes 1 × slots 5 + next_slot 2");
    assertThatThrownBy(
            () ->
                NativeResult.parse(
                    GOOD.replace("\"datagrams_sent\":12", "\"datagrams_sent\":15")
                        .replace("\"next_slot\":2", "\"next_slot\":5"),
                    POOL))
        .hasMessageStartingWith("the native generator's datagrams_sent 15 is not passes 2");
    assertThatThrownBy(
            () ->
                NativeResult.parse(
                    GOOD.replace("\"metrics_sent\":240", "\"metrics_sent\":12"), POOL))
        .hasMessageStartingWith(
            "the native generator's metrics_sent 12 is not its datagrams_sent × 20 lines per packet");
  }

  @Test
  void a_generator_option_names_java_or_a_native_binary() throws Exception {
    assertThat(Generator.parse("java").kind()).isEqualTo("java");
    assertThatThrownBy(() -> Generator.parse("native:"))
        .hasMessage("--generator: java or native:/path/to/statsd_blast, got 'native:'");
    assertThatThrownBy(() -> Generator.parse("native:/nonexistent/statsd_blast"))
        .hasMessage(
            "--generator native: /nonexistent/statsd_blast is not an executable file (compile statsd_blast.c)");
  }
}
