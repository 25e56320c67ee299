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
 * open-addressing table with linear probing holds, per slot, the member's 32-bit hash
 * ({@link Sample#hashKey}) and its index. A lookup compares hashes first and then the bytes, so
 * membership is exact: two members whose hashes collide cost one byte comparison and stay two
 * members. Adding a member seen before allocates nothing; a new one allocates only when an array
 * must grow (doubling), and {@link #clear()} keeps the arrays for the next interval.
 *
 * <p>Not thread-safe: the set series' monitor guards it.
 */
final class MemberSet {

  private static final int INITIAL_SLOTS = 16;
  /** Above this many slots, {@link #clear()} gives the arrays back instead of keeping them. */
  private static final int KEEP_AT_MOST_SLOTS = 1 << 14;

  /** Per slot: the member's index + 1, 0 for an empty slot. */
  private int[] slotMember = new int[INITIAL_SLOTS];
  private int[] slotHash = new int[INITIAL_SLOTS];
  /** Per member: where its bytes start in {@link #bytes}; its end is the next member's start. */
  private int[] starts = new int[INITIAL_SLOTS / 2 + 1];
  private byte[] bytes = new byte[128];
  private int size;

  /** Adds the member {@code b[offset..offset + length)}; true if it was not in the set. */
  boolean add(byte[] b, int offset, int length) {
    int hash = Sample.hashKey(b, offset, length);
    int mask = slotMember.length - 1;
    int i = hash & mask;
    for (int m = slotMember[i]; m != 0; m = slotMember[i]) {
      if (slotHash[i] == hash && equalsMember(m - 1, b, offset, length)) {
        return false;
      }
      i = (i + 1) & mask;
    }
    append(b, offset, length);
    slotMember[i] = size;
    slotHash[i] = hash;
    if (size * 2 > slotMember.length) {
      rehash(slotMember.length * 2);
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

  private void rehash(int slots) {
    int[] member = new int[slots];
    int[] hashes = new int[slots];
    int mask = slots - 1;
    for (int j = 0; j < slotMember.length; j++) {
      if (slotMember[j] != 0) {
        int i = slotHash[j] & mask;
        while (member[i] != 0) {
          i = (i + 1) & mask;
        }
        member[i] = slotMember[j];
        hashes[i] = slotHash[j];
      }
    }
    slotMember = member;
    slotHash = hashes;
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
    if (slotMember.length > KEEP_AT_MOST_SLOTS) {
      slotMember = new int[INITIAL_SLOTS];
      slotHash = new int[INITIAL_SLOTS];
      starts = new int[INITIAL_SLOTS / 2 + 1];
      bytes = new byte[128];
    } else {
      Arrays.fill(slotMember, 0);
    }
    size = 0;
  }
}
