package io.hollerith.server.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PoolChunkListMetric;
import io.netty.buffer.PoolChunkMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Buffer memory: Netty's pooled allocator per arena (bytes used and reserved in its chunks, live
 * allocations) and the JVM's buffer pools (direct, mapped). Stateless.
 */
public final class BufferPools {

  private BufferPools() {}

  /**
   * The whole report; every size in bytes.
   *
   * @param netty Netty's default allocator
   * @param jvm the JVM's buffer pools
   */
  public record Snapshot(NettyPools netty, List<JvmPool> jvm) {}

  /**
   * Netty's allocator: only its class name when it is not pooled, else its totals and arenas.
   *
   * @param allocator {@code pooled}, or the allocator's class name
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record NettyPools(
      String allocator,
      @JsonProperty("used_heap") Long usedHeap,
      @JsonProperty("used_direct") Long usedDirect,
      @JsonProperty("chunk_size") Integer chunkSize,
      @JsonProperty("thread_local_caches") Integer threadLocalCaches,
      List<Arena> arenas) {}

  /**
   * One arena of the pooled allocator.
   *
   * @param type {@code heap} or {@code direct}
   * @param used bytes handed out of its chunks
   * @param capacity bytes of its chunks
   * @param count live allocations
   */
  public record Arena(
      String type,
      int index,
      long used,
      long capacity,
      long chunks,
      long count,
      long allocations,
      long deallocations,
      @JsonProperty("thread_caches") int threadCaches) {}

  /** One of the JVM's buffer pools ({@code direct}, {@code mapped}). */
  public record JvmPool(String name, long used, long capacity, long count) {}

  /** Netty's default allocator and the JVM's pools. */
  public static Snapshot snapshot() {
    List<JvmPool> jvm = new ArrayList<>();
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      jvm.add(
          new JvmPool(
              pool.getName(), pool.getMemoryUsed(), pool.getTotalCapacity(), pool.getCount()));
    }
    return new Snapshot(netty(ByteBufAllocator.DEFAULT), jvm);
  }

  static NettyPools netty(ByteBufAllocator allocator) {
    if (!(allocator instanceof PooledByteBufAllocator pooled)) {
      return new NettyPools(allocator.getClass().getSimpleName(), null, null, null, null, null);
    }
    PooledByteBufAllocatorMetric metric = pooled.metric();
    List<Arena> arenas = new ArrayList<>();
    addArenas(arenas, "heap", metric.heapArenas());
    addArenas(arenas, "direct", metric.directArenas());
    return new NettyPools(
        "pooled",
        metric.usedHeapMemory(),
        metric.usedDirectMemory(),
        metric.chunkSize(),
        metric.numThreadLocalCaches(),
        arenas);
  }

  private static void addArenas(List<Arena> out, String type, List<PoolArenaMetric> arenas) {
    for (int i = 0; i < arenas.size(); i++) {
      PoolArenaMetric arena = arenas.get(i);
      long capacity = 0;
      long free = 0;
      long chunks = 0;
      for (PoolChunkListMetric list : arena.chunkLists()) {
        for (PoolChunkMetric chunk : list) {
          capacity += chunk.chunkSize();
          free += chunk.freeBytes();
          chunks++;
        }
      }
      out.add(
          new Arena(
              type,
              i,
              capacity - free,
              capacity,
              chunks,
              arena.numActiveAllocations(),
              arena.numAllocations(),
              arena.numDeallocations(),
              arena.numThreadCaches()));
    }
  }
}
