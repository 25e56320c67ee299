package io.hollerith.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The shape and counts of the thread dump and the buffer-pool report. */
class DebugDumpsTest {

  @Test
  void threadsWithTheSameStackAndStateFormOneGroupWithTheirNames() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Thread> parked = List.of(park("dump-probe-a", release), park("dump-probe-b", release), park("dump-probe-c", release));
    try {
      List<ThreadDump.StackGroup> groups = ThreadDump.grouped();
      ThreadDump.StackGroup probes = groups.stream()
          .filter(g -> g.names().contains("dump-probe-a")).findFirst().orElseThrow();
      assertThat(probes.names()).isEqualTo(List.of("dump-probe-a", "dump-probe-b", "dump-probe-c"));
      assertThat(probes.count()).isEqualTo(3);
      assertThat(probes.state()).isEqualTo("WAITING");
      assertThat(probes.stack()).anySatisfy(f -> assertThat(f).contains("DebugDumpsTest"));
      assertThat(probes.truncated()).isFalse();
      int total = groups.stream().mapToInt(ThreadDump.StackGroup::count).sum();
      assertThat(total).isEqualTo(groups.stream().mapToInt(g -> g.names().size()).sum())
          .isGreaterThanOrEqualTo(4);
      for (int i = 1; i < groups.size(); i++) {
        assertThat(groups.get(i).count()).isLessThanOrEqualTo(groups.get(i - 1).count());
      }
    } finally {
      release.countDown();
      for (Thread t : parked) {
        t.join(10_000);
      }
    }
  }

  private static Thread park(String name, CountDownLatch release) throws InterruptedException {
    Thread t = new Thread(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, name);
    t.setDaemon(true);
    t.start();
    for (int i = 0; i < 10_000 && t.getState() != Thread.State.WAITING; i++) {
      Thread.sleep(1);
    }
    assertThat(t.getState()).isEqualTo(Thread.State.WAITING);
    return t;
  }

  @Test
  @SuppressWarnings("unchecked")
  void bufferPoolsReportNettyArenasAndTheJvmPools() {
    PooledByteBufAllocator allocator = new PooledByteBufAllocator(true, 1, 1, 8192, 4, 0, 0, false);
    ByteBuf held = allocator.directBuffer(1000);
    try {
      Map<String, Object> netty = BufferPools.netty(allocator);
      assertThat(netty.get("allocator")).isEqualTo("pooled");
      List<Map<String, Object>> arenas = (List<Map<String, Object>>) netty.get("arenas");
      Map<String, Object> direct = arenas.stream().filter(a -> a.get("type").equals("direct")).findFirst().orElseThrow();
      assertThat(((Number) direct.get("count")).longValue()).isEqualTo(1);
      assertThat(((Number) direct.get("capacity")).longValue()).isEqualTo(8192L << 4);
      assertThat(((Number) direct.get("used")).longValue()).isBetween(1000L, 8192L << 4);
      assertThat(netty.get("used_direct")).isEqualTo(8192L << 4);
    } finally {
      held.release();
    }
    Map<String, Object> all = BufferPools.snapshot();
    assertThat((List<Map<String, Object>>) all.get("jvm")).extracting(p -> p.get("name")).contains("direct", "mapped");
    assertThat((List<Map<String, Object>>) all.get("jvm")).allSatisfy(p -> assertThat(p).containsKeys("used", "capacity", "count"));
  }
}
