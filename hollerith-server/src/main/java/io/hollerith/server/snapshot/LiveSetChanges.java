package io.hollerith.server.snapshot;

import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How the series a live snapshot lists differ from those of the previous live snapshot of the same
 * source, so a consumer that keeps state per listed series (the store's live spans) can update it
 * in proportion to what changed instead of comparing every listed series.
 *
 * <p>A source numbers its live snapshots {@code 1, 2, 3, …}; the changes of snapshot {@code
 * sequence} are relative to snapshot {@code sequence - 1} of the same {@code source}. A consumer
 * that did not apply that one (a dropped snapshot, a restart, a failed flush that used up a number)
 * must compare the full lists instead. A series is never both joined and left.
 *
 * @param source identifies the numbering (random per aggregator instance)
 * @param sequence this snapshot's number, from 1
 * @param joined series listed now that the previous snapshot did not list
 * @param left series the previous snapshot listed that are not listed now
 */
public record LiveSetChanges(
    long source, long sequence, List<SeriesRef> joined, List<SeriesRef> left) {

  /** A listed series: its type and key. */
  public record SeriesRef(MetricType type, MetricKey key) {}

  public LiveSetChanges {
    joined = List.copyOf(joined);
    left = List.copyOf(left);
  }

  /**
   * The changes of candidates that may overlap: a series in both lists (one object left the live
   * set and another of the same key and type joined it, or two listings were merged) was listed
   * before and is listed now, so it is in neither.
   */
  public static LiveSetChanges of(
      long source, long sequence, Collection<SeriesRef> joined, Collection<SeriesRef> left) {
    Set<SeriesRef> joinedSet = new HashSet<>(joined);
    Set<SeriesRef> leftSet = new HashSet<>(left);
    List<SeriesRef> joinedOnly = new ArrayList<>(joinedSet.size());
    for (SeriesRef r : joinedSet) {
      if (!leftSet.contains(r)) {
        joinedOnly.add(r);
      }
    }
    List<SeriesRef> leftOnly = new ArrayList<>(leftSet.size());
    for (SeriesRef r : leftSet) {
      if (!joinedSet.contains(r)) {
        leftOnly.add(r);
      }
    }
    return new LiveSetChanges(source, sequence, joinedOnly, leftOnly);
  }

  /**
   * These changes together with those of series listed beside the source's own (which never list a
   * series the source lists in the same snapshot).
   */
  public LiveSetChanges plus(Collection<SeriesRef> moreJoined, Collection<SeriesRef> moreLeft) {
    if (moreJoined.isEmpty() && moreLeft.isEmpty()) {
      return this;
    }
    List<SeriesRef> allJoined = new ArrayList<>(joined);
    allJoined.addAll(moreJoined);
    List<SeriesRef> allLeft = new ArrayList<>(left);
    allLeft.addAll(moreLeft);
    return of(source, sequence, allJoined, allLeft);
  }
}
