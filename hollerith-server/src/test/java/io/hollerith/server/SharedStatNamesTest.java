package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.stats.StatName;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shared {@link StatName} is registered by the running server under that name, so the
 * packages that read it (aggregation, the operations views, the self series) find a value.
 */
class SharedStatNamesTest {

  @TempDir Path dir;

  @Test
  void everySharedStatisticIsRegisteredByARunningServer() throws Exception {
    List<StatName> shared = sharedNames();
    assertThat(shared)
        .contains(StatName.BAD_LINES_SEEN, StatName.PACKETS_RECEIVED, StatName.HEAP_USED_BYTES);
    try (ServerHarness h = ServerHarness.start(dir.resolve("data"))) {
      assertThat(h.get("/health").statusCode()).isEqualTo(200);
      h.flushAndStore();
      List<StatName> missing = new ArrayList<>();
      for (StatName name : shared) {
        boolean kernelCountersReadable = Files.isReadable(Path.of("/proc/net/udp"));
        if (name.equals(StatName.UDP_KERNEL_DROPS) && !kernelCountersReadable) {
          continue;
        }
        if (h.server.stats().value(name) == null) {
          missing.add(name);
        }
      }
      assertThat(missing).as("shared statistics the server never registered").isEmpty();
    }
  }

  private static List<StatName> sharedNames() throws IllegalAccessException {
    List<StatName> names = new ArrayList<>();
    for (Field field : StatName.class.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == StatName.class) {
        names.add((StatName) field.get(null));
      }
    }
    return names;
  }
}
