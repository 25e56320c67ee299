package io.hollerith.server.ops;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PoolChunkListMetric;
import io.netty.buffer.PoolChunkMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Buffer memory: Netty's pooled allocator per arena (bytes used and reserved in its chunks, live
 * allocations) and the JVM's buffer pools (direct, mapped). Stateless.
 */
public final class BufferPools {

  private BufferPools() {}

  /** {@code {"netty": {...}, "jvm": [...]}}; every size in bytes. */
  public static Map<String, Object> snapshot() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("netty", netty(ByteBufAllocator.DEFAULT));
    List<Map<String, Object>> jvm = new ArrayList<>();
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", pool.getName());
      m.put("used", pool.getMemoryUsed());
      m.put("capacity", pool.getTotalCapacity());
      m.put("count", pool.getCount());
      jvm.add(m);
    }
    out.put("jvm", jvm);
    return out;
  }

  static Map<String, Object> netty(ByteBufAllocator allocator) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!(allocator instanceof PooledByteBufAllocator pooled)) {
      m.put("allocator", allocator.getClass().getSimpleName());
      return m;
    }
    PooledByteBufAllocatorMetric metric = pooled.metric();
    m.put("allocator", "pooled");
    m.put("used_heap", metric.usedHeapMemory());
    m.put("used_direct", metric.usedDirectMemory());
    m.put("chunk_size", metric.chunkSize());
    m.put("thread_local_caches", metric.numThreadLocalCaches());
    List<Map<String, Object>> arenas = new ArrayList<>();
    addArenas(arenas, "heap", metric.heapArenas());
    addArenas(arenas, "direct", metric.directArenas());
    m.put("arenas", arenas);
    return m;
  }

  private static void addArenas(List<Map<String, Object>> out, String type, List<PoolArenaMetric> arenas) {
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
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("type", type);
      a.put("index", i);
      a.put("used", capacity - free);
      a.put("capacity", capacity);
      a.put("chunks", chunks);
      a.put("count", arena.numActiveAllocations());
      a.put("allocations", arena.numAllocations());
      a.put("deallocations", arena.numDeallocations());
      a.put("thread_caches", arena.numThreadCaches());
      out.add(a);
    }
  }
}
