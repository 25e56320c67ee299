package io.hollerith.server.api;

import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.auth.Permission;
import io.hollerith.server.auth.Tenant;
import io.hollerith.server.jobs.Scheduler;
import io.hollerith.server.jobs.Task;
import io.hollerith.server.jobs.TaskState;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The node-wide operations routes: the task list and revoke, the internal statistics object, and
 * the workers view (at Waldur's path {@code /api/stats/celery/} and at {@code
 * /api/stats/workers/}). Besides their permission they require a caller of the root tenant: what
 * they show spans every tenant. Without the collaborators (a server built without a scheduler) they
 * answer 503. Thread-safe if its collaborators are.
 */
final class OpsEndpoints {

  /** Default and largest {@code limit} of the task list. */
  static final int DEFAULT_TASK_LIMIT = 100;

  static final int MAX_TASK_LIMIT = 10_000;

  private final AuthStore auth;
  private final Scheduler scheduler;
  private final Supplier<Map<String, Object>> internalStats;
  private final Function<String, Map<String, Object>> workers;

  OpsEndpoints(AuthStore auth, OpsViews views) {
    this.auth = auth;
    this.scheduler = views.scheduler();
    this.internalStats = views.internalStats();
    this.workers = views.workers();
  }

  /** Adds the routes to {@code router}. */
  Router addTo(Router router) {
    return router
        .add(Route.requires(Permission.OPS_READ, "GET", "/api/stats/tasks/", this::tasks))
        .add(
            Route.requires(
                Permission.OPS_WRITE, "POST", "/api/stats/tasks/{id}/revoke", this::revoke))
        .add(Route.requires(Permission.OPS_READ, "GET", "/api/stats/internal/", this::internal))
        .add(Route.requires(Permission.OPS_READ, "GET", "/api/stats/celery/", this::workers))
        .add(Route.requires(Permission.OPS_READ, "GET", "/api/stats/workers/", this::workers));
  }

  private ApiResponse tasks(ApiRequest r) {
    requireRootTenant(r, Permission.OPS_READ);
    String jobId = single(r, "job_id");
    String stateText = single(r, "state");
    TaskState state = null;
    if (stateText != null) {
      try {
        state = TaskState.parse(stateText);
      } catch (IllegalArgumentException e) {
        throw new ApiException(400, "Invalid parameter 'state': " + e.getMessage());
      }
    }
    int limit = DEFAULT_TASK_LIMIT;
    String limitText = single(r, "limit");
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_TASK_LIMIT) {
        throw new ApiException(
            400,
            "Invalid parameter 'limit': must be a whole number from 1 to "
                + MAX_TASK_LIMIT
                + ", got '"
                + (limitText.length() > 40 ? limitText.substring(0, 40) + "…" : limitText)
                + "'");
      }
    }
    List<Task.View> tasks =
        requireScheduler().tasks(jobId, state, limit).stream().map(Task::view).toList();
    return ApiResponse.json(200, new ResponseBodies.Tasks(tasks));
  }

  private ApiResponse revoke(ApiRequest r) {
    requireRootTenant(r, Permission.OPS_WRITE);
    String id = r.pathParams().get("id");
    Task task;
    try {
      task =
          requireScheduler()
              .revoke(id)
              .orElseThrow(() -> new ApiException(404, "No such task on this node: " + id));
    } catch (IllegalStateException e) {
      throw new ApiException(409, "Task " + id + " cannot be revoked: " + e.getMessage());
    }
    return ApiResponse.json(
        task.state() == TaskState.REVOKED ? 200 : 202, new ResponseBodies.Revoked(task.view()));
  }

  private ApiResponse internal(ApiRequest r) {
    requireRootTenant(r, Permission.OPS_READ);
    if (internalStats == null) {
      throw new ApiException(503, "Internal statistics are not available on this server");
    }
    return ApiResponse.json(200, internalStats.get());
  }

  private ApiResponse workers(ApiRequest r) {
    requireRootTenant(r, Permission.OPS_READ);
    if (workers == null) {
      throw new ApiException(503, "The workers view is not available on this server");
    }
    return ApiResponse.json(200, workers.apply(single(r, "task_id")));
  }

  private Scheduler requireScheduler() {
    if (scheduler == null) {
      throw new ApiException(503, "The scheduler is not available on this server");
    }
    return scheduler;
  }

  private void requireRootTenant(ApiRequest r, Permission permission) {
    long root =
        auth.listTenants().stream().filter(Tenant::isRoot).findFirst().map(Tenant::id).orElse(-1L);
    if (r.principal().tenantId() != root) {
      throw new ApiException(
          403,
          "Permission "
              + permission.label()
              + " required; role "
              + r.principal().role().label()
              + " grants it for node-wide views only to users of the root tenant");
    }
  }

  /** The first value of a query parameter, null when absent; over-long values are refused. */
  private static String single(ApiRequest r, String name) {
    List<String> values = r.params().get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    String v = values.get(0);
    if (v.length() > 200) {
      throw new ApiException(400, "Invalid parameter '" + name + "': longer than 200 characters");
    }
    return v;
  }
}
