package io.hollerith.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link LoadGenerator} sender that hands the packets due at each instant to the kernel in
 * batches, up to {@value #MAX_BATCH} per {@code sendmmsg(2)}, through Netty's native epoll datagram
 * channel (connected, so every message is a bare {@link ByteBuf}). The pacing loop runs as a task
 * on the channel's own event loop: it writes what is due, flushes (one {@code sendmmsg}), and
 * re-submits itself, or schedules itself for the next due packet when it is ahead. The packets are
 * the pool's bytes, wrapped once per slot; nothing is copied per packet.
 *
 * <p>Counting: a packet is counted as sent when it is written; a send that fails is counted in
 * {@link #errors} (its batch's packets stay counted as sent), and {@link Measure} treats any error
 * as a lossy trial, so the two never disagree about a lossless one.
 *
 * <p>Thread-safety: {@link #send} blocks the calling thread until the event loop has finished.
 */
final class BatchSender extends LoadGenerator.Sender {

  /** Most packets per flush, and so per {@code sendmmsg} call. */
  static final int MAX_BATCH = 128;

  /** Gaps shorter than this are spun through on the event loop; longer ones are scheduled. */
  private static final long SPIN_NANOS = 60_000;

  /** How long past the end packets already written may take to leave a full socket. */
  private static final long DRAIN_NANOS = 1_000_000_000L;

  private final EpollEventLoopGroup group = new EpollEventLoopGroup(1);
  private final Channel channel;
  private final ByteBuf[] packetsBySlot;
  private final CountDownLatch done = new CountDownLatch(1);
  private long start;
  private long end;
  private long attempts;

  BatchSender(
      InetSocketAddress target,
      PacketPool pool,
      int firstSlot,
      long maxPackets,
      double nanosPerPacket)
      throws IOException {
    super(pool, firstSlot, maxPackets, nanosPerPacket);
    packetsBySlot = new ByteBuf[pool.slots()];
    ByteBuffer view = pool.view();
    for (int s = 0; s < packetsBySlot.length; s++) {
      view.limit(pool.end(s)).position(pool.start(s));
      packetsBySlot[s] = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(view.slice()));
    }
    try {
      channel =
          new Bootstrap()
              .group(group)
              .channel(EpollDatagramChannel.class)
              .handler(
                  new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                      errors++; // runs on the event loop, like every other access to the counts
                    }
                  })
              .connect(target)
              .sync()
              .channel();
    } catch (InterruptedException e) {
      var unused = group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while connecting to " + target, e);
    } catch (RuntimeException e) {
      var unused = group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new IOException("cannot connect to " + target, e);
    }
  }

  @Override
  void send(long start, long end) {
    this.start = start;
    this.end = end;
    channel.eventLoop().execute(this::tick);
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = new IOException("interrupted while sending", e);
    }
  }

  /** One step of the pacing loop; runs on the event loop only. */
  private void tick() {
    try {
      long now = System.nanoTime();
      if (now >= end || attempts >= maxPackets || !channel.isOpen()) {
        channel.flush();
        if (channel.isOpen()
            && !channel.unsafe().outboundBuffer().isEmpty()
            && now < end + DRAIN_NANOS) {
          channel
              .eventLoop()
              .execute(this::tick); // the kernel pushed back: let the written packets leave
        } else {
          done.countDown();
        }
        return;
      }
      if (!channel.isWritable()) {
        channel
            .eventLoop()
            .execute(this::tick); // the kernel pushed back: wait for the socket to drain
        return;
      }
      long due = due(start, now);
      if (attempts >= due) {
        long gap = start + (long) (attempts * nanosPerPacket) - now;
        if (gap > SPIN_NANOS) {
          var unused =
              channel.eventLoop().schedule(this::tick, gap - SPIN_NANOS / 2, TimeUnit.NANOSECONDS);
        } else {
          channel.eventLoop().execute(this::tick);
        }
        return;
      }
      long batch = Math.min(Math.min(due - attempts, MAX_BATCH), maxPackets - attempts);
      int slots = packetsBySlot.length;
      for (long i = 0; i < batch; i++) {
        var unused = channel.write(packetsBySlot[slot].duplicate(), channel.voidPromise());
        sentPerSlot[slot]++;
        attempts++;
        if (++slot == slots) {
          slot = 0;
        }
      }
      channel.flush();
      channel.eventLoop().execute(this::tick);
    } catch (RuntimeException e) {
      failure = new IOException("sender failed", e);
      done.countDown();
    }
  }

  @Override
  void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
