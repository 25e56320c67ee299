package io.hollerith.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The shape and counts of the thread dump and the buffer-pool report. */
class DebugDumpsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void threadsWithTheSameStackAndStateFormOneGroupWithTheirNames() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Thread> parked =
        List.of(
            park("dump-probe-a", release),
            park("dump-probe-b", release),
            park("dump-probe-c", release));
    try {
      List<ThreadDump.StackGroup> groups = ThreadDump.grouped();
      ThreadDump.StackGroup probes =
          groups.stream().filter(g -> g.names().contains("dump-probe-a")).findFirst().orElseThrow();
      assertThat(probes.names()).isEqualTo(List.of("dump-probe-a", "dump-probe-b", "dump-probe-c"));
      assertThat(probes.count()).isEqualTo(3);
      assertThat(probes.state()).isEqualTo("WAITING");
      assertThat(probes.stack()).anySatisfy(f -> assertThat(f).contains("DebugDumpsTest"));
      assertThat(probes.truncated()).isFalse();
      int total = groups.stream().mapToInt(ThreadDump.StackGroup::count).sum();
      assertThat(total)
          .isEqualTo(groups.stream().mapToInt(g -> g.names().size()).sum())
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
    Thread t =
        new Thread(
            () -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            name);
    t.setDaemon(true);
    t.start();
    for (int i = 0; i < 10_000 && t.getState() != Thread.State.WAITING; i++) {
      Thread.sleep(1);
    }
    assertThat(t.getState()).isEqualTo(Thread.State.WAITING);
    return t;
  }

  @Test
  void bufferPoolsReportNettyArenasAndTheJvmPools() {
    PooledByteBufAllocator allocator = new PooledByteBufAllocator(true, 1, 1, 8192, 4, 0, 0, false);
    ByteBuf held = allocator.directBuffer(1000);
    try {
      BufferPools.NettyPools netty = BufferPools.netty(allocator);
      assertThat(netty.allocator()).isEqualTo("pooled");
      BufferPools.Arena direct =
          netty.arenas().stream().filter(a -> a.type().equals("direct")).findFirst().orElseThrow();
      assertThat(direct.count()).isEqualTo(1);
      assertThat(direct.capacity()).isEqualTo(8192L << 4);
      assertThat(direct.used()).isBetween(1000L, 8192L << 4);
      assertThat(netty.usedDirect()).isEqualTo(8192L << 4);
    } finally {
      held.release();
    }
    BufferPools.Snapshot all = BufferPools.snapshot();
    assertThat(all.jvm()).extracting(BufferPools.JvmPool::name).contains("direct", "mapped");
  }

  @Test
  void anUnpooledAllocatorIsReportedByItsClassNameAlone() throws Exception {
    assertThat(
            new String(
                JSON.writeValueAsBytes(BufferPools.netty(UnpooledByteBufAllocator.DEFAULT)),
                StandardCharsets.UTF_8))
        .isEqualTo("{\"allocator\":\"UnpooledByteBufAllocator\"}");
  }

  @Test
  void aPooledAllocatorsReportKeepsItsKeyOrder() throws Exception {
    PooledByteBufAllocator allocator =
        new PooledByteBufAllocator(false, 1, 0, 8192, 4, 0, 0, false);
    assertThat(
            new String(
                JSON.writeValueAsBytes(BufferPools.netty(allocator)), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"allocator\":\"pooled\",\"used_heap\":"
                + allocator.metric().usedHeapMemory()
                + ",\"used_direct\":"
                + allocator.metric().usedDirectMemory()
                + ",\"chunk_size\":"
                + (8192 << 4)
                + ",\"thread_local_caches\":0,\"arenas\":[{\"type\":\"heap\",\"index\":0,\"used\":0,\"capacity\":0,"
                + "\"chunks\":0,\"count\":0,\"allocations\":0,\"deallocations\":0,\"thread_caches\":0}]}");
  }
}
