package io.hollerith.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The packages of the server depend one way: no package reaches itself through its dependencies.
 * The dependencies come from {@code jdeps} run on the compiled classes, so fully-qualified names,
 * Javadoc-free signatures and constants all count, as the compiler sees them.
 */
class PackageCyclesTest {

  private static final String ROOT = "io.hollerith.server";

  /** A {@code jdeps -verbose:class} line: {@code a.B -> c.D classes}. */
  private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s");

  @Test
  void serverPackagesFormNoCycle() throws Exception {
    Map<String, Map<String, Set<String>>> graph = packageGraph(classesDirectory());
    assertThat(graph).as("jdeps found the server's packages").containsKey(ROOT + ".aggregate");
    assertThat(describe(cycles(graph), graph)).isEmpty();
  }

  @Test
  void aCycleIsFoundAndNamedWithTheClassesThatMakeIt() {
    Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
    edge(graph, "p.a.X", "p.b.Y");
    edge(graph, "p.b.Y", "p.c.Z");
    edge(graph, "p.c.Z", "p.a.W");
    edge(graph, "p.c.Z", "p.d.V");
    edge(graph, "p.d.V", "p.e.U");

    List<List<String>> cycles = cycles(graph);

    assertThat(cycles).containsExactly(List.of("p.a", "p.b", "p.c"));
    assertThat(describe(cycles, graph))
        .containsExactly(
            "p.a -> p.b (p.a.X -> p.b.Y), p.b -> p.c (p.b.Y -> p.c.Z), p.c -> p.a (p.c.Z -> p.a.W)");
  }

  @Test
  void anAcyclicGraphHasNoCycle() {
    Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
    edge(graph, "p.a.X", "p.b.Y");
    edge(graph, "p.a.X", "p.c.Z");
    edge(graph, "p.b.Y", "p.c.Z");
    assertThat(cycles(graph)).isEmpty();
  }

  private static Path classesDirectory() throws Exception {
    return Path.of(
        HollerithServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** Package → package it depends on → the class-level edges behind that dependency. */
  private static Map<String, Map<String, Set<String>>> packageGraph(Path classes) {
    ToolProvider jdeps =
        ToolProvider.findFirst("jdeps")
            .orElseThrow(() -> new AssertionError("jdeps is not in this JDK"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        jdeps.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "-verbose:class",
            "-filter:package",
            classes.toString());
    assertThat(status).as("jdeps: %s", err).isZero();
    Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
    for (String line : out.toString().split("\n")) {
      Matcher m = EDGE.matcher(line);
      if (m.find() && m.group(1).startsWith(ROOT) && m.group(2).startsWith(ROOT)) {
        edge(graph, m.group(1), m.group(2));
      }
    }
    return graph;
  }

  private static void edge(
      Map<String, Map<String, Set<String>>> graph, String fromClass, String toClass) {
    String from = packageOf(fromClass);
    String to = packageOf(toClass);
    if (!from.equals(to)) {
      graph
          .computeIfAbsent(from, k -> new TreeMap<>())
          .computeIfAbsent(to, k -> new TreeSet<>())
          .add(fromClass + " -> " + toClass);
      graph.computeIfAbsent(to, k -> new TreeMap<>());
    }
  }

  private static String packageOf(String className) {
    return className.substring(0, className.lastIndexOf('.'));
  }

  /**
   * One shortest cycle through each package that lies on any, found by a breadth-first search back
   * to it; each reported once, starting from its smallest package.
   */
  static List<List<String>> cycles(Map<String, Map<String, Set<String>>> graph) {
    Set<List<String>> found =
        new TreeSet<>((a, b) -> String.join(" ", a).compareTo(String.join(" ", b)));
    for (String start : graph.keySet()) {
      List<String> cycle = shortestCycleThrough(start, graph);
      if (!cycle.isEmpty()) {
        found.add(rotateToSmallest(cycle));
      }
    }
    return new ArrayList<>(found);
  }

  private static List<String> shortestCycleThrough(
      String start, Map<String, Map<String, Set<String>>> graph) {
    Map<String, String> parent = new HashMap<>();
    Deque<String> queue = new ArrayDeque<>(List.of(start));
    while (!queue.isEmpty()) {
      String at = queue.poll();
      for (String next : graph.getOrDefault(at, Map.of()).keySet()) {
        if (next.equals(start)) {
          List<String> path = new ArrayList<>();
          for (String p = at; p != null; p = parent.get(p)) {
            path.add(0, p);
          }
          return path;
        }
        if (!parent.containsKey(next) && !next.equals(start)) {
          parent.put(next, at);
          queue.add(next);
        }
      }
    }
    return List.of();
  }

  private static List<String> rotateToSmallest(List<String> cycle) {
    int smallest = cycle.indexOf(new TreeSet<>(cycle).first());
    List<String> rotated = new ArrayList<>(cycle.subList(smallest, cycle.size()));
    rotated.addAll(cycle.subList(0, smallest));
    return rotated;
  }

  /** Each cycle as its package edges, each with the first class-level edge that makes it. */
  private static List<String> describe(
      List<List<String>> cycles, Map<String, Map<String, Set<String>>> graph) {
    List<String> out = new ArrayList<>();
    for (List<String> cycle : cycles) {
      List<String> edges = new ArrayList<>();
      for (int i = 0; i < cycle.size(); i++) {
        String from = cycle.get(i);
        String to = cycle.get((i + 1) % cycle.size());
        edges.add(from + " -> " + to + " (" + graph.get(from).get(to).iterator().next() + ")");
      }
      out.add(String.join(", ", edges));
    }
    return out;
  }
}
