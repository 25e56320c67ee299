package io.hollerith.bench.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A weighted mix of StatsD types, parsed from {@code c=70,ms=20,g=10}, turned into a fixed,
 * interleaved schedule of 100 slots so that line {@code j} always gets {@code typeAt(j)}: the load
 * is deterministic and the expected per-counter totals can be computed exactly.
 *
 * <p>Immutable and thread-safe.
 */
final class TypeMix {

  /** The StatsD type suffixes the generator can emit. */
  static final List<String> TYPES = List.of("c", "g", "ms", "s", "h", "d");

  private final Map<String, Integer> weights;
  private final String[] schedule;

  private TypeMix(Map<String, Integer> weights, String[] schedule) {
    this.weights = weights;
    this.schedule = schedule;
  }

  /**
   * Parses {@code type=weight[,type=weight...]}; weights are percentages and must add up to 100.
   *
   * @throws IllegalArgumentException naming the bad part
   */
  static TypeMix parse(String text) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    int sum = 0;
    for (String part : text.split(",")) {
      String[] kv = part.trim().split("=", 2);
      String type = kv[0].trim().toLowerCase(Locale.ROOT);
      if (!TYPES.contains(type)) {
        throw new IllegalArgumentException(
            "--mix: unknown type '" + type + "' in '" + text + "'; allowed: " + TYPES);
      }
      int weight;
      try {
        weight = kv.length == 2 ? Integer.parseInt(kv[1].trim()) : 100;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--mix: weight of '" + type + "' is not an integer: '" + kv[1] + "'");
      }
      if (weight <= 0 || weights.containsKey(type)) {
        throw new IllegalArgumentException(
            "--mix: '" + part + "' must be a positive weight for a type not yet listed");
      }
      weights.put(type, weight);
      sum += weight;
    }
    if (sum != 100) {
      throw new IllegalArgumentException(
          "--mix: weights must add up to 100, got " + sum + " in '" + text + "'");
    }
    return new TypeMix(Collections.unmodifiableMap(weights), buildSchedule(weights));
  }

  /**
   * Spreads each type evenly over 100 slots (smooth weighted round-robin), so short runs keep the
   * mix.
   */
  private static String[] buildSchedule(Map<String, Integer> weights) {
    List<String> types = new ArrayList<>(weights.keySet());
    int[] current = new int[types.size()];
    String[] out = new String[100];
    for (int slot = 0; slot < 100; slot++) {
      int best = 0;
      for (int i = 0; i < types.size(); i++) {
        current[i] += weights.get(types.get(i));
        if (current[i] > current[best]) {
          best = i;
        }
      }
      current[best] -= 100;
      out[slot] = types.get(best);
    }
    return out;
  }

  /** The type of line number {@code j} of the generated stream. */
  String typeAt(long j) {
    return schedule[(int) (j % 100)];
  }

  Map<String, Integer> weights() {
    return weights;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    weights.forEach(
        (k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return sb.toString();
  }
}
