package io.hollerith.server.auth;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one caller may see: its tenant and that tenant's descendants, and which tenant owns a metric
 * name (the longest assigned namespace prefix that the name starts with; the root tenant when no
 * namespace matches). Built per request from the tenant tree and namespace assignments, so changes
 * made with the CLI apply to the next request. Immutable and thread-safe.
 */
public final class Access {

  /**
   * A namespace assignment: metric names starting with {@code prefix} belong to {@code tenantId}.
   */
  public record Namespace(String prefix, long tenantId) {}

  private final Principal principal;
  private final Set<Long> reachable;
  private final List<Namespace> namespacesLongestFirst;
  private final long rootTenantId;

  private Access(
      Principal principal, Set<Long> reachable, List<Namespace> namespaces, long rootTenantId) {
    this.principal = principal;
    this.reachable = Set.copyOf(reachable);
    List<Namespace> sorted = new ArrayList<>(namespaces);
    sorted.sort(
        Comparator.comparingInt((Namespace n) -> n.prefix().length())
            .reversed()
            .thenComparing(Namespace::prefix));
    this.namespacesLongestFirst = List.copyOf(sorted);
    this.rootTenantId = rootTenantId;
  }

  /**
   * The access of {@code principal} given the whole tenant tree and all namespace assignments.
   *
   * @throws IllegalArgumentException if the tree has no root
   */
  public static Access of(Principal principal, List<Tenant> tenants, List<Namespace> namespaces) {
    Map<Long, List<Long>> children = new HashMap<>();
    Long root = null;
    for (Tenant t : tenants) {
      if (t.parentId() == null) {
        root = t.id();
      } else {
        children.computeIfAbsent(t.parentId(), k -> new ArrayList<>()).add(t.id());
      }
    }
    if (root == null) {
      throw new IllegalArgumentException("tenant tree has no root");
    }
    Set<Long> reach = new HashSet<>();
    List<Long> todo = new ArrayList<>(List.of(principal.tenantId()));
    while (!todo.isEmpty()) {
      Long id = todo.remove(todo.size() - 1);
      if (reach.add(id)) {
        todo.addAll(children.getOrDefault(id, List.of()));
      }
    }
    return new Access(principal, reach, namespaces, root);
  }

  public Principal principal() {
    return principal;
  }

  /** The tenant that owns metrics named {@code metricName}. */
  public long ownerOf(String metricName) {
    for (Namespace ns : namespacesLongestFirst) {
      if (metricName.startsWith(ns.prefix())) {
        return ns.tenantId();
      }
    }
    return rootTenantId;
  }

  /** True when the caller's tenant is the owner of {@code metricName} or one of its ancestors. */
  public boolean canSee(String metricName) {
    return reachable.contains(ownerOf(metricName));
  }

  /**
   * True when a namespace assignment covers {@code metricName} and the caller reaches its tenant:
   * names no namespace covers, visible to the root tenant by default, are not.
   */
  public boolean canSeeAssigned(String metricName) {
    for (Namespace ns : namespacesLongestFirst) {
      if (metricName.startsWith(ns.prefix())) {
        return reachable.contains(ns.tenantId());
      }
    }
    return false;
  }

  /**
   * Name prefixes outside which the caller sees nothing, sorted, none starting with another: {@code
   * [""]} for a caller that sees everything, otherwise the namespaces of the tenants in its reach.
   * Names inside them may still be hidden (a namespace of another tenant nested in one of them), so
   * {@link #canSee} still decides each name; the prefixes only narrow a scan.
   */
  public List<String> visiblePrefixes() {
    if (seesEverything()) {
      return List.of("");
    }
    TreeSet<String> reachablePrefixes = new TreeSet<>();
    for (Namespace ns : namespacesLongestFirst) {
      if (reachable.contains(ns.tenantId())) {
        reachablePrefixes.add(ns.prefix());
      }
    }
    List<String> outermost = new ArrayList<>();
    for (String prefix : reachablePrefixes) {
      // Sorted order puts every name starting with a prefix right after it.
      if (outermost.isEmpty() || !prefix.startsWith(outermost.get(outermost.size() - 1))) {
        outermost.add(prefix);
      }
    }
    return List.copyOf(outermost);
  }

  /** True when the caller's reach includes the root tenant, i.e. it sees everything. */
  public boolean seesEverything() {
    return reachable.contains(rootTenantId);
  }
}
