package io.hollerith.server.auth;

/**
 * What an endpoint may require. Roles map to sets of these in {@link Role}; every route declares
 * the one it needs. Immutable.
 */
public enum Permission {
  /** Read stored series and the metric list of the caller's tenants. */
  STAT_READ("STAT:READ"),
  /** Submit StatsD lines over HTTP. */
  STAT_WRITE("STAT:WRITE"),
  /** Operations and diagnostics: {@code /stats}, Prometheus exposition. */
  OPS_READ("OPS:READ"),
  /** Change what runs on a node: revoke tasks. */
  OPS_WRITE("OPS:WRITE"),
  /** Run ad-hoc queries against the store. */
  QUERY_EXECUTE("QUERY:EXECUTE"),
  /** Delete files under the data directory. */
  FILES_DELETE("FILES:DELETE"),
  /** Manage users, tokens, tenants and namespaces. */
  USER_ADMIN("USER:ADMIN");

  private final String label;

  Permission(String label) {
    this.label = label;
  }

  /** The name used in documents and error messages, e.g. {@code STAT:READ}. */
  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }
}
