package io.hollerith.server.aggregate;

import io.hollerith.server.protocol.Sample;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The distinct members of one set series in one interval, as UTF-8 bytes, without a {@code String}
 * or any other object per member: the members' bytes lie end to end in one byte array, and an
 * open-addressing table with linear probing holds, per slot, the member's index and its 32-bit hash
 * ({@link Sample#hashKey}), side by side so a probe touches one cache line. A lookup compares
 * hashes first and then the bytes, so membership is exact: two members whose hashes collide cost
 * one byte comparison and stay two members. Adding a member seen before allocates nothing; a new
 * one allocates only when an array must grow (doubling), and {@link #clear()} keeps the arrays for
 * the next interval.
 *
 * <p>Not thread-safe: the set series' monitor guards it.
 */
final class MemberSet {

  private static final int INITIAL_SLOTS = 16;

  /** Above this many slots, {@link #clear()} gives the arrays back instead of keeping them. */
  private static final int KEEP_AT_MOST_SLOTS = 1 << 14;

  /**
   * Per slot {@code i}: {@code [2i]} the member's index + 1 (0 for an empty slot), {@code [2i + 1]}
   * its hash.
   */
  private int[] slots = new int[2 * INITIAL_SLOTS];

  /** Per member: where its bytes start in {@link #bytes}; its end is the next member's start. */
  private int[] starts = new int[INITIAL_SLOTS / 2 + 1];

  private byte[] bytes = new byte[128];
  private int size;

  /** Adds the member {@code b[offset..offset + length)}; true if it was not in the set. */
  boolean add(byte[] b, int offset, int length) {
    int hash = Sample.hashKey(b, offset, length);
    int mask = slotCount() - 1;
    int i = hash & mask;
    for (int m = slots[2 * i]; m != 0; m = slots[2 * i]) {
      if (slots[2 * i + 1] == hash && equalsMember(m - 1, b, offset, length)) {
        return false;
      }
      i = (i + 1) & mask;
    }
    append(b, offset, length);
    slots[2 * i] = size;
    slots[2 * i + 1] = hash;
    if (size * 2 > slotCount()) {
      rehash(slotCount() * 2);
    }
    return true;
  }

  private boolean equalsMember(int member, byte[] b, int offset, int length) {
    int start = starts[member];
    int end = starts[member + 1];
    return end - start == length && ByteRanges.equal(bytes, start, b, offset, length);
  }

  private void append(byte[] b, int offset, int length) {
    int start = starts[size];
    if (start + length > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(start + length, bytes.length * 2));
    }
    System.arraycopy(b, offset, bytes, start, length);
    size++;
    if (size + 1 > starts.length) {
      starts = Arrays.copyOf(starts, starts.length * 2);
    }
    starts[size] = start + length;
  }

  private int slotCount() {
    return slots.length >> 1;
  }

  private void rehash(int count) {
    int[] next = new int[2 * count];
    int mask = count - 1;
    for (int j = 0; j < slots.length; j += 2) {
      if (slots[j] != 0) {
        int i = slots[j + 1] & mask;
        while (next[2 * i] != 0) {
          i = (i + 1) & mask;
        }
        next[2 * i] = slots[j];
        next[2 * i + 1] = slots[j + 1];
      }
    }
    slots = next;
  }

  /** Number of distinct members. */
  int size() {
    return size;
  }

  /**
   * Hands each member's bytes, in the order they were first added, to {@code action} as the
   * remaining bytes of one reused buffer, which the action must not keep.
   */
  void forEachMember(Consumer<ByteBuffer> action) {
    ByteBuffer view = ByteBuffer.wrap(bytes);
    for (int i = 0; i < size; i++) {
      view.limit(starts[i + 1]).position(starts[i]);
      action.accept(view);
    }
  }

  /** The members as strings (allocates; for the management interface). */
  Set<String> toStrings() {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < size; i++) {
      out.add(new String(bytes, starts[i], starts[i + 1] - starts[i], StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Empties the set, keeping its arrays unless they grew large. */
  void clear() {
    if (slotCount() > KEEP_AT_MOST_SLOTS) {
      slots = new int[2 * INITIAL_SLOTS];
      starts = new int[INITIAL_SLOTS / 2 + 1];
      bytes = new byte[128];
    } else {
      Arrays.fill(slots, 0);
    }
    size = 0;
  }
}
