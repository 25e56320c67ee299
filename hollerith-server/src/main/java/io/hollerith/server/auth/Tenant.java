package io.hollerith.server.auth;

/**
 * A node of the tenant tree. Immutable.
 *
 * @param id store identifier
 * @param name unique name
 * @param parentId the parent tenant, or null for the root
 */
public record Tenant(long id, String name, Long parentId) {

  /** The name of the tenant every store starts with; unassigned namespaces belong to it. */
  public static final String ROOT = "root";

  public boolean isRoot() {
    return parentId == null;
  }
}
