package io.hollerith.server.api;

import java.util.Map;

/**
 * A request answered with an error: the status, the text for the {@code
 * {"alerts":[{"level":"error","text":…}]}} body, and extra headers (for example {@code
 * Retry-After}, {@code Allow}, {@code WWW-Authenticate}).
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient Map<String, String> headers;

  ApiException(int status, String text) {
    this(status, text, Map.of());
  }

  ApiException(int status, String text, Map<String, String> headers) {
    super(text, null, false, false);
    this.status = status;
    this.headers = Map.copyOf(headers);
  }

  int status() {
    return status;
  }

  Map<String, String> headers() {
    return headers;
  }
}
