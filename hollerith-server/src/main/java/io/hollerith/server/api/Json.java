package io.hollerith.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The one Jackson mapper of the API and the error envelope. Thread-safe. */
final class Json {

  static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Json() {}

  static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise response: " + e.getMessage(), e);
    }
  }

  /** {@code {"alerts":[{"level":"error","text":…}]}}, the Traffic Ops error envelope. */
  static byte[] error(String text) {
    Map<String, String> alert = new LinkedHashMap<>();
    alert.put("level", "error");
    alert.put("text", text);
    return bytes(Map.of("alerts", List.of(alert)));
  }
}
