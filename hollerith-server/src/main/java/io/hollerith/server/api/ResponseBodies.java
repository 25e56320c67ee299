package io.hollerith.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.jobs.Task;
import java.util.List;
import java.util.Map;

/**
 * The fixed-shape JSON bodies of the API's routes. Jackson writes a record's components in their
 * declared order and writes nulls, so each record is the wire shape as it reads.
 */
final class ResponseBodies {

  private ResponseBodies() {}

  /** {@code /health}: {@code up} or {@code down}, and each check by name in registration order. */
  record Health(String status, Map<String, HealthCheck.Status> checks) {}

  /**
   * {@code /api/v1/whoami}; the permissions sorted by label; {@code selfSeriesPrefix} null when the
   * node records no series of its own.
   */
  record Whoami(
      String user,
      String role,
      String tenant,
      List<String> permissions,
      long flushIntervalMillis,
      String selfSeriesPrefix) {}

  /** {@code /api/v1/users}. */
  record Users(List<UserEntry> users) {}

  /** One user; {@code created} in ISO 8601 UTC. */
  record UserEntry(String name, String role, String tenant, int activeTokens, String created) {}

  /**
   * {@code /api/v1/tenants}: the tenant tree (a root's parent is null) and the namespace owners.
   */
  record Tenants(List<TenantEntry> tenants, List<AuthStore.NamespaceAssignment> namespaces) {}

  /** One tenant and its parent's name. */
  record TenantEntry(String name, String parent) {}

  /** {@code POST /api/v1/ingest}: line counts and the first errors. */
  record Ingested(long accepted, long rejected, List<String> errors) {}

  /** {@code /api/stats/tasks/}. */
  record Tasks(List<Task.View> tasks) {}

  /** {@code POST /api/stats/tasks/{id}/revoke}. */
  record Revoked(Task.View task) {}

  /** {@code POST /api/stats/query/?format=table}: the columns, the rows, and how the query went. */
  record QueryTable(
      List<String> columns,
      List<List<Object>> rows,
      @JsonProperty("row_count") int rowCount,
      boolean truncated,
      @JsonProperty("max_rows") int maxRows,
      @JsonProperty("elapsed_ms") long elapsedMillis) {}

  /** {@code DELETE /_local/files/{file}}. */
  record Deleted(String deleted) {}
}
