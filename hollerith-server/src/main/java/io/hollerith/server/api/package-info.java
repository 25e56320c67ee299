/**
 * The HTTP API: one server ({@link io.hollerith.server.api.HttpApi}) for stored series, the metric
 * list, HTTP ingest, internal stats, Prometheus exposition, health, the OpenAPI document, and the
 * node-wide operations routes over the {@link io.hollerith.server.ops} services, root tenant only:
 * {@code OpsRoutes} (database statistics, table growth, read-only SQL, debug dumps, data-directory
 * files) and {@code OpsEndpoints} (tasks and revoke, the internal statistics object, the workers
 * view); and the web dashboard's files.
 *
 * <h2>Why Netty's HTTP codec</h2>
 *
 * Netty already carries Hollerith's UDP/TCP/Unix listeners, so the HTTP server adds no second
 * network stack, thread model or set of buffer pools; it uses the same native epoll transport; and
 * there is no servlet container to configure, secure and keep patched. The API is a handful of
 * routes, exact paths or templates with {@code {name}} segments, so a small router ({@code Router})
 * is all the framework needed. Network threads only decode and encode: handlers run on a bounded
 * worker pool because they block on the store and the credential store.
 *
 * <h2>Behaviour</h2>
 *
 * <ul>
 *   <li>JSON everywhere (Jackson); gzip/deflate when the client sends {@code Accept-Encoding} and
 *       the body is at least 1 KiB.
 *   <li>Limits: request body {@code http.max_request_bytes} (413), whole request within {@code
 *       http.request_timeout} once it starts (408), idle keep-alive connections closed after {@code
 *       http.idle_timeout}, {@code http.max_queued_requests} waiting requests (then 503), {@code
 *       http.max_connections} open connections (one more is closed on accept).
 *   <li>Bodies: a connection reads only when its handler asks, one buffer of at most 16 KiB at a
 *       time. A request's head is authenticated and authorised first; a refused request is answered
 *       and its connection closed with the body unread, so nothing a client without valid
 *       credentials sends is buffered beyond the read that carried its head. An admitted body is
 *       copied into room reserved from {@code http.max_body_bytes_in_flight}, shared by all bodies
 *       being received or handled (503 when full); {@code Expect: 100-continue} is answered only
 *       once the request is admitted.
 *   <li>Bounded waits on the databases: {@code /health} runs its checks within {@code
 *       http.health_check_timeout} ({@code HealthProbe}; a check without an answer is reported
 *       down), store reads answer 503 after {@code storage.read_timeout} ({@code StoreReads}), and
 *       {@code /stats} and {@code /metrics} leave out the storage sizes when the store does not
 *       answer in that time.
 *   <li>One access-log line per request on logger {@code io.hollerith.server.api.access}: method,
 *       path (no query string), status, duration, user and client address — never the token.
 *   <li>Every route declares its permission; 401 without a valid token, 403 (naming the missing
 *       permission) when the role lacks it or, on a node-wide operations route, when the caller's
 *       tenant is not the root tenant, 404 for unknown paths, 405 with {@code Allow} for a wrong
 *       method, and 429 with {@code Retry-After} instead of 401 for an invalid token from an
 *       address that failed more than {@code http.auth_failure_limit} times within {@code
 *       http.auth_failure_window}. Only failures are throttled: a valid token is always admitted.
 *       Errors are {@code {"alerts":[{"level":"error","text":"…"}]}}, and no error or log line
 *       quotes a token, even one sent in the wrong place (see {@link
 *       io.hollerith.server.auth.TokenRedaction}).
 *   <li>Prometheus: {@code /metrics} and {@code /stats/prometheus} write text format 0.0.4, or
 *       OpenMetrics 1.0 when the {@code Accept} header asks for {@code
 *       application/openmetrics-text}; live StatsD values come from {@link
 *       io.hollerith.server.api.LatestValues}, normally the {@link
 *       io.hollerith.server.api.PrometheusSink} registered as a flush sink.
 *   <li>Responses are {@code Cache-Control: no-store}, except the web dashboard's files: {@code GET
 *       /} and {@code /ui/<name>.<content hash>.<ext>}, public and answered before routing by
 *       {@code DashboardAssets} (hashed files cached for a year, the page revalidated by {@code
 *       ETag}), each under a Content-Security-Policy that allows same-origin scripts, styles,
 *       images and requests only. The page's scripts ({@code
 *       resources/io/hollerith/server/dashboard/}: the shell {@code app.js} and one file per group
 *       of pages) read everything through the API with the user's token; {@code /api/v1/whoami}
 *       tells them the flush interval, how often a range ending now gains a point, and the prefix
 *       of the node's own series.
 * </ul>
 */
package io.hollerith.server.api;
