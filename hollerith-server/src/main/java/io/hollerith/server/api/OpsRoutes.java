package io.hollerith.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hollerith.server.auth.Permission;
import io.hollerith.server.ops.BufferPools;
import io.hollerith.server.ops.DataFiles;
import io.hollerith.server.ops.Operations;
import io.hollerith.server.ops.OpsException;
import io.hollerith.server.ops.ReadOnlyQueries;
import io.hollerith.server.ops.TableGrowthReport;
import io.hollerith.server.ops.ThreadDump;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node-wide operations routes: database statistics, table growth, read-only SQL, debug dumps
 * and the data directory's files. Besides its permission, each needs a caller whose tenant is the
 * root tenant (403 otherwise); without a store the database routes answer 503 with the reason.
 * Thread-safe if its collaborators are.
 */
final class OpsRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(OpsRoutes.class);

  /** Longest {@code table_name} accepted. */
  static final int MAX_TABLE_NAME_CHARS = 150;

  private final Operations ops;
  private final Clock clock;

  /**
   * @param ops what the routes work on; null answers 503 on every route that needs it
   */
  OpsRoutes(Operations ops, Clock clock) {
    this.ops = ops;
    this.clock = clock;
  }

  Router register(Router router) {
    return router
        .add(
            Route.requires(
                Permission.OPS_READ, "GET", "/api/stats/database/", nodeWide(this::database)))
        .add(
            Route.requires(
                Permission.OPS_READ,
                "GET",
                "/api/stats/table-growth/",
                nodeWide(this::tableGrowth)))
        .add(
            Route.requires(
                Permission.QUERY_EXECUTE, "POST", "/api/stats/query/", nodeWide(this::query)))
        .add(
            Route.requires(
                Permission.OPS_READ, "GET", "/debug/goroutines", nodeWide(this::threads)))
        .add(Route.requires(Permission.OPS_READ, "GET", "/debug/threads", nodeWide(this::threads)))
        .add(
            Route.requires(
                Permission.OPS_READ, "GET", "/debug/pool/bytes", nodeWide(this::bufferPools)))
        .add(
            Route.requires(
                Permission.OPS_READ, "GET", "/_local/files/_list", nodeWide(this::listFiles)))
        .add(
            Route.requires(
                Permission.OPS_READ,
                "GET",
                "/_local/files/{file}/_list",
                nodeWide(this::listFiles)))
        .add(
            Route.requires(
                Permission.FILES_DELETE,
                "DELETE",
                "/_local/files/{file}",
                nodeWide(this::deleteFile)));
  }

  /**
   * Refuses callers outside the root tenant, and maps refusals of the ops services to their status.
   */
  private static Route.Handler nodeWide(Route.Handler handler) {
    return r -> {
      if (r.access() == null || !r.access().seesEverything()) {
        throw new ApiException(
            403,
            "This route reports on the whole node: the caller's tenant must be the root tenant");
      }
      try {
        return handler.handle(r);
      } catch (OpsException e) {
        throw new ApiException(e.status(), e.getMessage());
      }
    };
  }

  private ApiResponse database(ApiRequest r) {
    requireStore();
    return ApiResponse.json(200, storeCall(() -> ops.store().databaseStats()));
  }

  private ApiResponse tableGrowth(ApiRequest r) {
    requireStore();
    String table = single(r, "table_name");
    if (table != null && (table.isEmpty() || table.length() > MAX_TABLE_NAME_CHARS)) {
      throw new ApiException(
          400, "Parameter table_name: must be 1 to " + MAX_TABLE_NAME_CHARS + " characters");
    }
    String daysText = single(r, "days");
    int days = 30;
    if (daysText != null) {
      try {
        days = Integer.parseInt(daysText);
      } catch (NumberFormatException e) {
        days = -1;
      }
      if (days < 1 || days > TableGrowthReport.MAX_HISTORY_DAYS) {
        throw new ApiException(
            400,
            "Parameter days: must be an integer from 1 to "
                + TableGrowthReport.MAX_HISTORY_DAYS
                + ", got '"
                + daysText
                + "'");
      }
    }
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    int historyDays = days;
    return ApiResponse.json(
        200,
        storeCall(
            () -> {
              ops.tableGrowth().sampleIfMissing(today);
              return ops.tableGrowth().report(today, table, historyDays);
            }));
  }

  private ApiResponse query(ApiRequest r) {
    requireStore();
    String query;
    try {
      JsonNode body = r.body().length == 0 ? null : Json.MAPPER.readTree(r.body());
      JsonNode q = body == null || !body.isObject() ? null : body.get("query");
      if (q == null || !q.isTextual() || q.asText().isBlank()) {
        throw new ApiException(
            400, "Parameter query: the body must be {\"query\": \"<SQL>\"} with a non-empty query");
      }
      query = q.asText();
    } catch (IOException e) {
      throw new ApiException(400, "Parameter query: the body is not valid JSON");
    }
    String format = single(r, "format");
    if (format != null && !format.equals("table") && !format.equals("rows")) {
      throw new ApiException(
          400, "Parameter format: must be 'rows' (default) or 'table', got '" + format + "'");
    }
    ReadOnlyQueries.Result result = ops.queries().run(r.principal().userName(), query);
    if ("table".equals(format)) {
      return ApiResponse.json(
          200,
          new ResponseBodies.QueryTable(
              result.columns(),
              result.rows(),
              result.rows().size(),
              result.truncated(),
              ops.queries().maxRows(),
              result.elapsedMillis()));
    }
    return ApiResponse.json(200, result.rows());
  }

  private ApiResponse threads(ApiRequest r) {
    return ApiResponse.json(200, ThreadDump.grouped());
  }

  private ApiResponse bufferPools(ApiRequest r) {
    return ApiResponse.json(200, BufferPools.snapshot());
  }

  private ApiResponse listFiles(ApiRequest r) {
    return ApiResponse.json(200, requireFiles().list(fileParameter(r)));
  }

  /** Deletes one file of the data directory; 409 with the reason for a file the node has in use. */
  private ApiResponse deleteFile(ApiRequest r) {
    String file = fileParameter(r);
    requireFiles().delete(file);
    LOG.info("user {} deleted data-directory file {}", r.principal().userName(), file);
    return ApiResponse.json(200, new ResponseBodies.Deleted(file));
  }

  private DataFiles requireFiles() {
    if (ops == null || ops.files() == null) {
      throw new ApiException(503, "The data directory is not available on this server");
    }
    return ops.files();
  }

  /**
   * The file or directory named by the path ({@code {file}}, percent-encoded {@code /} for a nested
   * one) or by the query parameter {@code ?file=}; both at once must agree.
   */
  private static String fileParameter(ApiRequest r) {
    String inPath = r.pathParams().get("file");
    String inQuery = single(r, "file");
    if (inPath != null && inQuery != null && !inPath.equals(inQuery)) {
      throw new ApiException(
          400,
          "Parameter file: the path names '" + inPath + "' and ?file= names '" + inQuery + "'");
    }
    return inPath != null ? inPath : inQuery;
  }

  private void requireStore() {
    if (ops == null || ops.store() == null) {
      throw new ApiException(
          503,
          "No metric store on this node (stats.persist is false): database operations are unavailable");
    }
  }

  /** Runs a store call; a failing store is a 503 with the cause in the log. */
  private static <T> T storeCall(Supplier<T> call) {
    try {
      return call.get();
    } catch (ApiException | OpsException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.error("operations read from the store failed", e);
      throw new ApiException(503, "Storage unavailable; the server log has the cause");
    }
  }

  private static String single(ApiRequest r, String name) {
    List<String> values = r.params().get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw new ApiException(400, "Parameter " + name + ": give it once");
    }
    return values.get(0);
  }
}
