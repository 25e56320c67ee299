package io.hollerith.server.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler answers. Immutable.
 *
 * @param status HTTP status
 * @param contentType the Content-Type header
 * @param body the body bytes
 * @param headers extra headers
 */
record ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

  static final String JSON = "application/json";

  static ApiResponse json(int status, Object value) {
    return new ApiResponse(status, JSON, Json.bytes(value), Map.of());
  }

  static ApiResponse text(int status, String contentType, String text) {
    return new ApiResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  ApiResponse withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new ApiResponse(status, contentType, body, h);
  }
}
