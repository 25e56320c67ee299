package io.hollerith.server.api;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.stats.StatsRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the StatsD families of a {@link StatsdFamilyPlan} a few lines at a time: it walks the four
 * sorted sources side by side, takes the smallest family name among their heads, settles which
 * sources may write under it, and then writes that family's series, merged by label set, one at a
 * time. Nothing but the cursors and the current family's runs is held between pieces.
 *
 * <p>A series whose source loses its family name is left out and counted in the collision counter;
 * a second series with the same label set in one family is left out silently (the first in claim
 * order is kept).
 *
 * <p>Not thread-safe: one connection's event loop drives it.
 */
final class StatsdFamilyWriter {

  /** One source's entries under the current family: {@code [next, end)} of its sorted array. */
  private static final class Run {
    final StatsdSource source;
    final Object[] entries;
    final int end;
    int next;
    String headLabels;

    Run(StatsdSource source, Object[] entries, int start, int end) {
      this.source = source;
      this.entries = entries;
      this.next = start;
      this.end = end;
    }

    String headLabels() {
      if (headLabels == null) {
        headLabels = source.labels(source.key(entries[next]));
      }
      return headLabels;
    }

    void advance() {
      next++;
      headLabels = null;
    }
  }

  private final StatsdFamilyPlan plan;
  private final StatsRegistry.Counter collisions;
  private final boolean openMetrics;
  private final int[] cursor = new int[StatsdSource.values().length];
  private final String[] headFamily = new String[StatsdSource.values().length];
  private final List<Run> runs = new ArrayList<>(2);
  private String family;
  private String lastLabels;

  StatsdFamilyWriter(StatsdFamilyPlan plan, StatsRegistry.Counter collisions, boolean openMetrics) {
    this.plan = plan;
    this.collisions = collisions;
    this.openMetrics = openMetrics;
  }

  /**
   * Appends lines until {@code out} holds {@code targetChars} characters or the families end.
   *
   * @return false when every family has been written
   */
  boolean writeSome(StringBuilder out, int targetChars) {
    while (out.length() < targetChars) {
      Run run = nextInFamily();
      if (run == null) {
        if (!startNextFamily(out)) {
          return false;
        }
        continue;
      }
      String labels = run.headLabels();
      if (!labels.equals(lastLabels)) {
        run.source.writeSamples(out, family, labels, run.entries[run.next]);
        lastLabels = labels;
      }
      run.advance();
    }
    return true;
  }

  /**
   * The run whose head comes next by label set (an earlier source first on a tie), or null when the
   * family is done.
   */
  private Run nextInFamily() {
    Run best = null;
    for (Run r : runs) {
      if (r.next < r.end && (best == null || r.headLabels().compareTo(best.headLabels()) < 0)) {
        best = r;
      }
    }
    return best;
  }

  /**
   * Moves every source past the smallest family name at their heads and writes that family's header
   * if any source may write it.
   */
  private boolean startNextFamily(StringBuilder out) {
    runs.clear();
    lastLabels = null;
    String next = null;
    for (StatsdSource s : StatsdSource.values()) {
      String head = head(s);
      if (head != null && (next == null || head.compareTo(next) < 0)) {
        next = head;
      }
    }
    if (next == null) {
      return false;
    }
    family = next;
    PrometheusKind kind = null;
    for (StatsdSource s : StatsdSource.values()) {
      if (!family.equals(head(s))) {
        continue;
      }
      Object[] entries = plan.entries(s);
      int start = cursor[s.ordinal()];
      int end = start + 1;
      while (end < entries.length && family.equals(s.family(s.key(entries[end])))) {
        end++;
      }
      cursor[s.ordinal()] = end;
      headFamily[s.ordinal()] = null;
      if (plan.admits(family, s, kind)) {
        if (kind == null) {
          kind = s.kind();
          PrometheusWriter.header(
              out, family, kind, s.help(firstKey(s, entries, start, end)), openMetrics);
        }
        runs.add(new Run(s, entries, start, end));
      } else {
        collisions.incr(end - start);
      }
    }
    return true;
  }

  /** The family name at the head of a source, or null when it is exhausted. */
  private String head(StatsdSource s) {
    Object[] entries = plan.entries(s);
    int i = cursor[s.ordinal()];
    if (i >= entries.length) {
      return null;
    }
    if (headFamily[s.ordinal()] == null) {
      headFamily[s.ordinal()] = s.family(s.key(entries[i]));
    }
    return headFamily[s.ordinal()];
  }

  /**
   * The smallest key of a run: the series that claimed the family, whose name its help text gives.
   */
  private static MetricKey firstKey(StatsdSource s, Object[] entries, int start, int end) {
    MetricKey first = s.key(entries[start]);
    for (int i = start + 1; i < end; i++) {
      MetricKey k = s.key(entries[i]);
      if (k.compareTo(first) < 0) {
        first = k;
      }
    }
    return first;
  }
}
