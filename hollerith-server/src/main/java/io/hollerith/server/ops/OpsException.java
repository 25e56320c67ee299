package io.hollerith.server.ops;

/**
 * An operations request refused with an HTTP status and a message that names the parameter or the
 * reason (400 bad input, 404 missing, 408 timeout, 409 in use, 503 unavailable).
 */
public final class OpsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public OpsException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
