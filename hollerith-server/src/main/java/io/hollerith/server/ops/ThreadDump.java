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
  public static List<Map<String, Object>> grouped() {
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
    List<Map<String, Object>> out = new ArrayList<>();
    groups.forEach((key, g) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("count", g.names.size());
      m.put("state", key.get(0));
      m.put("names", List.copyOf(g.names));
      m.put("stack", key.subList(1, key.size()));
      m.put("truncated", g.truncated);
      out.add(m);
    });
    out.sort(Comparator.comparing((Map<String, Object> m) -> (Integer) m.get("count")).reversed()
        .thenComparing(m -> (String) m.get("state")));
    return out;
  }

  private static final class Group {
    final TreeSet<String> names = new TreeSet<>();
    final boolean truncated;

    Group(boolean truncated) {
      this.truncated = truncated;
    }
  }
}
