package io.hollerith.server.protocol;

import io.hollerith.server.model.MetricKey;
import java.util.Arrays;

/**
 * The tags of the line being parsed: Influx/Graphite tags between the name and the {@code :},
 * DogStatsD {@code |#} sections, each sanitized as it is collected; then sorted in {@link
 * io.hollerith.server.model.Tag} order, de-duplicated and written after the name in the sample's
 * key.
 *
 * <p>Sanitized tag text lives in one reusable byte array, and per tag four ints record where its
 * key and value lie, so collecting and sorting allocate nothing once the arrays are large enough
 * for the longest line and the most tags seen. At most {@code maxTags} tags are kept; one more
 * makes {@link #tooMany()} true.
 *
 * <p>Not thread-safe: owned by one {@link LineParser}.
 */
final class LineTags {

  /** Lists up to this long are sorted by insertion; longer ones by a bottom-up merge sort. */
  private static final int INSERTION_SORT_MAX = 24;

  private final int maxTags;

  // Sanitized bytes in tagBytes, and per tag four ints in tagMeta: key offset, key length, value
  // offset, value length (-1 for a bare tag).
  private byte[] tagBytes = new byte[256];
  private int tagBytesLength;
  private int[] tagMeta = new int[4 * 8];
  private int[] tagOrder = new int[8];
  private int[] tagOrderScratch = new int[8];
  private int tagCount;
  private boolean tooManyTags;

  LineTags(int maxTags) {
    this.maxTags = maxTags;
  }

  /**
   * Forgets the previous line's tags; the text area grows to hold a line of {@code lineLength}
   * bytes.
   */
  void start(int lineLength) {
    tagCount = 0;
    tagBytesLength = 0;
    tooManyTags = false;
    if (tagBytes.length < lineLength) {
      tagBytes = new byte[Math.max(lineLength, 2 * tagBytes.length)];
    }
  }

  /** Whether the line had more tags than the limit (the later ones were not kept). */
  boolean tooMany() {
    return tooManyTags;
  }

  /** Influx {@code ,k=v,k2} or Graphite {@code ;k=v;k2} tags between the name and the ':'. */
  void parseNameTags(byte[] b, int from, int to) {
    int p = from;
    while (p <= to && !tooManyTags) {
      int q = p;
      while (q < to && b[q] != ',' && b[q] != ';') {
        q++;
      }
      if (q > p) {
        int eq = Bytes.indexOf(b, (byte) '=', p, q);
        if (eq < 0) {
          addTag(b, p, q, -1, -1);
        } else {
          addTag(b, p, eq, eq + 1, q);
        }
      }
      p = q + 1;
    }
  }

  /**
   * DogStatsD {@code k:v,k2} tags of a {@code |#} section starting at {@code from} (a tag without
   * ':' may use '='), in one pass; returns the end of the section (the next '|' or {@code to}).
   */
  int parseDogTags(byte[] b, int from, int to) {
    int start = from;
    int colon = -1;
    int equals = -1;
    int p = from;
    for (; ; p++) {
      byte c = p < to ? b[p] : (byte) '|';
      if (c == ',' || c == '|') {
        if (p > start && !tooManyTags) {
          int sep = colon >= 0 ? colon : equals;
          if (sep < 0) {
            addTag(b, start, p, -1, -1);
          } else {
            addTag(b, start, sep, sep + 1, p);
          }
        }
        if (c == '|') {
          return p < to ? p : to;
        }
        start = p + 1;
        colon = -1;
        equals = -1;
      } else if (c == ':') {
        if (colon < 0) {
          colon = p;
        }
      } else if (c == '=' && equals < 0) {
        equals = p;
      }
    }
  }

  /** The most key bytes a name of {@code nameLength} bytes and these tags can take. */
  int maxKeyLength(int nameLength) {
    return nameLength + tagBytesLength + 2 * tagCount;
  }

  /**
   * Writes the sorted, de-duplicated tags into {@code key} from {@code pos} (the end of the name),
   * each as {@link MetricKey#TAG_SEPARATOR} key [{@link MetricKey#VALUE_SEPARATOR} value]; returns
   * the end of the key. {@code key} must hold {@link #maxKeyLength} bytes.
   */
  int writeSorted(byte[] key, int pos) {
    int n = tagCount;
    if (n == 0) {
      return pos;
    }
    sortTags(n);
    int previous = -1;
    for (int k = 0; k < n; k++) {
      int t = tagOrder[k];
      if (previous >= 0 && compareTags(previous, t) == 0) {
        continue;
      }
      previous = t;
      int m = 4 * t;
      // Tag texts are short: a plain loop beats System.arraycopy's call overhead here.
      key[pos++] = MetricKey.TAG_SEPARATOR;
      for (int i = tagMeta[m], end = i + tagMeta[m + 1]; i < end; i++) {
        key[pos++] = tagBytes[i];
      }
      if (tagMeta[m + 3] >= 0) {
        key[pos++] = MetricKey.VALUE_SEPARATOR;
        for (int i = tagMeta[m + 2], end = i + tagMeta[m + 3]; i < end; i++) {
          key[pos++] = tagBytes[i];
        }
      }
    }
    return pos;
  }

  private void addTag(byte[] b, int keyFrom, int keyTo, int valueFrom, int valueTo) {
    if (tagCount == maxTags) {
      tooManyTags = true;
      return;
    }
    int keyOffset = tagBytesLength;
    int keyEnd = copyTagText(b, keyFrom, keyTo, keyOffset, true);
    if (keyEnd == keyOffset) {
      return; // a tag whose key is empty after sanitizing is dropped
    }
    int valueOffset = keyEnd;
    int valueLength = -1;
    if (valueFrom >= 0) {
      int valueEnd = copyTagText(b, valueFrom, valueTo, valueOffset, false);
      valueLength = valueEnd - valueOffset;
    }
    tagBytesLength = valueOffset + Math.max(valueLength, 0);
    if (tagMeta.length < 4 * (tagCount + 1)) {
      tagMeta = Arrays.copyOf(tagMeta, 2 * tagMeta.length);
    }
    int m = 4 * tagCount;
    tagMeta[m] = keyOffset;
    tagMeta[m + 1] = keyEnd - keyOffset;
    tagMeta[m + 2] = valueOffset;
    tagMeta[m + 3] = valueLength;
    tagCount++;
  }

  /**
   * Copies tag text into {@code tagBytes}, dropping control characters (C0, DEL, C1), bytes that
   * are not well-formed UTF-8, and in keys also {@code : = ,}. Returns the new end offset.
   */
  private int copyTagText(byte[] b, int from, int to, int o, boolean key) {
    byte[] out = tagBytes;
    int i = from;
    while (i < to) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        if (c >= 0x20 && c != 0x7F && !(key && (c == ':' || c == '=' || c == ','))) {
          out[o++] = (byte) c;
        }
        i++;
        continue;
      }
      int length = Utf8.sequenceLength(b, i, to);
      if (length == 0) {
        i++;
        continue;
      }
      if (!(length == 2 && c == 0xC2 && (b[i + 1] & 0xFF) < 0xA0)) { // C1 controls U+0080–U+009F
        System.arraycopy(b, i, out, o, length);
        o += length;
      }
      i += length;
    }
    return o;
  }

  /** Sorts tag indexes in {@code tagOrder[0..n)} by {@link io.hollerith.server.model.Tag} order. */
  private void sortTags(int n) {
    if (tagOrder.length < n) {
      tagOrder = new int[Math.max(n, 2 * tagOrder.length)];
      tagOrderScratch = new int[tagOrder.length];
    }
    int[] order = tagOrder;
    for (int k = 0; k < n; k++) {
      order[k] = k;
    }
    if (n <= INSERTION_SORT_MAX) {
      insertionSort(order, n);
    } else {
      mergeSort(order, n);
    }
  }

  private void insertionSort(int[] order, int n) {
    for (int k = 1; k < n; k++) {
      int t = order[k];
      int j = k - 1;
      while (j >= 0 && compareTags(order[j], t) > 0) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = t;
    }
  }

  /**
   * Bottom-up merge sort for long tag lists: O(n log n), no allocation beyond the scratch array.
   */
  private void mergeSort(int[] order, int n) {
    int[] src = order;
    int[] dst = tagOrderScratch;
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + 2 * width, n);
        int a = lo;
        int c = mid;
        for (int k = lo; k < hi; k++) {
          if (a < mid && (c >= hi || compareTags(src[a], src[c]) <= 0)) {
            dst[k] = src[a++];
          } else {
            dst[k] = src[c++];
          }
        }
      }
      int[] swap = src;
      src = dst;
      dst = swap;
    }
    if (src != order) {
      System.arraycopy(src, 0, order, 0, n);
    }
  }

  /** {@link io.hollerith.server.model.Tag#compareTo} on the sanitized bytes. */
  private int compareTags(int x, int y) {
    int mx = 4 * x;
    int my = 4 * y;
    int byKey =
        Utf8.compare(
            tagBytes, tagMeta[mx], tagMeta[mx + 1], tagBytes, tagMeta[my], tagMeta[my + 1]);
    if (byKey != 0) {
      return byKey;
    }
    int vx = tagMeta[mx + 3];
    int vy = tagMeta[my + 3];
    if (vx < 0) {
      return vy < 0 ? 0 : -1;
    }
    if (vy < 0) {
      return 1;
    }
    return Utf8.compare(tagBytes, tagMeta[mx + 2], vx, tagBytes, tagMeta[my + 2], vy);
  }
}
