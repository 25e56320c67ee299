package io.hollerith.server.ops;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The JVM's answer to Go's goroutine dump: every live thread's stack, grouped by identical state
 * and stack, each group with its count and thread names, largest group first. Stateless.
 */
public final class ThreadDump {

  /** Frames kept per stack; deeper frames are cut and the group says so. */
  public static final int MAX_FRAMES = 256;

  private ThreadDump() {}

  /** {@code [{"count", "state", "names", "stack", "truncated"}]}, largest group first. */
  public static List<StackGroup> grouped() {
    Map<List<String>, Group> groups = new LinkedHashMap<>();
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      StackTraceElement[] frames = e.getValue();
      List<String> key = new ArrayList<>();
      key.add(e.getKey().getState().name());
      for (int i = 0; i < Math.min(frames.length, MAX_FRAMES); i++) {
        key.add(frames[i].toString());
      }
      Group g = groups.computeIfAbsent(key, k -> new Group(frames.length > MAX_FRAMES));
      g.names.add(e.getKey().getName());
    }
    List<StackGroup> out = new ArrayList<>();
    groups.forEach(
        (key, g) ->
            out.add(
                new StackGroup(
                    g.names.size(),
                    key.get(0),
                    List.copyOf(g.names),
                    key.subList(1, key.size()),
                    g.truncated)));
    out.sort(
        Comparator.comparingInt(StackGroup::count).reversed().thenComparing(StackGroup::state));
    return out;
  }

  /**
   * Threads in the same state with the same top frames.
   *
   * @param count how many threads
   * @param state their {@link Thread.State}
   * @param names their names, sorted
   * @param stack the shared top frames, innermost first
   * @param truncated whether the stacks are deeper than the frames kept
   */
  public record StackGroup(
      int count, String state, List<String> names, List<String> stack, boolean truncated) {}

  private static final class Group {
    final TreeSet<String> names = new TreeSet<>();
    final boolean truncated;

    Group(boolean truncated) {
      this.truncated = truncated;
    }
  }
}
