package io.hollerith.bench.load;

import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * A paced UDP StatsD load generator, aimed at loopback only.
 *
 * <pre>
 * java -cp hollerith-bench/target/hollerith-bench.jar io.hollerith.bench.load.LoadGenerator \
 *     --target 127.0.0.1:8125 --rate 200000 --lines-per-packet 20 --names 1000 --mix c=100 \
 *     --duration 10s [--threads 1] [--max-metrics N] [--prefix bench] [--summary out.json] [--expected out.txt] \
 *     [--sender batch|plain]
 * </pre>
 *
 * <p>All packets are built before the clock starts ({@link PacketPool}); each sender thread owns a
 * connected {@link DatagramChannel} and a view of the pool, and writes slices of it: nothing is
 * allocated or formatted per packet. Pacing is by deadline: a sender computes how many packets are
 * due at {@code now} and sends until it has caught up, then parks (or spins for gaps below 60 µs),
 * so the average rate is exact and bursts stay below a packet or two at these rates. When the
 * senders cannot keep up, they send flat out and the achieved rate says so. Pin it with {@code
 * taskset -c N java ...}.
 *
 * <p>{@code --sender batch} (the default where Netty's native epoll transport loads) hands the
 * packets due at each instant to {@link BatchSender}, which sends up to {@value
 * BatchSender#MAX_BATCH} of them per {@code sendmmsg(2)}; {@code plain} makes one {@code write(2)}
 * per packet. On loopback the sending core also does the kernel's receive-side work for every
 * datagram, so the generator, not the server, is often the ceiling: batching lifts it.
 *
 * <p>Prints a JSON summary (offered packets, metrics, achieved rate, send errors) to standard
 * output or {@code --summary}; {@code --expected} writes {@code name total} for every counter — the
 * exact totals a lossless receiver must show.
 *
 * <p>Thread-safety: {@link #run(LoadSpec)} may be called from one thread at a time per instance; it
 * starts and joins its own sender threads.
 */
public final class LoadGenerator {

  /** Gaps shorter than this are spun through; longer ones park (parkNanos overshoots by ~50 µs). */
  private static final long SPIN_NANOS = 60_000;

  /** Packets sent back to back before the clock is read again. */
  private static final int BURST = 32;

  private LoadGenerator() {}

  /** Command-line entry point; see the class Javadoc for the options. */
  public static void main(String[] args) throws Exception {
    Args a = new Args(args);
    LoadSpec spec =
        new LoadSpec(
            a.address("--target", "127.0.0.1:8125"),
            a.longValue("--rate", 100_000),
            (int) a.longValue("--lines-per-packet", 1),
            (int) a.longValue("--names", 1000),
            TypeMix.parse(a.string("--mix", "c=100")),
            a.duration("--duration", "10s"),
            a.longValue("--max-metrics", 0),
            (int) a.longValue("--threads", 1),
            a.string("--prefix", "bench"),
            a.batched());
    String summary = a.string("--summary", null);
    String expected = a.string("--expected", null);
    a.rejectUnknown();
    LoadResult r = run(spec);
    String json = r.toJson();
    if (summary != null) {
      Files.writeString(Path.of(summary), json + "\n");
    }
    System.out.println(json);
    if (expected != null) {
      StringBuilder sb = new StringBuilder();
      r.expectedCounterTotals().forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
      Files.writeString(Path.of(expected), sb.toString(), StandardCharsets.UTF_8);
    }
  }

  /** Sends {@code spec}'s load and returns what was offered. */
  static LoadResult run(LoadSpec spec) throws IOException, InterruptedException {
    return run(
        spec, new PacketPool(spec.prefix(), spec.names(), spec.linesPerPacket(), spec.mix()));
  }

  /** Like {@link #run(LoadSpec)} with a pool built earlier (it must match the spec's shape). */
  static LoadResult run(LoadSpec spec, PacketPool pool) throws IOException, InterruptedException {
    int threads = spec.threads();
    long maxPackets =
        spec.maxMetrics() == 0
            ? Long.MAX_VALUE
            : (spec.maxMetrics() + spec.linesPerPacket() - 1) / spec.linesPerPacket();
    double nanosPerPacket =
        spec.rate() == 0 ? 0 : 1e9 * threads * spec.linesPerPacket() / spec.rate();
    List<Sender> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long share =
          maxPackets == Long.MAX_VALUE
              ? Long.MAX_VALUE
              : maxPackets / threads + (t < maxPackets % threads ? 1 : 0);
      int firstSlot = (int) ((long) t * pool.slots() / threads);
      senders.add(
          spec.batched()
              ? new BatchSender(spec.target(), pool, firstSlot, share, nanosPerPacket)
              : new ChannelSender(spec.target(), pool, firstSlot, share, nanosPerPacket));
    }
    long start = System.nanoTime();
    long end = start + spec.duration().toNanos();
    List<Thread> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Sender s = senders.get(t);
      Thread th = new Thread(() -> s.send(start, end), "load-sender-" + t);
      th.start();
      running.add(th);
    }
    for (Thread th : running) {
      th.join();
    }
    long elapsed = System.nanoTime() - start;
    long[] perSlot = new long[pool.slots()];
    long errors = 0;
    for (Sender s : senders) {
      s.close();
      if (s.failure != null) {
        throw s.failure;
      }
      errors += s.errors;
      for (int i = 0; i < perSlot.length; i++) {
        perSlot[i] += s.sentPerSlot[i];
      }
    }
    return LoadResult.of(spec, pool, perSlot, errors, elapsed);
  }

  /** One sender: its own socket, its own view of the pool, its own counts. */
  abstract static class Sender {
    final PacketPool pool;
    final long maxPackets;
    final double nanosPerPacket;
    final long[] sentPerSlot;
    int slot;
    long errors;
    IOException failure;

    Sender(PacketPool pool, int firstSlot, long maxPackets, double nanosPerPacket) {
      this.pool = pool;
      this.maxPackets = maxPackets;
      this.nanosPerPacket = nanosPerPacket;
      this.sentPerSlot = new long[pool.slots()];
      this.slot = firstSlot;
    }

    /**
     * Sends from {@code start} until {@code end} (nanoTime) or {@code maxPackets}; returns when
     * done.
     */
    abstract void send(long start, long end);

    abstract void close();

    /** Packets due at {@code now} since {@code start} (all of them when unpaced). */
    final long due(long start, long now) {
      return nanosPerPacket == 0 ? Long.MAX_VALUE : (long) ((now - start) / nanosPerPacket) + 1;
    }
  }

  /**
   * A sender thread writing one datagram per {@code write(2)} through a connected {@link
   * DatagramChannel}.
   */
  private static final class ChannelSender extends Sender {
    private final DatagramChannel channel;
    private final ByteBuffer view;

    ChannelSender(
        InetSocketAddress target,
        PacketPool pool,
        int firstSlot,
        long maxPackets,
        double nanosPerPacket)
        throws IOException {
      super(pool, firstSlot, maxPackets, nanosPerPacket);
      this.channel = DatagramChannel.open(StandardProtocolFamily.INET);
      this.channel.connect(target);
      this.view = pool.view();
    }

    @Override
    void send(long start, long end) {
      try {
        sendLoop(start, end);
      } catch (IOException e) {
        failure = e;
      } catch (RuntimeException e) {
        failure = new IOException("sender failed", e);
      }
    }

    private void sendLoop(long start, long end) throws IOException {
      int slots = pool.slots();
      long attempts = 0;
      while (attempts < maxPackets) {
        long now = System.nanoTime();
        if (now >= end) {
          return;
        }
        long due = due(start, now);
        if (attempts >= due) {
          long gap = start + (long) (attempts * nanosPerPacket) - now;
          if (gap > SPIN_NANOS) {
            LockSupport.parkNanos(gap - SPIN_NANOS / 2);
          } else {
            Thread.onSpinWait();
          }
          continue;
        }
        long burst = Math.min(Math.min(due - attempts, BURST), maxPackets - attempts);
        for (long i = 0; i < burst; i++) {
          view.limit(pool.end(slot)).position(pool.start(slot));
          try {
            channel.write(view);
            sentPerSlot[slot]++;
          } catch (PortUnreachableException e) {
            errors++;
          }
          attempts++;
          if (++slot == slots) {
            slot = 0;
          }
        }
      }
    }

    @Override
    void close() {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Minimal {@code --key value} parsing shared by the bench mains; unknown keys are an error. */
  static final class Args {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> used = new HashSet<>();

    Args(String[] args) {
      for (int i = 0; i < args.length; i++) {
        String k = args[i];
        if (!k.startsWith("--")) {
          throw new IllegalArgumentException("expected --option, got '" + k + "'");
        }
        int eq = k.indexOf('=');
        if (eq > 0) {
          values.put(k.substring(0, eq), k.substring(eq + 1));
        } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
          values.put(k, args[++i]);
        } else {
          values.put(k, "true");
        }
      }
    }

    String string(String key, String def) {
      used.add(key);
      return values.getOrDefault(key, def);
    }

    /**
     * {@code --sender batch|plain}: batch (sendmmsg) unless plain is asked for or epoll is missing.
     */
    boolean batched() {
      String kind = string("--sender", Epoll.isAvailable() ? "batch" : "plain");
      return switch (kind) {
        case "batch" -> {
          if (!Epoll.isAvailable()) {
            throw new IllegalArgumentException(
                "--sender batch needs Netty's native epoll transport: "
                    + Epoll.unavailabilityCause());
          }
          yield true;
        }
        case "plain" -> false;
        default ->
            throw new IllegalArgumentException("--sender: batch or plain, got '" + kind + "'");
      };
    }

    boolean flag(String key) {
      return Boolean.parseBoolean(string(key, "false"));
    }

    long longValue(String key, long def) {
      String v = string(key, null);
      if (v == null) {
        return def;
      }
      try {
        return Long.parseLong(v.replace("_", ""));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + ": not an integer: '" + v + "'");
      }
    }

    double doubleValue(String key, double def) {
      String v = string(key, null);
      try {
        return v == null ? def : Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + ": not a number: '" + v + "'");
      }
    }

    Duration duration(String key, String def) {
      return parseDuration(key, string(key, def));
    }

    static Duration parseDuration(String key, String v) {
      try {
        if (v.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        } else if (v.endsWith("s")) {
          return Duration.ofMillis(
              Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
        } else if (v.endsWith("m")) {
          return Duration.ofMillis(
              Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
        }
        return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            key + ": not a duration (e.g. 500ms, 10s, 2m): '" + v + "'");
      }
    }

    InetSocketAddress address(String key, String def) {
      String v = string(key, def);
      int colon = v.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(key + ": expected host:port, got '" + v + "'");
      }
      return new InetSocketAddress(
          v.substring(0, colon), (int) parsePort(key, v.substring(colon + 1)));
    }

    private static long parsePort(String key, String v) {
      try {
        int p = Integer.parseInt(v);
        if (p < 0 || p > 65535) {
          throw new NumberFormatException();
        }
        return p;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + ": bad port '" + v + "'");
      }
    }

    /** Fails naming every option given but never asked for. */
    void rejectUnknown() {
      List<String> unknown = new ArrayList<>(values.keySet());
      unknown.removeAll(used);
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException("unknown option(s): " + unknown + "; known: " + used);
      }
    }
  }
}
