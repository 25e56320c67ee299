package io.hollerith.bench.load;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every packet the generator will ever send, built once into one direct buffer before the clock
 * starts, so that sending does no allocation and no formatting.
 *
 * <p>The stream of lines is numbered {@code j = 0, 1, 2, ...}; line {@code j} names series {@code j
 * mod names} with type {@link TypeMix#typeAt(long) mix.typeAt(j)}, and packet (slot) {@code s}
 * holds lines {@code s*lines ... s*lines+lines-1}. The pool holds enough slots to name every series
 * at least once and to cover the mix's 100-line schedule; senders cycle through it. Counters always
 * carry the value 1, so a counter's expected total is the number of times its lines were sent:
 * {@link #expectedCounterTotals(long[])} computes it exactly from how many times each slot was
 * sent.
 *
 * <p>Immutable after construction; each sender takes its own {@link #view()}, so the pool is safe
 * to share between sender threads.
 */
final class PacketPool {

  /** The first bytes of a pool file ({@link #writeTo(Path)}). */
  static final String FILE_MAGIC = "HPOOL001";

  /** The largest UDP payload over IPv4. */
  static final int MAX_UDP_PAYLOAD = 65_507;

  private final String prefix;
  private final int names;
  private final int linesPerPacket;
  private final TypeMix mix;
  private final ByteBuffer data;
  private final int[] offsets;
  private final int slots;
  private final int[] countersPerSlot;

  PacketPool(String prefix, int names, int linesPerPacket, TypeMix mix) {
    if (names < 1 || linesPerPacket < 1) {
      throw new IllegalArgumentException(
          "names and lines per packet must be >= 1, got " + names + " and " + linesPerPacket);
    }
    this.prefix = prefix;
    this.names = names;
    this.linesPerPacket = linesPerPacket;
    this.mix = mix;
    long lines = Math.max(names, 100);
    this.slots = (int) ((lines + linesPerPacket - 1) / linesPerPacket);
    this.offsets = new int[slots + 1];
    this.countersPerSlot = new int[slots];
    byte[][] packets = new byte[slots][];
    long total = 0;
    StringBuilder sb = new StringBuilder(64 * linesPerPacket);
    for (int s = 0; s < slots; s++) {
      sb.setLength(0);
      for (int i = 0; i < linesPerPacket; i++) {
        long j = (long) s * linesPerPacket + i;
        if (i > 0) {
          sb.append('\n');
        }
        appendLine(sb, j);
        if (mix.typeAt(j).equals("c")) {
          countersPerSlot[s]++;
        }
      }
      packets[s] = sb.toString().getBytes(StandardCharsets.UTF_8);
      if (packets[s].length > MAX_UDP_PAYLOAD) {
        throw new IllegalArgumentException(
            "a packet of "
                + linesPerPacket
                + " lines is "
                + packets[s].length
                + " bytes, more than UDP allows ("
                + MAX_UDP_PAYLOAD
                + ")");
      }
      total += packets[s].length;
    }
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "packet pool would need " + total + " bytes; use fewer names");
    }
    this.data = ByteBuffer.allocateDirect((int) total);
    for (int s = 0; s < slots; s++) {
      offsets[s] = data.position();
      data.put(packets[s]);
    }
    offsets[slots] = data.position();
    data.flip();
  }

  private void appendLine(StringBuilder sb, long j) {
    String type = mix.typeAt(j);
    sb.append(name(type, (int) (j % names))).append(':');
    switch (type) {
      case "c" -> sb.append('1');
      case "s" -> sb.append(j % 100);
      default -> sb.append(j % 1000);
    }
    sb.append('|').append(type);
  }

  /** The metric name of series {@code index} when it carries {@code type}. */
  String name(String type, int index) {
    return prefix + "." + type + "." + index;
  }

  int slots() {
    return slots;
  }

  int linesPerPacket() {
    return linesPerPacket;
  }

  int names() {
    return names;
  }

  /** Counter lines in slot {@code s}. */
  int countersIn(int s) {
    return countersPerSlot[s];
  }

  int start(int s) {
    return offsets[s];
  }

  int end(int s) {
    return offsets[s + 1];
  }

  /** The bytes of all packets; each sender uses its own view and moves position/limit over it. */
  ByteBuffer view() {
    return data.asReadOnlyBuffer();
  }

  /** Bytes of packet {@code s}, for tests and debugging. */
  String packet(int s) {
    ByteBuffer v = view();
    v.limit(end(s)).position(start(s));
    byte[] b = new byte[v.remaining()];
    v.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  /**
   * Writes every packet to {@code file} for the native generator ({@code statsd_blast.c}): the
   * magic {@value #FILE_MAGIC}, the number of slots and the lines per packet, each slot's length
   * (unsigned 32-bit little-endian), then the packets in slot order.
   */
  void writeTo(Path file) throws IOException {
    ByteBuffer header =
        ByteBuffer.allocate(16 + 4 * slots)
            .order(ByteOrder.LITTLE_ENDIAN)
            .put(FILE_MAGIC.getBytes(StandardCharsets.US_ASCII))
            .putInt(slots)
            .putInt(linesPerPacket);
    for (int s = 0; s < slots; s++) {
      header.putInt(end(s) - start(s));
    }
    header.flip();
    try (OutputStream out = Files.newOutputStream(file)) {
      var channel = Channels.newChannel(out);
      channel.write(header);
      channel.write(view());
    }
  }

  /**
   * The exact total each counter must show after the slots were sent {@code sentPerSlot[s]} times
   * (every counter line carries 1). Ordered by series index.
   */
  Map<String, Long> expectedCounterTotals(long[] sentPerSlot) {
    long[] perIndex = new long[names];
    boolean[] isCounter = new boolean[names];
    for (int s = 0; s < slots; s++) {
      if (sentPerSlot[s] == 0 || countersPerSlot[s] == 0) {
        continue;
      }
      for (int i = 0; i < linesPerPacket; i++) {
        long j = (long) s * linesPerPacket + i;
        if (mix.typeAt(j).equals("c")) {
          int idx = (int) (j % names);
          perIndex[idx] += sentPerSlot[s];
          isCounter[idx] = true;
        }
      }
    }
    Map<String, Long> out = new LinkedHashMap<>();
    for (int idx = 0; idx < names; idx++) {
      if (isCounter[idx]) {
        out.put(name("c", idx), perIndex[idx]);
      }
    }
    return out;
  }
}
