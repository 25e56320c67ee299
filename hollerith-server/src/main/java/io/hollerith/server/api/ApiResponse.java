package io.hollerith.server.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler answers. Immutable.
 *
 * @param status HTTP status
 * @param contentType the Content-Type header
 * @param body the body bytes (empty when {@code streamed} is given)
 * @param headers extra headers
 * @param streamed a body written in pieces as the client takes them (chunked transfer encoding), or
 *     null when {@code body} is the whole body
 */
record ApiResponse(
    int status, String contentType, byte[] body, Map<String, String> headers, TextBody streamed) {

  static final String JSON = "application/json";

  ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
    this(status, contentType, body, headers, null);
  }

  /** A text body of any size, written as the client reads it. */
  static ApiResponse streamed(int status, String contentType, TextBody body) {
    return new ApiResponse(status, contentType, new byte[0], Map.of(), body);
  }

  static ApiResponse json(int status, Object value) {
    return new ApiResponse(status, JSON, Json.bytes(value), Map.of());
  }

  static ApiResponse text(int status, String contentType, String text) {
    return new ApiResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  ApiResponse withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new ApiResponse(status, contentType, body, h, streamed);
  }
}
