package io.hollerith.server.api;

import io.hollerith.server.model.MetricKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the StatsD part of a scrape will write, prepared without writing it: each source's visible
 * entries sorted in output order (family name, then label set, then key), and which families lose a
 * name collision. Memory: one reference per visible series, plus the few names involved in
 * collisions; no text.
 *
 * <p>Families are admitted as if every series claimed its family's sample names in the order
 * internal statistics, counters, gauges, timers, sets (each list by key), the first claim winning;
 * see {@link PrometheusWriter}. Two different family names can only collide through a suffix one
 * kind adds ({@code x} and {@code x_count}, say), so that order is replayed only for the families
 * whose name ends in such a suffix and for the families they would extend; any other family
 * collides only with a same-named family of another source, which the writer settles as it meets
 * them side by side.
 *
 * <p>Immutable once built; built on a worker thread, read by one connection's event loop.
 */
final class StatsdFamilyPlan {

  private static final String TOTAL = "_total";

  private final Object[][] sorted = new Object[StatsdSource.values().length][];

  /** Sources, per family name, of the families replayed; and of those, the ones left out. */
  private final Set<String> replayed = new HashSet<>();

  private final Set<String> excluded = new HashSet<>();
  private final Set<String> internalClaims;

  /**
   * @param live the snapshot to expose
   * @param canSee which metric names the caller may see; other series are left out first
   * @param internalClaims the sample names the internal families already use
   */
  StatsdFamilyPlan(
      LatestValues.Snapshot live, Predicate<String> canSee, Set<String> internalClaims) {
    this.internalClaims = internalClaims;
    for (StatsdSource s : StatsdSource.values()) {
      List<?> entries = s.entries(live);
      List<Object> visible = new ArrayList<>(entries.size());
      for (Object e : entries) {
        if (canSee.test(s.key(e).name())) {
          visible.add(e);
        }
      }
      sorted[s.ordinal()] = visible.toArray();
    }
    replayCollisions();
    for (StatsdSource s : StatsdSource.values()) {
      Arrays.sort(sorted[s.ordinal()], outputOrder(s));
    }
  }

  /** The visible entries of {@code source}, in output order. */
  Object[] entries(StatsdSource source) {
    return sorted[source.ordinal()];
  }

  /**
   * Whether the family {@code family} of {@code source} is written, given the kind of a same-named
   * family already admitted from an earlier source ({@code null} if none): the replayed verdict for
   * a family involved in a suffix collision, else same kind as the earlier one (gauges and sets
   * share a family) or, first of its name, no clash with an internal name.
   */
  boolean admits(String family, StatsdSource source, PrometheusKind earlier) {
    String id = id(family, source);
    if (replayed.contains(id)) {
      return !excluded.contains(id);
    }
    if (earlier != null) {
      return earlier == source.kind();
    }
    return source.kind().claims(family).stream().noneMatch(internalClaims::contains);
  }

  /**
   * Family, then labels, then key; each family's name is compared as sanitised without being built.
   */
  private static Comparator<Object> outputOrder(StatsdSource s) {
    boolean strip = s.stripsTotal();
    return (x, y) -> {
      MetricKey a = s.key(x);
      MetricKey b = s.key(y);
      int c = compareFamilyNames(a.name(), b.name(), strip);
      if (c == 0 && (a.hasTags() || b.hasTags())) {
        c = s.labels(a).compareTo(s.labels(b));
      }
      return c != 0 ? c : a.compareTo(b);
    };
  }

  /**
   * Replays the claims of the families whose name ends in a kind's suffix, and of the families
   * those names extend, in the order the series would claim them (source, then key).
   */
  private void replayCollisions() {
    Map<String, Long> firstClaim = new HashMap<>();
    Set<String> extended = new HashSet<>();
    forEachFamily(
        (family, source, position) -> {
          for (String suffix : PrometheusKind.ALL_SUFFIXES) {
            if (family.endsWith(suffix)) {
              firstClaim.putIfAbsent(id(family, source), position);
              extended.add(family.substring(0, family.length() - suffix.length()));
            }
          }
        });
    if (extended.isEmpty()) {
      return;
    }
    forEachFamily(
        (family, source, position) -> {
          if (extended.contains(family)) {
            firstClaim.putIfAbsent(id(family, source), position);
          }
        });
    List<Map.Entry<String, Long>> order = new ArrayList<>(firstClaim.entrySet());
    order.sort(Map.Entry.comparingByValue());
    Set<String> used = new HashSet<>(internalClaims);
    Map<String, PrometheusKind> admitted = new HashMap<>();
    for (Map.Entry<String, Long> e : order) {
      String id = e.getKey();
      replayed.add(id);
      String family = id.substring(0, id.lastIndexOf('\0'));
      PrometheusKind kind = StatsdSource.values()[id.charAt(id.length() - 1) - '0'].kind();
      PrometheusKind existing = admitted.get(family);
      List<String> claims = kind.claims(family);
      if (existing != null ? existing != kind : claims.stream().anyMatch(used::contains)) {
        excluded.add(id);
      } else if (existing == null) {
        admitted.put(family, kind);
        used.addAll(claims);
      }
    }
  }

  private interface FamilyVisitor {
    void visit(String family, StatsdSource source, long position);
  }

  /** Every visible series' family, in claim order (the entries are still in key order here). */
  private void forEachFamily(FamilyVisitor visitor) {
    for (StatsdSource s : StatsdSource.values()) {
      Object[] entries = sorted[s.ordinal()];
      for (int i = 0; i < entries.length; i++) {
        visitor.visit(s.family(s.key(entries[i])), s, ((long) s.ordinal() << 32) | i);
      }
    }
  }

  private static String id(String family, StatsdSource source) {
    return family + '\0' + source.ordinal();
  }

  /**
   * Compares the family names {@link StatsdSource#family} gives for two metric names, without
   * building them: {@link PrometheusWriter#sanitizeName}'s characters, less a final {@code _total}
   * when {@code stripTotal}.
   */
  static int compareFamilyNames(String a, String b, boolean stripTotal) {
    int la = familyLength(a, stripTotal);
    int lb = familyLength(b, stripTotal);
    int n = Math.min(la, lb);
    for (int i = 0; i < n; i++) {
      char ca = sanitizedCharAt(a, i);
      char cb = sanitizedCharAt(b, i);
      if (ca != cb) {
        return ca - cb;
      }
    }
    return la - lb;
  }

  private static int familyLength(String name, boolean stripTotal) {
    int length = name.length() + prefixLength(name);
    if (stripTotal && length >= TOTAL.length()) {
      for (int k = 0; k < TOTAL.length(); k++) {
        if (sanitizedCharAt(name, length - TOTAL.length() + k) != TOTAL.charAt(k)) {
          return length;
        }
      }
      return length - TOTAL.length();
    }
    return length;
  }

  /** 1 when the sanitised name gets a leading {@code _} (empty, or starting with a digit). */
  private static int prefixLength(String name) {
    return name.isEmpty() || (name.charAt(0) >= '0' && name.charAt(0) <= '9') ? 1 : 0;
  }

  private static char sanitizedCharAt(String name, int i) {
    int prefix = prefixLength(name);
    if (i < prefix) {
      return '_';
    }
    char c = name.charAt(i - prefix);
    return PrometheusWriter.isNameChar(c) ? c : '_';
  }
}
