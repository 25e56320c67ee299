package io.hollerith.server.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A user's one role and the permissions it grants. This enum is the only place where roles map to
 * permissions. Immutable.
 */
public enum Role {
  /** Everything, including user and tenant management. */
  ADMIN(EnumSet.allOf(Permission.class)),
  /** Operations and diagnostics endpoints, and reading the series of its tenants. */
  SUPPORT(EnumSet.of(Permission.OPS_READ, Permission.STAT_READ)),
  /** Series and metrics of its tenants. */
  READER(EnumSet.of(Permission.STAT_READ));

  private final Set<Permission> permissions;

  Role(Set<Permission> permissions) {
    this.permissions = Set.copyOf(permissions);
  }

  /** Immutable. */
  public Set<Permission> permissions() {
    return permissions;
  }

  public boolean grants(Permission permission) {
    return permissions.contains(permission);
  }

  /** Lower-case name as stored and typed ({@code admin}, {@code support}, {@code reader}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@link #label()}, case-insensitively.
   *
   * @throws IllegalArgumentException naming the allowed roles
   */
  public static Role parse(String text) {
    for (Role r : values()) {
      if (r.label().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "unknown role '" + text + "': must be admin, support or reader");
  }
}
