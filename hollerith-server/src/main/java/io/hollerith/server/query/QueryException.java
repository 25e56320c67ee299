package io.hollerith.server.query;

/**
 * A request the query layer refuses, with the HTTP status and the exact message the client gets.
 * Immutable.
 */
public class QueryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public QueryException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  static QueryException badRequest(String message) {
    return new QueryException(400, message);
  }

  /** The HTTP status: 400, 404 or 406. */
  public int status() {
    return status;
  }
}
