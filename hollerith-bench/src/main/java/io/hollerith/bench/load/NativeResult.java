package io.hollerith.bench.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The result line {@code statsd_blast} prints, checked against the pool it sent from.
 *
 * <p>The program sends the pool's slots in order from slot 0, cycling, and counts only datagrams
 * the kernel accepted, so {@code passes} complete passes and the {@code nextSlot} it reached say
 * exactly how often each slot was sent ({@link #sentPerSlot()}).
 *
 * @param datagramsSent datagrams the kernel accepted
 * @param passes complete passes over the pool
 * @param nextSlot the slot the next datagram would have come from
 * @param slots the pool's slots, as the program read them
 * @param elapsedNanos from the first send to the end of the run
 * @param sendErrors sends the kernel refused with an error (each refused datagram was sent again)
 * @param retries sends put off by a full socket buffer (nothing lost)
 */
record NativeResult(
    long datagramsSent,
    long passes,
    long nextSlot,
    int slots,
    long elapsedNanos,
    long sendErrors,
    long retries) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Parses {@code line} and checks it against {@code pool}.
   *
   * @throws IllegalArgumentException naming what is missing, malformed or inconsistent
   */
  static NativeResult parse(String line, PacketPool pool) {
    JsonNode n;
    try {
      n = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "the native generator's result is not JSON: '" + line + "'", e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException(
          "the native generator's result is not a JSON object: '" + line + "'");
    }
    NativeResult r =
        new NativeResult(
            count(n, "datagrams_sent", line),
            count(n, "passes", line),
            count(n, "next_slot", line),
            (int) Math.min(Integer.MAX_VALUE, count(n, "slots", line)),
            count(n, "elapsed_ns", line),
            count(n, "send_errors", line),
            count(n, "retries", line));
    if (r.slots != pool.slots()) {
      throw new IllegalArgumentException(
          "the native generator sent from a pool of "
              + r.slots
              + " slots, but this pool has "
              + pool.slots()
              + ": '"
              + line
              + "'");
    }
    if (r.nextSlot >= r.slots || r.passes * r.slots + r.nextSlot != r.datagramsSent) {
      throw new IllegalArgumentException(
          "the native generator's datagrams_sent "
              + r.datagramsSent
              + " is not passes "
              + r.passes
              + " × slots "
              + r.slots
              + " + next_slot "
              + r.nextSlot
              + " (next_slot below slots): '"
              + line
              + "'");
    }
    long metrics = count(n, "metrics_sent", line);
    if (metrics != r.datagramsSent * pool.linesPerPacket()) {
      throw new IllegalArgumentException(
          "the native generator's metrics_sent "
              + metrics
              + " is not its datagrams_sent × "
              + pool.linesPerPacket()
              + " lines per packet: '"
              + line
              + "'");
    }
    return r;
  }

  private static long count(JsonNode n, String field, String line) {
    JsonNode v = n.get(field);
    if (v == null) {
      throw new IllegalArgumentException(
          "the native generator's result lacks \"" + field + "\": '" + line + "'");
    }
    if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
      throw new IllegalArgumentException(
          "the native generator's \""
              + field
              + "\" is not a whole number >= 0: "
              + v
              + " in '"
              + line
              + "'");
    }
    return v.asLong();
  }

  /**
   * How many times each slot was sent: {@code passes}, plus one for the slots before {@code
   * nextSlot}.
   */
  long[] sentPerSlot() {
    long[] perSlot = new long[slots];
    for (int s = 0; s < slots; s++) {
      perSlot[s] = passes + (s < nextSlot ? 1 : 0);
    }
    return perSlot;
  }
}
