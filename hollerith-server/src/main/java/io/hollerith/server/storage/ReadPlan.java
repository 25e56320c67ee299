package io.hollerith.server.storage;

import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.storage.PointRows.Segment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Which stored resolution answers which part of a read's time range. Stateless. */
final class ReadPlan {

  private ReadPlan() {}

  /**
   * Splits {@code [from, to]} into segments, each read at the first resolution of {@code
   * preference} that holds data there: {@code [now - retention, doneUntil)}, where the raw
   * resolution ({@code raw}) holds up to now and a rolled-up one up to its watermark in {@code
   * doneUntil}.
   */
  static List<Segment> segments(
      long from,
      long to,
      List<Long> preference,
      long raw,
      RetentionPolicy policy,
      long now,
      Map<Long, Long> doneUntil) {
    Map<Long, long[]> windows = new HashMap<>();
    for (long r : preference) {
      long start = now - policy.retentionMillis(r);
      long end = r == raw ? Long.MAX_VALUE : doneUntil.getOrDefault(r, start);
      windows.put(r, new long[] {start, end});
    }
    List<Segment> out = new ArrayList<>();
    long cursor = from;
    while (cursor <= to) {
      Long chosen = null;
      for (long r : preference) {
        long[] w = windows.get(r);
        if (w[0] <= cursor && cursor < w[1]) {
          chosen = r;
          break;
        }
      }
      if (chosen == null) {
        long next = Long.MAX_VALUE;
        for (long[] w : windows.values()) {
          if (w[0] > cursor && w[0] < w[1]) {
            next = Math.min(next, w[0]);
          }
        }
        if (next == Long.MAX_VALUE) {
          // Nothing is retained here by policy; rows not yet expired may still exist at the raw
          // resolution.
          out.add(new Segment(preference.get(0), cursor, to, false));
          break;
        }
        cursor = next;
        continue;
      }
      long end = Math.min(to == Long.MAX_VALUE ? Long.MAX_VALUE : to + 1, windows.get(chosen)[1]);
      for (long r : preference) {
        if (r == chosen) {
          break;
        }
        long[] w = windows.get(r);
        if (w[0] > cursor && w[0] < w[1]) {
          end = Math.min(end, w[0]);
        }
      }
      out.add(new Segment(chosen, cursor, end - 1));
      if (end == Long.MAX_VALUE) {
        break;
      }
      cursor = end;
    }
    return out;
  }
}
