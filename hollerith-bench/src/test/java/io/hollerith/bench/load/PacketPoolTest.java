package io.hollerith.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PacketPoolTest {

  @Test
  void packets_hold_the_requested_lines_cycling_over_the_names() {
    PacketPool pool = new PacketPool("b", 3, 2, TypeMix.parse("c=100"));
    // max(names, 100) lines in packets of 2
    assertThat(pool.slots()).isEqualTo(50);
    assertThat(pool.packet(0)).isEqualTo("b.c.0:1|c\nb.c.1:1|c");
    assertThat(pool.packet(1)).isEqualTo("b.c.2:1|c\nb.c.0:1|c");
    assertThat(pool.countersIn(0)).isEqualTo(2);
  }

  @Test
  void the_pool_file_holds_a_header_each_slots_length_and_the_packets_in_slot_order(
      @TempDir Path dir) throws Exception {
    PacketPool pool = new PacketPool("b", 100, 20, TypeMix.parse("c=25,ms=25,g=25,s=25"));
    Path file = dir.resolve("pool.bin");
    pool.writeTo(file);

    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    ByteBuffer header = ByteBuffer.allocate(16 + 4 * 5).order(ByteOrder.LITTLE_ENDIAN);
    header.put("HPOOL001".getBytes(StandardCharsets.US_ASCII)).putInt(5).putInt(20);
    for (int s = 0; s < 5; s++) {
      header.putInt(pool.packet(s).getBytes(StandardCharsets.UTF_8).length);
    }
    expected.write(header.array());
    for (int s = 0; s < 5; s++) {
      expected.write(pool.packet(s).getBytes(StandardCharsets.UTF_8));
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(expected.toByteArray());
  }

  @Test
  void mixed_types_carry_their_own_names_and_values() {
    PacketPool pool = new PacketPool("b", 1000, 1, TypeMix.parse("c=50,ms=50"));
    String joined = pool.packet(0) + "\n" + pool.packet(1);
    assertThat(joined).contains("b.c.").contains("|ms");
  }

  @Test
  void expected_totals_follow_how_often_each_slot_was_sent() {
    PacketPool pool = new PacketPool("b", 4, 2, TypeMix.parse("c=100"));
    long[] sent = new long[pool.slots()];
    sent[0] = 3; // b.c.0, b.c.1
    sent[1] = 5; // b.c.2, b.c.3
    sent[2] = 1; // b.c.0, b.c.1
    Map<String, Long> expected = pool.expectedCounterTotals(sent);
    assertThat(expected)
        .containsExactly(
            Map.entry("b.c.0", 4L),
            Map.entry("b.c.1", 4L),
            Map.entry("b.c.2", 5L),
            Map.entry("b.c.3", 5L));
  }

  @Test
  void every_name_appears_in_the_pool() {
    PacketPool pool = new PacketPool("b", 1234, 20, TypeMix.parse("c=100"));
    long[] once = new long[pool.slots()];
    Arrays.fill(once, 1);
    assertThat(pool.expectedCounterTotals(once)).hasSize(1234).containsEntry("b.c.1233", 1L);
  }

  @Test
  void oversized_packets_are_refused() {
    assertThatThrownBy(() -> new PacketPool("b".repeat(200), 10, 400, TypeMix.parse("c=100")))
        .hasMessageContaining("more than UDP allows");
  }
}
