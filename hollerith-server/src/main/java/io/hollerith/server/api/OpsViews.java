package io.hollerith.server.api;

import io.hollerith.server.jobs.Scheduler;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the operations views read: the node's scheduler ({@code /api/stats/tasks/}), its internal
 * statistics object ({@code /api/stats/internal/}) and the workers view by {@code task_id} or null
 * ({@code /api/stats/celery/}, {@code /api/stats/workers/}). A null part makes its routes answer
 * 503.
 *
 * @param scheduler the node's scheduler
 * @param internalStats the internal statistics object, built on each call
 * @param workers the workers view for a task id, or for every task when given null
 */
public record OpsViews(
    Scheduler scheduler,
    Supplier<Map<String, Object>> internalStats,
    Function<String, Map<String, Object>> workers) {

  /** No views: every operations view answers 503. */
  static final OpsViews NONE = new OpsViews(null, null, null);
}
